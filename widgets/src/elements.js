/* Page elements the widget fills, each in its own shadow root:
   <div data-setia="cart" data-subtotal="181.09">: "you will earn 181 points" and "use your points"
   (cart.js, loaded when the page has one);
   <div data-setia="thank-you" data-order="ORDER_ID">: what the order earned and its unboxing code,
   asked again a few times while Setia has not seen the order yet (the webhook may be late). */
(function (S) {
  "use strict";
  const {h} = S;
  const RETRY_MS = [1500, 3000, 5000, 8000, 12000];
  const AGAIN = [0, 404, 429, 500, 502, 503, 504];

  // The cart element is its own module (cart.js), loaded only where a page has one.
  S.cart = (ctx, panel) => {
    if (document.querySelector('[data-setia="cart"]') || S.script.dataset.cartDrawer) S.lazy("cart.js").then(() => S.carts(ctx, panel), () => {});
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
