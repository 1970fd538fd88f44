/* The launcher and the panel (a dialog that does not trap the page; or inline in a page element): the shopper's balances or the
   join prompt, tier, ways to earn, rewards with their redeem buttons. Keyboard: the launcher is a
   button with aria-expanded; opening moves focus into the panel, Escape or Close brings it back;
   messages go to a polite live region. Themed by CSS custom properties on the host element. */
(function (S) {
  "use strict";
  const {h} = S;
  const SIGN_IN = {shopify: "/account/login", woocommerce: "/my-account/"};

  const light = (hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return 0.299 * r + 0.587 * g + 0.114 * b > 165;
  };
  S.theme = (box, program) => {
    const theme = (program && program.theme) || {};
    const accent = /^#[0-9a-f]{6}$/i.test(theme.accent_color) ? theme.accent_color : "#0f766e";
    box.style.setProperty("--setia-accent", accent);
    box.style.setProperty("--setia-on-accent", light(accent) ? "#111827" : "#fff");
    if (theme.position === "bottom-left") {
      box.style.setProperty("--setia-left", "16px");
      box.style.setProperty("--setia-right", "auto");
    }
  };

  const earning = (ctx) => {
    const rules = (ctx.program && ctx.program.earning) || {};
    const items = [
      rules.points_per_unit && S.rateText(ctx.language, ctx.program.currency, rules.points_per_unit),
      Number(rules.cashback_percent) > 0 && ctx.t("rate_cashback", {p: S.number(Number(rules.cashback_percent), ctx.language)}),
      rules.pending_days > 0 && ctx.t("rate_days", {d: rules.pending_days}),
    ].filter(Boolean);
    return items.length ? [h("h3", {}, ctx.t("earn")), h("ul", {class: "earn"}, items.map((text) => h("li", {}, text)))] : [];
  };

  const balances = (ctx) => {
    const {t, me} = ctx;
    if (!ctx.api.signed) {
      const href = SIGN_IN[ctx.program && ctx.program.platform];
      return [h("p", {}, t("join")), href && h("p", {class: "row"}, h("a", {href}, t("sign_in")))];
    }
    if (!me) return [];
    const b = me.balances;
    const sub = [t("pending", {n: S.number(b.points_pending, ctx.language)})];
    // A date without a time: noon UTC is that same day from UTC-11 to UTC+11.
    if (me.points_expire_at) sub.push(t("expires", {d: S.date(me.points_expire_at + "T12:00Z", ctx.language)}));
    if (Number(b.cashback_available) > 0 || Number(ctx.program && ctx.program.earning.cashback_percent) > 0) {
      sub.push(t("cashback", {v: ctx.money(b.cashback_available)}));
    }
    const tier = me.tier && me.tier.name ? [h("p", {class: "sub"}, t("tier", {t: me.tier.name}))] : [];
    if (tier.length && typeof me.tier.progress === "number") {
      const width = Math.max(0, Math.min(100, me.tier.progress * 100)) + "%";
      const fill = h("span");
      fill.style.width = width;
      tier.push(h("div", {class: "bar", role: "progressbar", "aria-valuenow": Math.round(parseFloat(width)), "aria-valuemin": 0, "aria-valuemax": 100}, fill));
    }
    return [h("p", {class: "big"}, ctx.pts(b.points_available)), h("p", {class: "sub"}, sub.join(" · ")), ...tier];
  };

  // "Rp 10.000 off" in a reward's line unless its name says it already (no repeated description),
  // whatever separators the name was written with ("Potongan Rp 10.000" read in English).
  const reward = (ctx, item, redeem) => {
    const worth = S.worth(ctx, item.kind, item.value);
    const bare = (text) => text.toLowerCase().replace(/[\s.,]/g, "");
    const amount = item.kind === "free_shipping" ? worth : item.kind === "percentage" ? S.number(Number(item.value), ctx.language) + "%" : ctx.money(item.value);
    const details = bare(item.name).includes(bare(amount)) ? [] : [worth];
    if (item.min_order) details.push(ctx.t("min", {v: ctx.money(item.min_order)}));
    const name = [h("span", {}, S.nb(item.name)), ...(details.length ? [h("br"), h("span", {class: "sub"}, S.nb(details.join(", ")))] : [])];
    const cells = [h("span", {}, ...name), h("span", {class: "cost"}, ctx.pts(item.points_cost))];
    if (ctx.api.signed) {
      const short = !ctx.me || ctx.me.balances.points_available < item.points_cost;
      const button = h("button", {type: "button", "aria-label": ctx.t("redeem") + ": " + item.name, disabled: short}, ctx.t("redeem"));
      button.addEventListener("click", () => redeem(item, button));
      cells.push(button);
    }
    return h("li", {}, cells);
  };

  // The floating panel and its launcher; or, given a page element (the WordPress plugin's My Account
  // tab: data-setia-panel="inline"), the same panel always open inside it. Panels share ctx.me.
  S.panel = (ctx, inline) => {
    const {t} = ctx;
    const host = inline || h("setia-loyalty", {id: "setia-loyalty"});
    const box = S.shadow(host);
    S.theme(box, ctx.program);
    const count = h("span", {class: "count"});
    const launcher = h("button", {type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "setia-panel"}, ctx.label, count);
    let opener = launcher; // focus goes back to whatever opened the panel (the cart's "Use your points" too)
    const title = h("h2", {id: "setia-title", tabindex: "-1"}, t("title"));
    const close = !inline && h("button", {type: "button", class: "close", "aria-label": t("close")}, "×");
    const me = h("div", {class: "me"});
    const list = h("ul", {class: "rewards"});
    const extra = h("div", {class: "extra"});
    const ways = h("div");
    const levels = h("div", {class: "tiers"});
    const message = h("p", {class: "msg", role: "status", "aria-live": "polite"});
    const panel = h("section", {class: inline ? "panel inline" : "panel", id: "setia-panel", role: inline ? "region" : "dialog", "aria-labelledby": "setia-title", hidden: !inline},
      h("div", {class: "head"}, h("div", {class: "top"}, title, close), me), levels, earning(ctx), ways, ctx.program && h("h3", {}, t("rewards")), list, extra, message);
    box.append(panel);
    if (!inline) {
      box.prepend(launcher);
      document.body.append(host);
    }

    const say = (text) => { message.textContent = text; };
    const renderAll = () => ctx.renders.forEach((draw) => draw());
    // The signed shopper's part (account.js) is loaded when the panel first opens.
    let account = null;
    const more = () => S.lazy().then(() => account || (account = S.account(ctx, extra, say, renderAll, title)));
    const render = () => {
      me.replaceChildren(...balances(ctx));
      const points = ctx.me && ctx.me.balances.points_available;
      count.textContent = ctx.me ? " · " + S.number(points, ctx.language) : "";
      // Its name says what the number is: "Rewards · 181 points".
      if (ctx.me) launcher.setAttribute("aria-label", ctx.label + " · " + ctx.pts(points));
      const rewards = [...((ctx.program && ctx.program.rewards) || []), ...((ctx.me && ctx.me.tier_rewards) || [])];
      list.replaceChildren(...(ctx.program && !rewards.length ? [h("li", {}, t("none"))] : rewards.map((item) => reward(ctx, item, redeem))));
      if (account) account.render();
      const p = ctx.program || {};
      if ((p.tiers || []).length + (p.campaigns || []).length) S.lazy("tiers.js").then(() => S.tierView(ctx, levels), () => 0);
    };
    ctx.renders.push(render);
    const redeem = async (item, button) => {
      const ready = await more().catch(() => null);
      if (!ready) return say(t("error"));
      const worth = S.worth(ctx, item.kind, item.value) + (item.min_order ? ", " + t("min", {v: ctx.money(item.min_order)}) : "");
      ready.confirm(t("confirm", {p: ctx.pts(item.points_cost), v: worth}), async () => {
        const answer = await ctx.api.call("/redemptions", {reward_id: item.id});
        if (answer.status === 201) return ready.issued(answer.body);
        say(S.problem(t, answer, {409: t("low")}));
        ctx.me = null;
        ctx.loading = null;
        loadMe();
      }, button);
    };
    const loadMe = () => {
      if (!ctx.api.signed || ctx.me || ctx.loading) return ctx.loading;
      ctx.loading = ctx.api.call("/me").then((answer) => {
        if (answer.status === 200 && answer.body.balances) ctx.me = answer.body;
        else say(S.problem(t, answer));
        renderAll();
      });
      return ctx.loading;
    };
    let earn = null; // ways to earn (earn.js), loaded with the shopper's part
    // A member of a shop with referrals on gets the share panel (refer.js), once.
    let refer = null;
    const opened = () => {
      earn = earn || S.lazy("earn.js").then(() => S.earn(ctx, ways, say, reload), () => null);
      if (ctx.api.signed && ctx.program && ctx.program.referrals && !refer) refer = S.lazy("refer.js").then(() => S.refer(ctx, extra), () => (refer = null));
      return more().then((ready) => ready.opened(), () => say(t("error")));
    };
    const show = (open, from) => {
      panel.hidden = !open;
      launcher.setAttribute("aria-expanded", String(open));
      if (!open) return (opener.isConnected ? opener : launcher).focus();
      opener = from || launcher;
      title.focus();
      loadMe();
      opened();
    };
    if (close) {
      launcher.addEventListener("click", () => show(panel.hidden));
      close.addEventListener("click", () => show(false));
      // Escape closes from anywhere while the panel is open (focus may be on the page or on the body).
      document.addEventListener("keydown", (event) => { if (event.key === "Escape" && !panel.hidden) show(false); });
    }
    render();
    const reload = () => {
      ctx.me = null;
      ctx.loading = null;
      return loadMe();
    };
    return {say, loadMe, reload, opened, open: (from) => (inline ? title.focus() : show(true, from))};
  };
})(window.SetiaLoyalty);
