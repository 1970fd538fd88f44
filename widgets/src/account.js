/* The signed-in shopper's part of the panel, its own module loaded when the panel first opens
   (integrator/widget_assets.py LAZY_MODULES): My codes (the `codes` answer, so they survive a reload;
   a new code goes on top and takes the focus), the one confirmation before spending points or
   cashback, "use cashback" with the amount to spend (only while there is cashback and the shop does
   not pay it as store credit), and the history, page by page. */
(function (S) {
  "use strict";
  const {h} = S;
  const PAGE_SIZE = 10;

  S.account = (ctx, area, say, refresh, title) => {
    const {t} = ctx;
    const ask = h("div", {class: "ask"});
    if (!ctx.api.signed) return {render() {}, opened() {}, issued() {}, confirm() {}};
    const codes = h("div", {class: "issued"});
    const cashback = h("div", {class: "cashback"});
    const list = h("ul", {class: "history", id: "setia-history", hidden: true});
    const toggle = h("button", {type: "button", class: "more", "aria-expanded": "false", "aria-controls": "setia-history"}, t("history"));
    const more = h("button", {type: "button", class: "more", hidden: true}, t("more"));
    area.append(ask, h("h3", {}, t("my_codes")), codes, cashback, h("div", {}, toggle), list, more);
    let page = 0;
    let hasMore = false;
    let storeCredit = false;
    let opened = false;

    // "Spend 500 points on Rp 10.000 off?" once; Cancel (or Escape's close) spends nothing.
    const confirm = (question, spend, back) => {
      const yes = h("button", {type: "button"}, t("yes"));
      const no = h("button", {type: "button", class: "more"}, t("cancel"));
      const text = h("p", {id: "setia-ask"}, S.nb(question));
      ask.replaceChildren(h("div", {class: "box", role: "group", "aria-labelledby": "setia-ask"}, text, h("div", {class: "row"}, yes, no)));
      no.addEventListener("click", () => {
        ask.replaceChildren();
        (back && back.isConnected ? back : title).focus();
      });
      yes.addEventListener("click", async () => {
        title.focus(); // the button goes away: focus stays in the panel until the code takes it
        ask.replaceChildren();
        say("");
        await spend();
      });
      yes.focus();
      yes.scrollIntoView({block: "nearest"});
    };

    const box = (coupon) => {
      const reward = ((ctx.program && ctx.program.rewards) || []).find((item) => item.id === coupon.reward_id);
      const name = reward ? reward.name : t(coupon.source === "unboxing" || coupon.kind === "unboxing" ? "unboxing" : "code");
      const found = S.codeBox(ctx, coupon, name, say);
      found.tabIndex = -1;
      return found;
    };
    const issue = (coupon) => {
      const found = box(coupon);
      codes.querySelectorAll(":scope > p").forEach((empty) => empty.remove());
      codes.prepend(found);
      if (coupon.balances && ctx.me) ctx.me = Object.assign({}, ctx.me, {balances: coupon.balances});
      refresh();
      found.focus();
      say(t("code") + ": " + coupon.code);
    };

    // "+181", "-Rp 10,000": formatted here in the widget's language (the server's `display` is in the shop's).
    const currency = (ctx.program && ctx.program.currency) || "USD";
    let digits = 2;
    try { digits = new Intl.NumberFormat("en", {style: "currency", currency}).resolvedOptions().maximumFractionDigits; } catch (error) { /* unknown to Intl */ }
    const signed = (item) => {
      const n = Math.abs(Number(item.amount));
      if (!Number.isFinite(n)) return item.display || "";
      return (item.amount < 0 ? "-" : "+") + (item.account === "points" ? S.number(n, ctx.language) : ctx.money(n / 10 ** digits));
    };

    const history = async () => {
      more.disabled = true;
      const answer = await ctx.api.call(`/history?page=${page + 1}&page_size=${PAGE_SIZE}`);
      more.disabled = false;
      if (answer.status !== 200) return say(S.problem(t, answer));
      page += 1;
      for (const item of answer.body.items || []) {
        const what = S.date(item.created_at, ctx.language) + " · " + (item.description || t.kind(item.kind));
        list.append(h("li", {}, h("span", {}, what), h("span", {}, signed(item))));
      }
      if (!list.children.length) list.append(h("li", {}, t("empty")));
      hasMore = Boolean(answer.body.has_more);
      more.hidden = !hasMore;
    };
    toggle.addEventListener("click", () => {
      list.hidden = !list.hidden;
      toggle.setAttribute("aria-expanded", String(!list.hidden));
      more.hidden = list.hidden || !hasMore;
      if (!list.hidden && page === 0) history();
    });
    more.addEventListener("click", history);

    const spend = async (amount) => {
      const answer = await ctx.api.call("/cashback-redemptions", {amount});
      if (answer.status === 201) return issue(answer.body);
      storeCredit = answer.status === 409 && /store credit/i.test(answer.body.error || "");
      say(storeCredit ? t("store_credit") : S.problem(t, answer, {409: t("low_cashback")}));
      render();
    };
    // The amount to spend: at most the balance, at least the currency's smallest unit.
    const render = () => {
      const balance = ctx.me ? Number(ctx.me.balances.cashback_available) : 0;
      cashback.replaceChildren();
      if (!(balance > 0) || storeCredit) return;
      const step = ctx.program && ctx.program.currency === "IDR" ? 1 : 0.01;
      const input = h("input", {id: "setia-amount", type: "number", min: step, max: balance, step, value: balance, inputmode: "decimal"});
      const button = h("button", {type: "button", class: "more"}, t("use_cashback"));
      button.addEventListener("click", () => {
        const amount = Number(input.value);
        if (!(amount >= step && amount <= balance)) return say(t("amount_range", {v: ctx.money(balance)}));
        const value = ctx.money(amount);
        confirm(t("confirm", {p: t("cashback_of", {v: value}), v: t("off", {v: value})}), () => spend(input.value), button);
      });
      cashback.append(h("p", {class: "row"}, h("label", {for: "setia-amount"}, t("amount")), input, button));
    };

    const load = async () => {
      // A friend's code the shopper arrived with (Shopify keeps a link's code in the discount_code
      // cookie; WooCommerce's link carries ?coupon=): listed with source "referral".
      let got = (document.cookie.match(/(?:^|;\s*)discount_code=([^;]*)/) || [])[1] || new URLSearchParams(location.search).get("coupon") || "";
      try { got = decodeURIComponent(got); } catch (error) { got = ""; }
      const ref = /^REF-[A-Z0-9-]+$/i.test(got) ? "?received=" + encodeURIComponent(got) : "";
      const answer = await ctx.api.call("/codes" + ref);
      if (answer.status !== 200) return;
      const shown = new Set([...codes.querySelectorAll(".code")].map((el) => el.textContent));
      codes.append(...(answer.body.items || []).filter((item) => !shown.has(item.code)).map(box));
      if (!codes.children.length) codes.append(h("p", {class: "sub"}, t("no_codes")));
    };
    render();
    return {render, confirm, issued: issue, opened: () => opened || ((opened = true), load())};
  };
})(window.SetiaLoyalty);
