/* Ways to earn besides buying, a module of its own loaded when the panel opens (LAZY_MODULES in
   integrator/widget_assets.py): each way with the signed shopper's state (done, available, or the
   day it comes next; the `earn` answer), else the programme's list; the birthday form (month and
   day, given once: a change waits a year); the click-throughs to the shop's social profiles (the
   profile opens in a new tab, and the first click per network earns). Its texts, en and id, are here. */
(function (S) {
  "use strict";
  const {h} = S;
  const TEXTS = {
    en: {
      signup: "Create an account", birthday: "Your birthday", newsletter: "Subscribe to our newsletter",
      social: "Follow us on {n}", done: "Done", next: "Again on {d}", on: "On {d}", save: "Save birthday",
      month: "Month", day: "Day", saved: "Birthday saved", locked: "Your birthday can change again on {d}",
      invalid: "That date does not exist", follow: "Follow", earned: "+{p} points", again: "Already earned",
      per: {day: "once a day", week: "once a week", month: "once a month", year: "once a year", lifetime: "once"},
      times: "{n}× {w}",
    },
    id: {
      signup: "Buat akun", birthday: "Ulang tahun Anda", newsletter: "Berlangganan newsletter kami",
      social: "Ikuti kami di {n}", done: "Selesai", next: "Lagi pada {d}", on: "Pada {d}", save: "Simpan ulang tahun",
      month: "Bulan", day: "Tanggal", saved: "Ulang tahun disimpan", locked: "Ulang tahun dapat diubah lagi pada {d}",
      invalid: "Tanggal itu tidak ada", follow: "Ikuti", earned: "+{p} poin", again: "Sudah didapat",
      per: {day: "sekali sehari", week: "sekali seminggu", month: "sekali sebulan", year: "sekali setahun", lifetime: "sekali"},
      times: "{n}× {w}",
    },
  };

  S.earn = (ctx, area, say, reload) => {
    const table = TEXTS[ctx.language] || TEXTS.en;
    const t = (key, values) => String(table[key]).replace(/\{(\w)\}/g, (_, name) => (values || {})[name]);
    // "2027-03-05" is a day at the shop, not a moment: shown as that calendar day.
    const day = (iso) => {
      const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
      return new Intl.DateTimeFormat(ctx.language, {day: "numeric", month: "long", year: "numeric"}).format(new Date(y, m - 1, d));
    };
    const monthName = (m) => new Intl.DateTimeFormat(ctx.language, {month: "long"}).format(new Date(2024, m - 1, 1));
    const dayOfYear = (b) => new Intl.DateTimeFormat(ctx.language, {day: "numeric", month: "long"}).format(new Date(2024, b.month - 1, b.day));

    const title = (way) => {
      if (way.kind === "social") return t("social", {n: way.name});
      if (way.kind === "action") {
        const often = way.limit > 1 ? t("times", {n: way.limit, w: table.per[way.period]}) : table.per[way.period];
        return way.name.replace(/[_-]+/g, " ") + " (" + often + ")";
      }
      return t(way.kind);
    };
    const state = (way) => {
      if (way.state === "done") return way.next_at ? t("next", {d: day(way.next_at)}) : t("done");
      if (way.state === "waiting") return t("on", {d: day(way.next_at)});
      return "";
    };

    const birthdayForm = () => {
      const month = h("select", {id: "setia-bmonth"}, Array.from({length: 12}, (_, i) => h("option", {value: i + 1}, monthName(i + 1))));
      const date = h("input", {id: "setia-bday", type: "number", min: 1, max: 31, inputmode: "numeric", required: true});
      const save = h("button", {type: "button", class: "more"}, t("save"));
      save.addEventListener("click", async () => {
        save.disabled = true;
        const answer = await ctx.api.call("/birthday", {month: Number(month.value), day: Number(date.value)});
        save.disabled = false;
        if (answer.status === 200) {
          say(t("saved"));
          return load();
        }
        const details = answer.body.details || {};
        say(answer.status === 409 && details.changeable_at ? t("locked", {d: day(details.changeable_at)}) : answer.status === 422 ? t("invalid") : S.problem(ctx.t, answer));
      });
      return h("div", {class: "row"}, h("label", {for: "setia-bmonth"}, t("month")), month, h("label", {for: "setia-bday"}, t("day")), date, save);
    };

    const follow = (way) => {
      // A real link: the profile opens whether or not the credit call succeeds.
      const link = h("a", {href: way.url, target: "_blank", rel: "noopener noreferrer", class: "more"}, t("follow"));
      if (ctx.api.signed && way.state !== "done") {
        link.addEventListener("click", async () => {
          const answer = await ctx.api.call("/social/" + way.network, {});
          if (answer.status !== 200) return say(S.problem(ctx.t, answer));
          say(answer.body.credited ? t("earned", {p: S.number(answer.body.points, ctx.language)}) : t("again"));
          reload();
          load();
        });
      }
      return link;
    };

    const line = (way, birthday) => {
      const cells = [h("span", {}, S.nb(title(way))), h("span", {class: "cost"}, "+" + ctx.pts(way.points))];
      const sub = state(way);
      const extra = [];
      if (way.kind === "birthday" && birthday) extra.push(h("p", {class: "sub"}, dayOfYear(birthday)));
      if (way.kind === "birthday" && ctx.api.signed && !birthday) extra.push(birthdayForm());
      if (way.kind === "social") cells.push(follow(way));
      if (sub) extra.push(h("p", {class: "sub"}, sub));
      return h("li", {}, h("div", {class: "row"}, ...cells), ...extra);
    };

    const draw = (items, birthday) => {
      // Under the panel's "Ways to earn" heading, after the rate per order.
      area.replaceChildren(...(items.length ? [h("ul", {class: "ways"}, items.map((way) => line(way, birthday)))] : []));
    };
    const load = async () => {
      if (!ctx.api.signed) return draw((ctx.program && ctx.program.ways_to_earn) || [], null);
      const answer = await ctx.api.call("/earn");
      if (answer.status === 200) draw(answer.body.items || [], answer.body.birthday);
    };
    load();
    return {load};
  };
})(window.SetiaLoyalty);
