/* Page elements the widget fills, each in its own shadow root:
   <div data-setia="cart" data-subtotal="181.09">: "you will earn 181 points" (recomputed when the
   theme changes data-subtotal) and "use your points", which opens the panel;
   <div data-setia="thank-you" data-order="ORDER_ID">: what the order earned and its unboxing code,
   asked again a few times while Setia has not seen the order yet (the webhook may be late). */
(function (S) {
  "use strict";
  const {h} = S;
  const RETRY_MS = [1500, 3000, 5000, 8000, 12000];
  const AGAIN = [0, 404, 429, 500, 502, 503, 504];

  S.cart = (ctx, panel) => {
    for (const el of document.querySelectorAll('[data-setia="cart"]')) {
      const box = S.shadow(el);
      S.theme(box, ctx.program);
      const draw = () => {
        const points = ctx.program && S.points(el.dataset.subtotal, ctx.program.earning.points_per_unit);
        box.replaceChildren();
        if (!points) return; // nothing to promise (or a subtotal that is not a plain decimal)
        const use = ctx.api.signed && h("button", {type: "button", onclick: (event) => panel.open(event.currentTarget)}, ctx.t("use_points"));
        // A guest's order earns nothing (no one to credit): the promise needs a signed-in shopper.
        box.append(h("p", {class: "el"}, ctx.t(ctx.api.signed ? "cart" : "cart_join", {n: ctx.pts(points)}), use));
      };
      draw();
      new MutationObserver(draw).observe(el, {attributes: true, attributeFilter: ["data-subtotal"]});
    }
  };

  const thanks = (ctx, order) => {
    const {t} = ctx;
    const lines = [];
    if (order.points > 0) {
      lines.push(h("p", {}, t("thanks", {n: ctx.pts(order.points), o: order.name || order.order_id})));
      if (order.points_pending > 0) lines.push(h("p", {class: "sub"}, t("pending", {n: S.number(order.points_pending, ctx.language)})));
    } else if (order.status === "unpaid") {
      lines.push(h("p", {}, t("thanks_later")));
    }
    const coupon = order.unboxing;
    if (coupon && coupon.code && coupon.status !== "failed") lines.push(S.codeBox(ctx, coupon, t("unboxing")));
    return lines;
  };

  S.thankYou = (ctx, panel) => {
    if (!ctx.api.signed) return;
    for (const el of document.querySelectorAll('[data-setia="thank-you"][data-order]')) {
      const box = S.shadow(el);
      S.theme(box, ctx.program);
      const status = h("div", {class: "el", role: "status", "aria-live": "polite"});
      box.append(status);
      (async () => {
        for (let attempt = 0; ; attempt += 1) {
          const answer = await ctx.api.call("/orders/" + encodeURIComponent(el.dataset.order));
          if (answer.status === 200) {
            status.replaceChildren(...thanks(ctx, answer.body));
            return attempt && panel.reload(); // the balance the launcher shows predates this order
          }
          if (!AGAIN.includes(answer.status) || attempt >= RETRY_MS.length) return; // quietly nothing
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
        }
      })();
    }
  };
})(window.SetiaLoyalty);
