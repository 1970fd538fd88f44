"""The members pages through HTTP: search, a member's page, the manual adjustment (CSRF, double submit,
errors next to the fields), CSV exports, and the import of opening balances (dry run, apply, apply
again). Members are made by real order webhooks; balances are read back through the merchant API."""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from integrator.admin import login_links
from integrator.loyalty.models import LedgerEntry, Member, MemberImport, Shop
from tests.conftest import Api, drain, requires_postgres
from tests.deliveries import OTHER_DOMAIN, fake30, with_changes

JANE_ID = "1073339475"  # the FAKE30 order's customer: John Smith, jane@example.com, 181 points


def order_for(customer_id: int, email: str, order_id: int, first: str = "Ani", last: str = "Wijaya") -> dict[str, Any]:
    order = fake30()
    customer = {**order["customer"], "id": customer_id, "email": email, "first_name": first, "last_name": last}
    return with_changes(order, id=order_id, email=email, contact_email=email, customer=customer)


def sign_in(app: Flask, client: FlaskClient, shop_id: int) -> str:
    """Sign in with a login link; the session's CSRF token, as the members page carries it."""
    token = login_links.issue(app.extensions["setia_config"].secret_key, shop_id)
    assert client.get(f"/admin/login/{token}").status_code == 303
    return csrf_of(client.get("/admin/members/import").get_data(as_text=True))


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def form_key(page: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.fixture()
def jane(deliver: Any, api: Api) -> dict[str, Any]:
    assert deliver("orders/paid", fake30()).status_code == 200
    member = api.member(JANE_ID)
    assert member is not None
    return member


@pytest.fixture()
def csrf(app: Flask, client: FlaskClient, shop: dict[str, Any]) -> str:
    return sign_in(app, client, shop["id"])


def ids_on(page: str) -> list[int]:
    return [int(value) for value in re.findall(r'data-member="(\d+)"', page)]


def entries(app: Flask) -> int:
    with app.extensions["setia_db"].session() as session:
        return int(session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one())


# --- search and the member's page ------------------------------------------------------------------


def test_members_are_found_by_email_name_and_platform_id(
    client: FlaskClient, deliver: Any, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    deliver("orders/paid", order_for(5550001, "ani@example.com", 9990001, "Ani", "Wijaya"))
    ani = api.member(5550001)
    assert ani is not None
    searches = {
        "JANE@example.com": [jane["id"]],
        "jane@": [jane["id"]],
        "wijaya": [ani["id"]],
        "ani wij": [ani["id"]],
        "John Smith": [jane["id"]],
        JANE_ID: [jane["id"]],
        "5550001": [ani["id"]],
        "nobody": [],
        "%": [],
        "": [ani["id"], jane["id"]],  # everyone, newest first
    }
    for text, expected in searches.items():
        page = client.get("/admin/members", query_string={"q": text})
        assert page.status_code == 200, text
        assert ids_on(page.get_data(as_text=True)) == expected, text
    assert "No member matches" in client.get("/admin/members?q=nobody").get_data(as_text=True)


def test_the_member_list_is_paged(client: FlaskClient, csrf: str) -> None:
    from integrator.admin import members as pages

    rows = "".join(f"{6000 + n},m{n}@example.com,1\n" for n in range(pages.PAGE_SIZE + 2))
    apply(client, csrf, upload(client, csrf, "platform_customer_id,email,points\n" + rows).headers["Location"])
    first = client.get("/admin/members").get_data(as_text=True)
    second = client.get("/admin/members?page=2").get_data(as_text=True)
    assert len(ids_on(first)) == pages.PAGE_SIZE and 'rel="next"' in first
    assert len(ids_on(second)) == 2 and 'rel="next"' not in second and 'rel="prev"' in second
    assert sorted(ids_on(first) + ids_on(second), reverse=True) == ids_on(first) + ids_on(second)


def test_the_member_page_shows_balances_ledger_and_coupons(
    client: FlaskClient, app: Flask, jane: dict[str, Any], csrf: str
) -> None:
    page = client.get(f"/admin/members/{jane['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert re.search(r'data-balance="points_available">181<', text)
    assert re.search(r'data-balance="cashback_available">\$3\.62<', text)  # money.display, as the widget
    assert "+181" in text and "+$3.62" in text and "1073459981" in text  # the order's entries
    assert 'action="/admin/members/' in text and 'name="csrf_token"' in text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_an_idr_shop_shows_rupiah_without_decimals(app: Flask, client: FlaskClient, shops: Any, deliver: Any) -> None:
    shop = shops.make(currency="IDR", settings={"points_per_unit": "0.001", "cashback_percent": "2"})
    order = with_changes(fake30(), currency="IDR", total_price="181090", subtotal_price="181090")
    order["current_subtotal_price"] = "181090"
    order["current_subtotal_price_set"] = {
        "shop_money": {"amount": "181090", "currency_code": "IDR"},
        "presentment_money": {"amount": "181090", "currency_code": "IDR"},
    }
    deliver("orders/paid", order)
    member = Api(client, shop["api_key"]).member(JANE_ID)
    assert member is not None
    sign_in(app, client, shop["id"])
    text = client.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    shown = re.search(r'data-balance="cashback_available">([^<]+)<', text)
    assert shown and shown.group(1) == f"Rp {int(member['cashback_available']):,}"  # English separators
    client.get("/admin/language/id")  # the merchant reads Indonesian: Indonesian separators
    text = client.get(f"/admin/members/{member['id']}").get_data(as_text=True)
    shown = re.search(r'data-balance="cashback_available">([^<]+)<', text)
    assert shown and shown.group(1) == f"Rp {int(member['cashback_available']):,}".replace(",", ".")


def test_another_shops_member_is_not_found(
    app: Flask, client: FlaskClient, shops: Any, jane: dict[str, Any], api: Api
) -> None:
    other = shops.make(domain=OTHER_DOMAIN)
    csrf = sign_in(app, client, other["id"])
    assert client.get(f"/admin/members/{jane['id']}").status_code == 404
    assert client.get(f"/admin/members/{2**64}").status_code == 404  # no bigint overflow
    assert client.get(f"/admin/members/imports/{2**64}").status_code == 404
    assert ids_on(client.get("/admin/members").get_data(as_text=True)) == []
    form = {"points": "50", "reason": "steal", "idempotency_key": "k1", "csrf_token": csrf}
    assert client.post(f"/admin/members/{jane['id']}/adjustments", data=form).status_code == 404
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181


def test_without_a_session_the_pages_redirect_to_the_login_notice(
    client: FlaskClient, jane: dict[str, Any], api: Api
) -> None:
    for path in (
        "/admin/members",
        f"/admin/members/{jane['id']}",
        "/admin/members/export.csv",
        "/admin/members/ledger.csv",
        "/admin/members/import",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/admin/login"), path
    form = {"points": "50", "reason": "x", "idempotency_key": "k"}
    assert client.post(f"/admin/members/{jane['id']}/adjustments", data=form).status_code == 401
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181


# --- the adjustment --------------------------------------------------------------------------------


def test_an_adjustment_moves_the_balance_once_even_when_submitted_twice(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str, ledger_checked: None
) -> None:
    page = client.get(f"/admin/members/{jane['id']}").get_data(as_text=True)
    form = {"points": "50", "reason": "birthday", "idempotency_key": form_key(page), "csrf_token": csrf}
    first = client.post(f"/admin/members/{jane['id']}/adjustments", data=form)
    second = client.post(f"/admin/members/{jane['id']}/adjustments", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 231
    ledger = api.get(f"/members/{jane['id']}/ledger").json["items"]
    assert [e["points"] for e in ledger if e["kind"] == "adjust"] == [50]
    assert "birthday" in ledger[0]["reason"] and "login-link" in ledger[0]["reason"]  # who did it
    shown = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "The adjustment is saved." in shown and 'data-balance="points_available">231<' in shown
    assert form_key(shown) != form["idempotency_key"]  # the next adjustment is another one


def test_a_negative_adjustment_never_takes_the_balance_below_zero(
    client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    form = {"points": "-182", "reason": "too much", "idempotency_key": "neg-1", "csrf_token": csrf}
    response = client.post(f"/admin/members/{jane['id']}/adjustments", data=form)
    text = refused_page(client, response)
    assert re.search(r'data-error-for="points">[^<]*not have that many points', text)
    assert 'value="-182"' in text and 'value="too much"' in text  # the form keeps what was typed
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181
    form["points"] = "-181"
    assert client.post(f"/admin/members/{jane['id']}/adjustments", data=form).status_code == 303
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 0


def refused_page(client: FlaskClient, response: Any) -> str:
    """A refused adjustment answers with a redirect (post/redirect/get) to the member page, which
    answers a GET: the page the merchant sees, with the errors."""
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "/adjustments" not in location and "refused=" in location
    page = client.get(location)
    assert page.status_code == 200
    return str(page.get_data(as_text=True))


def test_a_refused_adjustment_leaves_the_browser_on_a_page_it_can_reload(
    client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    form = {"points": "-500", "reason": "too much", "idempotency_key": "prg-1", "csrf_token": csrf}
    response = client.post(f"/admin/members/{jane['id']}/adjustments", data=form, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == f"/admin/members/{jane['id']}"
    assert client.get(response.request.full_path).status_code == 200  # a reload: no 405
    text = response.get_data(as_text=True)
    assert 'data-error-for="points"' in text and 'value="-500"' in text and 'value="too much"' in text
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181


BAD_FORMS = [  # (what the merchant typed, the fields shown with an error)
    ({"points": "", "reason": "x"}, {"points"}),
    ({"points": "ten", "reason": "x"}, {"points"}),
    ({"points": "1.5", "reason": "x"}, {"points"}),
    ({"points": "0", "reason": "x"}, {"points"}),
    ({"points": "5", "reason": ""}, {"reason"}),
    ({"points": "5", "reason": "x" * 401}, {"reason"}),
    ({"points": "abc", "reason": ""}, {"points", "reason"}),
    ({"points": "\u0661\u0660", "reason": "x"}, {"points"}),  # Arabic-Indic "10": int() reads it
    ({"points": "1_000", "reason": "x"}, {"points"}),
    ({"points": " 5", "reason": "x"}, {"points"}),
    ({"points": "5", "reason": "nul\x00byte"}, {"reason"}),  # PostgreSQL text holds no NUL: was a 500
]


def test_a_bad_adjustment_shows_errors_next_to_the_fields_and_changes_nothing(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    before = entries(app)
    for form, fields in BAD_FORMS:
        body = {**form, "idempotency_key": "bad-1", "csrf_token": csrf}
        response = client.post(f"/admin/members/{jane['id']}/adjustments", data=body)
        assert set(re.findall(r'data-error-for="([a-z_]+)"', refused_page(client, response))) == fields, form
    assert entries(app) == before
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181


def test_an_adjustment_without_the_csrf_token_is_400_and_changes_nothing(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    form = {"points": "50", "reason": "x", "idempotency_key": "c-1"}
    assert client.post(f"/admin/members/{jane['id']}/adjustments", data=form).status_code == 400
    wrong = client.post(f"/admin/members/{jane['id']}/adjustments", data={**form, "csrf_token": csrf[:-1]})
    assert wrong.status_code == 400
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 181
    assert entries(app) == 2


# --- CSV exports -----------------------------------------------------------------------------------


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_members_export_lists_every_member_with_balances(
    app: Flask, client: FlaskClient, deliver: Any, jane: dict[str, Any], csrf: str
) -> None:
    deliver("orders/paid", order_for(5550001, "ani@example.com", 9990001, '=HYPERLINK("http://x")', "-2+3"))
    rows = read_csv(client.get("/admin/members/export.csv"))
    assert [row["platform_customer_id"] for row in rows] == [JANE_ID, "5550001"]
    assert rows[0]["email"] == "jane@example.com" and rows[0]["points_available"] == "181"
    assert rows[0]["cashback_available"] == "3.62" and rows[0]["currency"] == "USD"
    assert rows[1]["first_name"] == '\'=HYPERLINK("http://x")'  # never run as a formula
    assert rows[1]["last_name"] == "'-2+3"


def test_the_ledger_export_lists_entries_with_signed_amounts(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    body = {"points": -20, "reason": "@SUM(1)", "idempotency_key": "e-1"}
    assert api.post(f"/members/{jane['id']}/adjustments", body).status_code == 201
    rows = read_csv(client.get("/admin/members/ledger.csv"))
    assert [(row["account"], row["kind"], row["points"], row["cashback"]) for row in rows] == [
        ("points", "earn", "181", ""),
        ("cashback", "earn", "", "3.62"),
        ("points", "adjust", "-20", ""),  # a negative number stays a number
    ]
    assert rows[2]["reason"].startswith("'@SUM(1)")
    assert {row["platform_customer_id"] for row in rows} == {JANE_ID}


def test_exports_neutralise_formulas_behind_whitespace_and_full_width_signs(
    app: Flask, client: FlaskClient, api: Api, deliver: Any, jane: dict[str, Any], csrf: str
) -> None:
    deliver("orders/paid", order_for(5550001, "ani@example.com", 9990001, ' =HYPERLINK("http://x")', "\uff0b62 812"))
    members = read_csv(client.get("/admin/members/export.csv"))
    assert members[1]["first_name"] == '\' =HYPERLINK("http://x")'
    assert members[1]["last_name"] == "'\uff0b62 812"
    body = {"points": 5, "reason": "\u3000\uff1dSUM(1)", "idempotency_key": "e-2"}
    assert api.post(f"/members/{jane['id']}/adjustments", body).status_code == 201
    ledger = read_csv(client.get("/admin/members/ledger.csv"))
    assert ledger[-1]["reason"].startswith("'\u3000\uff1dSUM(1)")


def test_exports_hold_only_the_signed_in_shops_members(
    app: Flask, client: FlaskClient, shops: Any, jane: dict[str, Any]
) -> None:
    other = shops.make(domain=OTHER_DOMAIN)
    sign_in(app, client, other["id"])
    assert read_csv(client.get("/admin/members/export.csv")) == []
    assert read_csv(client.get("/admin/members/ledger.csv")) == []


def test_the_ledger_export_is_read_in_batches(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str, monkeypatch: Any
) -> None:
    from integrator.loyalty import exports

    monkeypatch.setattr(exports, "BATCH", 2)
    for n in range(5):
        api.post(f"/members/{jane['id']}/adjustments", {"points": 1, "reason": "r", "idempotency_key": f"b{n}"})
    response = client.get("/admin/members/ledger.csv")
    assert response.is_streamed
    rows = read_csv(response)
    assert [int(row["entry_id"]) for row in rows] == sorted(int(row["entry_id"]) for row in rows)
    assert len(rows) == 7


# --- the import of opening balances ----------------------------------------------------------------


GOOD = (
    "platform_customer_id,email,points,cashback,first_name,last_name\r\n"
    f"{JANE_ID},jane@example.com,100,,,\r\n"
    "8000001,new1@example.com,250,12.50,Budi,Santoso\r\n"
    "8000002,,40,,,\r\n"
    "8000003,bad@example.com,-5,,,\r\n"
)


def upload(client: FlaskClient, csrf: str | None, text: str | bytes, name: str = "balances.csv") -> Any:
    content = text.encode() if isinstance(text, str) else text
    data: dict[str, Any] = {"file": (io.BytesIO(content), name)}
    if csrf is not None:
        data["csrf_token"] = csrf
    return client.post("/admin/members/import", data=data, content_type="multipart/form-data")


def report(client: FlaskClient, location: str) -> tuple[str, dict[int, str]]:
    text = client.get(location).get_data(as_text=True)
    statuses = {int(row): status for row, status in re.findall(r'data-row="(\d+)" data-status="([a-z_]+)"', text)}
    return text, statuses


def apply(client: FlaskClient, csrf: str, location: str) -> Any:
    return client.post(f"{location}/apply", data={"csrf_token": csrf})


def balances(api: Api) -> dict[str, tuple[int, str]]:
    items = api.get("/members", query_string={"page_size": 200}).json["items"]
    return {m["platform_customer_id"]: (m["points_available"], m["cashback_available"]) for m in items}


def test_a_dry_run_reports_every_row_and_changes_nothing(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    response = upload(client, csrf, GOOD)
    assert response.status_code == 303
    text, statuses = report(client, response.headers["Location"])
    assert statuses == {2: "added", 3: "new_member", 4: "new_member", 5: "rejected"}
    assert re.search(r"<code>points</code> must not be negative", text)
    assert 'data-status="checked"' in text and 'id="apply-form"' in text
    assert balances(api) == {JANE_ID: (181, "3.62")}
    assert entries(app) == 2


def test_applying_imports_the_good_rows_once_and_again_changes_nothing(
    app: Flask, client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str, ledger_checked: None
) -> None:
    first = upload(client, csrf, GOOD).headers["Location"]
    assert apply(client, csrf, first).status_code == 303
    text, statuses = report(client, first)
    assert 'data-status="applied"' in text and statuses[5] == "rejected"
    expected = {JANE_ID: (281, "3.62"), "8000001": (250, "12.50"), "8000002": (40, "0.00")}
    assert balances(api) == expected
    budi = api.member("8000001")
    assert budi and (budi["first_name"], budi["last_name"], budi["email"]) == ("Budi", "Santoso", "new1@example.com")
    imported = [e for e in api.get(f"/members/{budi['id']}/ledger").json["items"] if e["kind"] == "import"]
    assert len(imported) == 2 and "balances.csv" in imported[0]["reason"]
    count = entries(app)

    assert apply(client, csrf, first).status_code == 303  # the same import applied again
    again = upload(client, csrf, GOOD).headers["Location"]  # the same file uploaded again
    assert report(client, again)[1] == {2: "unchanged", 3: "unchanged", 4: "unchanged", 5: "rejected"}
    assert apply(client, csrf, again).status_code == 303
    assert balances(api) == expected
    assert entries(app) == count


def test_a_file_that_changes_an_imported_balance_is_reported_not_added(
    app: Flask, client: FlaskClient, api: Api, csrf: str
) -> None:
    apply(
        client,
        csrf,
        upload(client, csrf, "platform_customer_id,email,points\n9000001,a@example.com,100\n").headers["Location"],
    )
    location = upload(
        client, csrf, "platform_customer_id,email,points,cashback\n9000001,a@example.com,150,2\n"
    ).headers["Location"]
    text, statuses = report(client, location)
    assert statuses == {2: "rejected"}
    assert "already imported for this member with 100" in text
    apply(client, csrf, location)
    assert balances(api) == {"9000001": (100, "0.00")}


BAD_ROWS = [  # (cells, the column blamed, what the report says); {id} and {email} are unique per row
    ("{id},{email},12.5,", "points", "must be a whole number"),
    ("{id},{email},1.000,", "points", "must be a whole number"),
    ("{id},{email},,", "points", "is required"),
    (",{email},5,", "platform_customer_id", "is required"),
    ("{id},not-an-email,5,", "email", "is not an email address"),
    ("{id},{email},5,3.625", "cashback", "has more decimals than the currency (2)"),
    ("{id},{email},5,1e3", "cashback", "must be an amount"),
    ("{id},{email},5,-1", "cashback", "must not be negative"),
    ("{id},{email},-5,", "points", "must not be negative"),
    ("{id},{email},99999999999,", "points", "is too big"),
    (f"{'9' * 65},{{email}},5,", "platform_customer_id", "is too long (at most 64 characters)"),
    ("{id},{email},5,1,x,y,z", None, "3 more cells than the header"),
    ("{id},{email},\u0663,", "points", "must be a whole number"),  # Arabic-Indic 3: int() reads it
    ("{id},{email},5,\u0663.50", "cashback", "must be an amount"),
]


def test_every_bad_row_is_reported_with_its_reason_and_the_good_row_is_imported(
    client: FlaskClient, csrf: str, api: Api
) -> None:
    lines = [cells.format(id=100 + n, email=f"r{n}@example.com") for n, (cells, _, _) in enumerate(BAD_ROWS)]
    text = "platform_customer_id,email,points,cashback\n" + "\n".join(lines) + "\n9000009,ok@example.com,5,\n"
    location = upload(client, csrf, text).headers["Location"]
    page, statuses = report(client, location)
    good = len(BAD_ROWS) + 2
    assert statuses == {**{n + 2: "rejected" for n in range(len(BAD_ROWS))}, good: "new_member"}
    for n, (_, column, message) in enumerate(BAD_ROWS):
        problem = re.search(rf'data-row="{n + 2}".*?</tr>', page, re.S)
        assert problem and message in problem.group(0), BAD_ROWS[n]
        if column:
            assert f"<code>{column}</code>" in problem.group(0), BAD_ROWS[n]
    apply(client, csrf, location)
    assert balances(api) == {"9000009": (5, "0.00")}


def test_duplicates_within_the_file_are_all_refused(client: FlaskClient, csrf: str, api: Api) -> None:
    text = (
        "platform_customer_id,email,points\n"
        "1,one@example.com,5\n2,two@example.com,6\n1,uno@example.com,7\n3,TWO@example.com,8\n4,four@example.com,9\n"
    )
    location = upload(client, csrf, text).headers["Location"]
    page, statuses = report(client, location)
    assert statuses == {2: "rejected", 3: "rejected", 4: "rejected", 5: "rejected", 6: "new_member"}
    assert "is also on row 4" in page and "is also on row 2" in page
    apply(client, csrf, location)
    assert balances(api) == {"4": (9, "0.00")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"platform_customer_id,email,points,tier\n1,a@example.com,5,gold\n", "Unknown columns: tier"),
        (b"platform_customer_id,points\n1,5\n", "Missing columns: email"),
        (b"platform_customer_id,email,points\n", "no rows after the header"),
        ("platform_customer_id,email,points\n1,é@example.com,5\n".encode("latin-1"), "not UTF-8"),
        (b"", "first row must name the columns"),
    ],
    ids=["unknown-column", "missing-column", "no-rows", "latin-1", "empty"],
)
def test_a_file_that_cannot_be_read_is_refused_whole(
    app: Flask, client: FlaskClient, csrf: str, content: bytes, message: str
) -> None:
    response = upload(client, csrf, content)
    assert response.status_code == 422
    error = re.search(r'data-error-for="file">([^<]+)<', response.get_data(as_text=True))
    assert error and message in error.group(1)
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(MemberImport)).first() is None


def test_a_file_with_a_nul_character_is_refused_whole(app: Flask, client: FlaskClient, csrf: str) -> None:
    response = upload(client, csrf, b"platform_customer_id,email,points\n1,a@example.com,5\x00\n")
    assert response.status_code == 422  # was a 500 on PostgreSQL: its text columns hold no NUL
    error = re.search(r'data-error-for="file">([^<]+)<', response.get_data(as_text=True))
    assert error and "NUL characters" in error.group(1)
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(MemberImport)).first() is None


def test_a_file_name_with_control_characters_is_shown_without_them(
    app: Flask, client: FlaskClient, csrf: str, api: Api
) -> None:
    response = upload(client, csrf, "platform_customer_id,email,points\n1,a@example.com,5\n", name="bal\x00an\tces.csv")
    assert response.status_code == 303  # was a 500 on PostgreSQL
    page, statuses = report(client, response.headers["Location"])
    assert statuses == {2: "new_member"} and "balances.csv" in page
    apply(client, csrf, response.headers["Location"])
    assert balances(api) == {"1": (5, "0.00")}
    reasons = [entry["reason"] for entry in api.get(f"/members/{api.member('1')['id']}/ledger").json["items"]]
    assert reasons and "balances.csv" in reasons[0]


def test_limits_on_size_and_rows(client: FlaskClient, csrf: str, monkeypatch: Any) -> None:
    from integrator.loyalty import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = "".join(f"{n},,1\n" for n in range(4))
    response = upload(client, csrf, "platform_customer_id,email,points\n" + rows)
    assert response.status_code == 422 and "at most 3" in response.get_data(as_text=True)
    monkeypatch.setattr(imports, "MAX_BYTES", 1000)
    big = upload(client, csrf, "platform_customer_id,email,points\n" + "1,,1\n" * 400)
    assert big.status_code == 413 and "too big" in big.get_data(as_text=True)
    huge = upload(client, csrf, "platform_customer_id,email,points\n" + "1,,1\n" * 40_000)
    assert huge.status_code == 413 and "too big" in huge.get_data(as_text=True)


def test_a_semicolon_file_with_a_bom_and_shopify_ids_is_read(client: FlaskClient, csrf: str, api: Api) -> None:
    text = "\ufeffPlatform_Customer_ID;Email;Points\r\ngid://shopify/Customer/777;x@example.com;12\r\n"
    apply(client, csrf, upload(client, csrf, text.encode()).headers["Location"])
    assert balances(api) == {"777": (12, "0.00")}


def test_an_import_without_the_csrf_token_is_400_and_stores_nothing(
    app: Flask, client: FlaskClient, api: Api, csrf: str
) -> None:
    assert upload(client, None, GOOD).status_code == 400
    location = upload(client, csrf, GOOD).headers["Location"]
    assert client.post(f"{location}/apply", data={}).status_code == 400
    assert balances(api) == {}
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(MemberImport.status)).scalars().all() == ["checked"]


def test_another_shops_import_is_not_found(app: Flask, client: FlaskClient, shops: Any, csrf: str) -> None:
    location = upload(client, csrf, GOOD).headers["Location"]
    other = shops.make(domain=OTHER_DOMAIN)
    other_client = app.test_client()
    other_csrf = sign_in(app, other_client, other["id"])
    assert other_client.get(location).status_code == 404
    assert apply(other_client, other_csrf, location).status_code == 404
    with app.extensions["setia_db"].session() as session:
        assert session.execute(select(func.count()).select_from(Member)).scalar_one() == 0


# --- Indonesian ------------------------------------------------------------------------------------


def test_the_members_pages_speak_indonesian_for_an_indonesian_shop(
    app: Flask, client: FlaskClient, shop: dict[str, Any], jane: dict[str, Any]
) -> None:
    with app.extensions["setia_db"].session() as session:
        session.get(Shop, shop["id"]).language = "id"
    csrf = sign_in(app, client, shop["id"])
    listing = client.get("/admin/members").get_data(as_text=True)
    assert "Anggota" in listing and "Members</h1>" not in listing
    member = client.get(f"/admin/members/{jane['id']}").get_data(as_text=True)
    assert "Sesuaikan poin" in member and "Adjust points" not in member
    location = upload(client, csrf, GOOD).headers["Location"]
    text = client.get(location).get_data(as_text=True)
    assert "tidak boleh negatif" in text and "must not be negative" not in text


def test_the_ledger_on_the_member_page_is_paged_newest_first(
    client: FlaskClient, api: Api, jane: dict[str, Any], csrf: str
) -> None:
    from integrator.admin import members as pages

    for n in range(pages.LEDGER_PAGE_SIZE):
        api.post(f"/members/{jane['id']}/adjustments", {"points": n + 1, "reason": "r", "idempotency_key": f"p{n}"})
    first = client.get(f"/admin/members/{jane['id']}").get_data(as_text=True)
    second = client.get(f"/admin/members/{jane['id']}?page=2").get_data(as_text=True)
    on_first = [int(i) for i in re.findall(r'data-entry="(\d+)"', first)]
    on_second = [int(i) for i in re.findall(r'data-entry="(\d+)"', second)]
    assert len(on_first) == pages.LEDGER_PAGE_SIZE and 'rel="next"' in first
    assert len(on_second) == 2 and 'rel="next"' not in second  # the order's two entries, oldest
    assert on_first + on_second == sorted(on_first + on_second, reverse=True)


# --- inside the Shopify admin (session token, no cookie, no CSRF token) ----------------------------


def session_token(shop_domain: str) -> str:
    from tests.integration.test_shopify_install import session_token as make

    return make(shop=shop_domain)


def test_inside_the_shopify_admin_the_session_token_signs_every_page_and_change(
    client: FlaskClient, shop: dict[str, Any], api: Api, jane: dict[str, Any]
) -> None:
    page = client.get(f"/admin/members/{jane['id']}", query_string={"id_token": session_token(shop["domain"])})
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    text = page.get_data(as_text=True)
    assert 'name="csrf_token"' not in text
    form = {"points": "7", "reason": "embedded", "idempotency_key": form_key(text)}
    headers = {"Authorization": f"Bearer {session_token(shop['domain'])}", "Accept": "application/json"}
    response = client.post(f"/admin/members/{jane['id']}/adjustments", data=form, headers=headers)
    assert response.status_code == 200 and response.json["location"].startswith(f"/admin/members/{jane['id']}?")
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 188
    ledger = api.get(f"/members/{jane['id']}/ledger").json["items"]
    assert "by shopify:77" in ledger[0]["reason"]  # the staff member of the session token
    bad = client.post(f"/admin/members/{jane['id']}/adjustments", data={**form, "points": "x"}, headers=headers)
    assert bad.status_code == 200 and "refused=points" in bad.json["location"]  # members.js goes there
    again = client.get(f"{bad.json['location'].split('#')[0]}&id_token={session_token(shop['domain'])}")
    assert 'data-error-for="points"' in again.get_data(as_text=True)


# --- at the same time (PostgreSQL: real concurrent transactions) -----------------------------------


def signed_in_clients(app: Flask, shop_id: int, count: int) -> list[tuple[FlaskClient, str]]:
    """`count` browsers of the merchant, each with its own session and CSRF token."""
    clients = []
    for _ in range(count):
        other = app.test_client()
        clients.append((other, sign_in(app, other, shop_id)))
    return clients


@requires_postgres
def test_a_form_sent_several_times_at_once_adjusts_once(
    app: Flask, client: FlaskClient, shop: dict[str, Any], api: Api, jane: dict[str, Any], ledger_checked: None
) -> None:
    clients = signed_in_clients(app, shop["id"], 6)
    form = {"points": "30", "reason": "race", "idempotency_key": "same-form"}

    def send(index: int) -> int:
        one, token = clients[index]
        return int(one.post(f"/admin/members/{jane['id']}/adjustments", data={**form, "csrf_token": token}).status_code)

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(send, range(6)))
    assert codes == [303] * 6
    assert api.get(f"/members/{jane['id']}").json["points_available"] == 211


@requires_postgres
def test_one_import_applied_several_times_at_once_imports_once(
    app: Flask, client: FlaskClient, shop: dict[str, Any], api: Api, csrf: str, ledger_checked: None
) -> None:
    locations = [upload(client, csrf, GOOD).headers["Location"] for _ in range(2)]  # one file, uploaded twice
    clients = signed_in_clients(app, shop["id"], 4)

    def send(index: int) -> int:
        one, token = clients[index]
        return int(apply(one, token, locations[index % 2]).status_code)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(send, range(4))) == [303] * 4
    assert balances(api) == {JANE_ID: (100, "0.00"), "8000001": (250, "12.50"), "8000002": (40, "0.00")}
    with app.extensions["setia_db"].session() as session:
        imported = session.execute(select(func.count()).where(LedgerEntry.kind == "import")).scalar_one()
        statuses = session.execute(select(MemberImport.status)).scalars().all()
    assert imported == 4 and statuses == ["applied", "applied"]


def test_imported_cashback_moves_to_shopify_store_credit_when_the_shop_pays_it_so(
    app: Flask, client: FlaskClient, shops: Any, shopify: Any, ledger_checked: None
) -> None:
    shop = shops.make(settings={"points_per_unit": "1", "cashback_percent": "2", "cashback_store_credit": True})
    shopify.answer(
        "SetiaStoreCredit",
        {
            "storeCreditAccountCredit": {
                "storeCreditAccountTransaction": {
                    "id": "gid://shopify/StoreCreditAccountCreditTransaction/7",
                    "amount": {"amount": "12.50", "currencyCode": "USD"},
                },
                "userErrors": [],
            }
        },
    )
    csrf = sign_in(app, client, shop["id"])
    text = "platform_customer_id,email,points,cashback\n8000001,a@example.com,10,12.50\n8000002,b@example.com,5,\n"
    location = upload(client, csrf, text).headers["Location"]
    apply(client, csrf, location)
    drain()
    [call] = shopify.calls_of("SetiaStoreCredit")
    assert call.variables == {
        "id": "gid://shopify/Customer/8000001",
        "creditInput": {"creditAmount": {"amount": "12.50", "currencyCode": "USD"}},
    }
    assert balances(Api(client, shop["api_key"])) == {"8000001": (10, "0.00"), "8000002": (5, "0.00")}
    apply(client, csrf, location)  # applied again: nothing imported, nothing transferred
    drain()
    assert len(shopify.calls_of("SetiaStoreCredit")) == 1


def test_a_file_checked_but_never_applied_is_forgotten_after_a_week(
    app: Flask, client: FlaskClient, api: Api, csrf: str
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from integrator.loyalty.models import utcnow

    old = upload(client, csrf, GOOD).headers["Location"]
    with app.extensions["setia_db"].session() as session:
        session.execute(update(MemberImport).values(created_at=utcnow() - timedelta(days=8)))
    upload(client, csrf, "platform_customer_id,email,points\n1,,1\n")  # the next upload forgets it
    with app.extensions["setia_db"].session() as session:
        rows = session.execute(select(MemberImport.status, MemberImport.content).order_by(MemberImport.id)).all()
    assert [(status, content is None) for status, content in rows] == [("expired", True), ("checked", False)]
    text = client.get(old).get_data(as_text=True)
    assert 'data-status="expired"' in text and 'id="apply-form"' not in text
    assert apply(client, csrf, old).status_code == 303
    assert balances(api) == {}


# --- the list: total, sort, filters ------------------------------------------------------------------


def test_the_list_counts_sorts_and_filters_members(
    app: Flask, client: FlaskClient, api: Api, deliver: Any, csrf: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from integrator.loyalty.models import Order

    for customer, email, order_id in (
        (501, "ani@example.com", 8001),
        (502, "budi@example.com", 8002),
        (503, "citra@example.com", 8003),
    ):
        assert deliver("orders/paid", order_for(customer, email, order_id)).status_code == 200
    ids = {m["platform_customer_id"]: m["id"] for m in api.get("/members").json["items"]}
    body = {"points": 12000, "reason": "loyal", "idempotency_key": "big"}
    assert api.post(f"/members/{ids['502']}/adjustments", body).status_code == 201
    with app.extensions["setia_db"].session() as session:  # Citra's only order was long ago
        for order in session.execute(select(Order)).scalars():
            days = 120 if order.platform_order_id == "8003" else int(order.platform_order_id) - 8000
            order.paid_at = datetime.now(UTC) - timedelta(days=days)

    def listed(**query: Any) -> tuple[list[int], str]:
        page = client.get("/admin/members", query_string=query).get_data(as_text=True)
        total = re.search(r'id="members-total"[^>]*>([^<]+)<', page)
        assert total
        return ids_on(page), total.group(1).strip()

    assert listed() == ([ids["503"], ids["502"], ids["501"]], "3 members")  # newest first
    by_points, _ = listed(sort="points")
    assert by_points[0] == ids["502"]
    page = client.get("/admin/members", query_string={"sort": "points"}).get_data(as_text=True)
    assert ">12,181<" in page  # thousands separators
    assert listed(min_points="1000") == ([ids["502"]], "1 member")
    assert listed(last_order="over90") == ([ids["503"]], "1 member")
    assert sorted(listed(last_order="30")[0]) == sorted([ids["501"], ids["502"]])
    assert listed(sort="last_order")[0][-1] == ids["503"]
    assert listed(min_points="ten", sort="nonsense", last_order="x")[1] == "3 members"  # ignored, not a 500
    assert listed(min_points="9" * 5000)[1] == "0 members"  # a huge number: nobody, not a 500
    next_link = re.search(
        r'href="([^"]+)" rel="next"',
        client.get("/admin/members", query_string={"min_points": "1"}).get_data(as_text=True),
    )
    assert next_link is None  # one page: no next link (and the pager keeps the filters, below)


def test_the_pages_of_a_filtered_list_keep_the_filters(
    client: FlaskClient, api: Api, deliver: Any, csrf: str, monkeypatch: Any
) -> None:
    from integrator.admin import members

    monkeypatch.setattr(members, "PAGE_SIZE", 1)
    for customer, email, order_id in ((501, "ani@example.com", 8001), (502, "budi@example.com", 8002)):
        assert deliver("orders/paid", order_for(customer, email, order_id)).status_code == 200
    page = client.get("/admin/members", query_string={"min_points": "1", "sort": "points"}).get_data(as_text=True)
    link = re.search(r'href="([^"]+)" rel="next"', page)
    assert link and "min_points=1" in link.group(1) and "sort=points" in link.group(1) and "page=2" in link.group(1)
    assert "2 members" in page
