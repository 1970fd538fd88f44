/* The cart element, its own module (integrator/widget_assets.py LAZY_MODULES), loaded when a page has
   one: <div data-setia="cart" data-subtotal="181.09">, or data-source="shopify-cart" (the subtotal
   read from Shopify's /cart.js after each cart change: the theme app block, and the cart drawer the
   app embed names in data-cart-drawer). "You will earn N points" is the server's own figure
   (GET .../estimate: integrator/loyalty/estimate.py), asked once per settled subtotal: a burst of
   changes waits for WAIT ms of quiet. A signed shopper sees the balance and redeems a reward right
   there; the code is then applied to the cart (Shopify /discount/<code>?redirect=<this page>;
   WooCommerce's ?coupon=<code>, which the plugin applies on this very page). */
(function (S) {
  "use strict";
  const {h} = S;
  const WAIT = 500;
  const CART_CHANGE = /\/cart\/(add|change|update|clear)(\.js)?(\?|$)/;
  const TEXTS = {
    en: {have: "You have {n}.", applying: "Applying your code {c}…"},
    id: {have: "Poin Anda: {n}.", applying: "Memasang kode {c}…"},
  };
  const known = {}; // subtotal → the server's answer: never asked twice
  const seen = new WeakSet();
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Shopify's cart amounts are hundredths of the currency, whatever the currency: exact text.
  const fromCents = (cents) => Math.floor(cents / 100) + "." + String(cents % 100).padStart(2, "0");

  S.applyHref = (program, code, here = location) => {
    const path = program && program.apply_path;
    if (typeof path !== "string" || !/^\/(?!\/)/.test(path)) return null; // a path on this storefront only
    const url = new URL(path.replace("{code}", encodeURIComponent(code)), here.origin);
    if (program.platform === "shopify") url.searchParams.set("redirect", here.pathname + here.search);
    else url.pathname = here.pathname;
    return url.href;
  };

  // Shopify themes change the cart with fetch/XHR to /cart/*.js: seen as resource timings, without
  // wrapping the theme's own fetch. Each settled burst re-reads /cart.js once.
  let cartTimer = 0;
  const readCart = async () => {
    const sources = document.querySelectorAll('[data-setia="cart"][data-source="shopify-cart"]');
    if (!sources.length) return;
    try {
      const cart = await (await fetch("/cart.js", {credentials: "same-origin", headers: {Accept: "application/json"}})).json();
      if (Number.isInteger(cart.total_price)) sources.forEach((el) => { el.dataset.subtotal = fromCents(cart.total_price); });
    } catch (error) {
      // not a Shopify storefront, or offline: the element keeps what it shows
    }
  };
  const cartChanged = () => { clearTimeout(cartTimer); cartTimer = setTimeout(readCart, WAIT); };

  const setup = (ctx, panel, el) => {
    const {t} = ctx;
    const tt = (key, values) => (TEXTS[ctx.language] || TEXTS.en)[key].replace(/\{(\w)\}/g, (_, name) => values[name]);
    const box = S.shadow(el);
    S.theme(box, ctx.program);
    const text = h("span", {role: "status", "aria-live": "polite"});
    const toggle = h("button", {type: "button", "aria-expanded": "false"}, t("use_points"));
    const line = h("p", {class: "el"}, text);
    const have = h("p", {class: "sub", hidden: true});
    const list = h("ul", {class: "rewards", hidden: true});
    const ask = h("div");
    const message = h("p", {class: "msg", role: "status", "aria-live": "polite"});
    box.append(line, have, list, ask, message);
    const say = (words) => { message.textContent = words; };
    let asked = null;
    let shown = null;
    let timer = 0;

    const row = (item, subtotal) => {
      const available = ctx.me ? ctx.me.balances.points_available : 0;
      const below = item.min_order && Number(item.min_order) > Number(subtotal);
      const details = [S.worth(ctx, item.kind, item.value)];
      if (item.min_order) details.push(t("min", {v: ctx.money(item.min_order)}));
      const button = h("button", {type: "button", "aria-label": t("redeem") + ": " + item.name, disabled: available < item.points_cost || below}, t("redeem"));
      button.addEventListener("click", () => confirm(item, button));
      return h("li", {}, h("span", {}, S.nb(item.name), h("br"), h("span", {class: "sub"}, S.nb(details.join(", ")))), h("span", {class: "cost"}, ctx.pts(item.points_cost)), button);
    };

    const draw = () => {
      const points = shown ? shown.points : 0;
      text.textContent = points > 0 ? t(ctx.api.signed ? "cart" : "cart_join", {n: ctx.pts(points)}) : "";
      const rewards = (ctx.program && ctx.program.rewards) || [];
      const offer = Boolean(ctx.api.signed && ctx.me && rewards.length && points > 0);
      // Added or removed only when that changes: a button moved in the DOM loses the focus.
      if (offer && !toggle.isConnected) line.append(toggle);
      if (!offer) toggle.remove();
      const open = offer && toggle.getAttribute("aria-expanded") === "true";
      have.hidden = list.hidden = !open;
      if (!open) return;
      have.textContent = tt("have", {n: ctx.pts(ctx.me.balances.points_available)});
      list.replaceChildren(...rewards.map((item) => row(item, asked)));
    };
    ctx.renders.push(draw);
    toggle.addEventListener("click", () => {
      toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
      draw();
    });

    // "Spend 300 points on Free shipping?" once; Cancel spends nothing.
    const confirm = (item, back) => {
      const yes = h("button", {type: "button"}, t("yes"));
      const no = h("button", {type: "button", class: "more"}, t("cancel"));
      const question = h("p", {id: "setia-cart-ask"}, S.nb(t("confirm", {p: ctx.pts(item.points_cost), v: S.worth(ctx, item.kind, item.value)})));
      ask.replaceChildren(h("div", {class: "box", role: "group", "aria-labelledby": "setia-cart-ask"}, question, h("div", {class: "row"}, yes, no)));
      no.addEventListener("click", () => { ask.replaceChildren(); back.focus(); });
      yes.addEventListener("click", () => spend(item));
      yes.focus();
    };

    const spend = async (item) => {
      ask.replaceChildren();
      say("");
      const answer = await ctx.api.call("/redemptions", {reward_id: item.id});
      if (answer.status !== 201) {
        say(S.problem(t, answer, {409: t("low")}));
        return panel.reload();
      }
      const coupon = answer.body;
      if (coupon.balances && ctx.me) ctx.me = Object.assign({}, ctx.me, {balances: coupon.balances});
      ctx.renders.forEach((render) => render());
      ask.replaceChildren(S.codeBox(ctx, coupon, t("code"), say));
      say(tt("applying", {c: coupon.code}));
      // The store makes the code moments after it is recorded: apply it once it exists there.
      for (let attempt = 0; coupon.status === "pending" && attempt < 4; attempt += 1) {
        await sleep(1000);
        const codes = await ctx.api.call("/codes");
        const found = ((codes.body && codes.body.items) || []).find((each) => each.code === coupon.code);
        if (found) coupon.status = found.status;
      }
      const href = S.applyHref(ctx.program, coupon.code);
      if (href) location.assign(href);
    };

    const estimate = async () => {
      const subtotal = String(el.dataset.subtotal || "").trim();
      if (subtotal === asked) return; // settled where it was: nothing to ask
      asked = subtotal;
      if (!/^\d+(\.\d+)?$/.test(subtotal)) {
        shown = null;
        return draw();
      }
      const pending = known[subtotal] || (known[subtotal] = ctx.api.call("/estimate?subtotal=" + encodeURIComponent(subtotal)));
      const answer = await pending;
      if (answer.status !== 200) delete known[subtotal]; // asked again when the subtotal comes back
      if (asked !== subtotal) return; // a newer subtotal is being asked about
      shown = answer.status === 200 ? answer.body : null;
      draw();
    };
    new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(estimate, WAIT);
    }).observe(el, {attributes: true, attributeFilter: ["data-subtotal"]});
    if (el.dataset.subtotal) estimate();
    else if (el.dataset.source === "shopify-cart") cartChanged();
  };

  // Elements the theme adds later (a cart drawer or a cart section re-rendered) are filled too.
  S.carts = (ctx, panel) => {
    const drawer = S.script.dataset.cartDrawer;
    let timer = 0;
    const scan = () => {
      let hosts = [];
      try {
        hosts = drawer ? [...document.querySelectorAll(drawer)] : [];
      } catch (error) {
        hosts = []; // not a selector
      }
      for (const host of hosts) {
        if (!host.querySelector('[data-setia="cart"]')) host.append(h("div", {"data-setia": "cart", "data-source": "shopify-cart"}));
      }
      for (const el of document.querySelectorAll('[data-setia="cart"]')) {
        if (!seen.has(el)) {
          seen.add(el);
          setup(ctx, panel, el);
        }
      }
    };
    scan();
    new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(scan, 100);
    }).observe(document.body, {childList: true, subtree: true});
    if (window.PerformanceObserver) {
      new PerformanceObserver((entries) => {
        if (entries.getEntries().some((entry) => CART_CHANGE.test(new URL(entry.name, location.href).pathname))) cartChanged();
      }).observe({type: "resource"});
    }
  };
})(window.SetiaLoyalty);
