/* Tiers and campaigns in the panel, a module of its own (integrator/widget_assets.py LAZY_MODULES),
   loaded only when the shop has tiers or a running campaign: the shopper's tier with the way to the
   next ("Rp 250.000 to Gold", a progress bar), its perks, the ladder of tiers, and the campaigns
   running now ("2× points, until 23 Nov 2026, 00.00"). Its texts are its own, in en and id. */
(function (S) {
  "use strict";
  const {h} = S;
  const TEXTS = {
    en: {
      tiers: "Member tiers", next: "{v} to {n}", top: "You are at the top tier", from: "from {v}",
      times: "{m}× points", birthday: "{m}× birthday bonus", gift: "Welcome gift: {r}",
      campaigns: "Running now", bonus: "+{n} bonus points per order", until: "until {d}",
      only: "for {t} members", min: "orders from {v}", products: "on selected products",
    },
    id: {
      tiers: "Tingkat anggota", next: "{v} lagi menuju {n}", top: "Anda di tingkat tertinggi", from: "mulai {v}",
      times: "{m}× poin", birthday: "{m}× bonus ulang tahun", gift: "Hadiah selamat datang: {r}",
      campaigns: "Sedang berlangsung", bonus: "+{n} poin bonus per pesanan", until: "sampai {d}",
      only: "untuk anggota {t}", min: "pesanan mulai {v}", products: "untuk produk tertentu",
    },
  };

  S.tierView = (ctx, area) => {
    const words = TEXTS[String(ctx.language).slice(0, 2) === "id" ? "id" : "en"];
    const say = (key, values) => words[key].replace(/\{(\w)\}/g, (_, k) => values[k]);
    const program = ctx.program || {};
    const tiers = program.tiers || [];
    const amount = (value) => (program.tiers_basis === "points" ? ctx.pts(Number(value)) : ctx.money(value));
    const times = (m) => S.number(Number(m), ctx.language);
    const perks = (tier) => [
      Number(tier.multiplier) > 1 && say("times", {m: times(tier.multiplier)}),
      Number(tier.birthday_multiplier) > 1 && say("birthday", {m: times(tier.birthday_multiplier)}),
      tier.entry_reward && say("gift", {r: tier.entry_reward}),
    ].filter(Boolean);
    const parts = [];
    const mine = ctx.me && ctx.me.tier;
    if (mine) {
      const held = tiers.find((tier) => tier.name === mine.name);
      const next = mine.next && tiers.find((tier) => tier.name === mine.next.name);
      parts.push(h("p", {class: "tier-next"}, mine.next ? say("next", {v: amount(mine.next.remaining), n: mine.next.name}) : say("top", {})));
      if (held && next) {
        const low = Number(held.threshold);
        const share = (Number(next.threshold) - Number(mine.next.remaining) - low) / (Number(next.threshold) - low);
        const percent = Math.round(Math.max(0, Math.min(1, share || 0)) * 100);
        const fill = h("span");
        fill.style.width = percent + "%";
        parts.push(h("div", {class: "bar", role: "progressbar", "aria-label": say("next", {v: amount(mine.next.remaining), n: next.name}), "aria-valuenow": percent, "aria-valuemin": 0, "aria-valuemax": 100}, fill));
      }
      if (held && perks(held).length) parts.push(h("ul", {class: "earn perks"}, perks(held).map((text) => h("li", {}, text))));
    }
    if (tiers.length) {
      parts.push(h("h3", {}, words.tiers), h("ul", {class: "earn ladder"}, tiers.map((tier) =>
        h("li", {}, [tier.name, say("from", {v: amount(tier.threshold)}), ...perks(tier)].join(" · ")))));
    }
    const campaigns = program.campaigns || [];
    if (campaigns.length) {
      const when = new Intl.DateTimeFormat(ctx.language, {dateStyle: "medium", timeStyle: "short"});
      parts.push(h("h3", {}, words.campaigns), h("ul", {class: "earn campaigns"}, campaigns.map((item) => {
        const text = [item.name];
        if (Number(item.multiplier) > 1) text.push(say("times", {m: times(item.multiplier)}));
        if (item.bonus_points > 0) text.push(say("bonus", {n: S.number(item.bonus_points, ctx.language)}));
        if (item.tier) text.push(say("only", {t: item.tier}));
        if (item.min_order) text.push(say("min", {v: ctx.money(item.min_order)}));
        if (item.products_only) text.push(words.products);
        text.push(say("until", {d: when.format(new Date(item.ends_at))}));
        return h("li", {}, text.join(" · "));
      })));
    }
    area.replaceChildren(...parts);
  };
})(window.SetiaLoyalty);
