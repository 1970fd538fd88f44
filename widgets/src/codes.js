/* A coupon as a shopper sees it (a redeemed reward, spent cashback, the unboxing coupon): what it is
   worth, the code with a copy button, and the shop's "apply at checkout" link (program.apply_path:
   Shopify /discount/{code}, WooCommerce the plugin's /?coupon={code}). */
(function (S) {
  "use strict";
  const {h} = S;

  // "Rp 10.000 off", "10% off", "Free shipping".
  S.worth = (ctx, kind, value) => {
    if (kind === "free_shipping") return ctx.t("free_shipping");
    const amount = kind === "percentage" ? S.number(Number(value), ctx.language) + "%" : ctx.money(value);
    return ctx.t("off", {v: amount});
  };

  const copy = async (ctx, code, button, say) => {
    try {
      await navigator.clipboard.writeText(code.textContent);
      button.textContent = ctx.t("copied");
      say(ctx.t("copied"));
    } catch (error) {
      // No clipboard permission (or an old browser): select the code so that Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  };

  const applyLink = (ctx, code) => {
    const path = ctx.program && ctx.program.apply_path;
    if (typeof path !== "string" || !/^\/(?!\/)/.test(path)) return null; // a path on this storefront only
    const href = new URL(path.replace("{code}", encodeURIComponent(code)), location.origin).href;
    return h("a", {class: "apply", href}, ctx.t("apply"));
  };

  S.codeBox = (ctx, coupon, title, say = () => {}) => {
    const code = h("span", {class: "code"}, coupon.code);
    const button = h("button", {type: "button", class: "copy", "aria-label": ctx.t("copy") + " " + coupon.code}, ctx.t("copy"));
    button.addEventListener("click", () => copy(ctx, code, button, say));
    const details = [S.worth(ctx, coupon.value_type, coupon.value)];
    if (coupon.min_order) details.push(ctx.t("min", {v: ctx.money(coupon.min_order)}));
    if (coupon.status === "active") details.push(ctx.t("active"));
    if (coupon.expires_at) details.push(ctx.t("until", {d: S.date(coupon.expires_at, ctx.language)}));
    return h("div", {class: "box", role: "group", "aria-label": title},
      h("p", {class: "sub"}, S.nb(title + " · " + details.join(", "))),
      h("div", {class: "row"}, code, button, applyLink(ctx, coupon.code)),
      coupon.status === "pending" && h("p", {class: "note"}, ctx.t("activating")));
  };
})(window.SetiaLoyalty);
