/* Refer a friend (its own module, loaded when a signed-in member opens the panel of a shop with
   referrals on): the member's link (`referral`), copy, WhatsApp click-to-chat with a text in the
   shop's language, email, Facebook and X. */
(function (S) {
  "use strict";
  const {h} = S;
  const TEXTS = {
    en: {
      title: "Refer a friend",
      offer: "Friends get {p}% off their first order; you get {n} points when they buy.",
      copy: "Copy link", copied: "Link copied", email: "Email", x: "X",
      subject: "{p}% off at {s}",
      message: "Here is {p}% off your first order at {s}: {u}",
    },
    id: {
      title: "Ajak teman",
      offer: "Teman dapat diskon {p}% untuk pesanan pertamanya; Anda dapat {n} poin saat mereka berbelanja.",
      copy: "Salin tautan", copied: "Tautan disalin", email: "Email", x: "X",
      subject: "Diskon {p}% di {s}",
      message: "Ini diskon {p}% untuk pesanan pertamamu di {s}: {u}",
    },
  };

  S.refer = (ctx, area) => {
    const texts = TEXTS[ctx.language] || TEXTS.en;
    const t = (key, values) => texts[key].replace(/\{(\w)\}/g, (_, name) => (values || {})[name]);
    const box = h("div", {class: "refer"});
    area.append(box);
    ctx.api.call("/referral").then((answer) => {
      if (answer.status !== 200 || !answer.body.url) return box.remove();
      const info = ctx.program.referrals;
      const url = answer.body.url;
      const values = {p: S.number(Number(info.friend_discount_percent), ctx.language), n: S.number(info.advocate_points, ctx.language), s: info.shop_name || location.hostname, u: url};
      const text = t("message", values);
      const go = (href, label) => h("a", {href, target: "_blank", rel: "noopener noreferrer", class: "share"}, label);
      const field = h("input", {type: "text", readonly: true, value: url, "aria-label": t("title")});
      field.style.flex = "1";
      const copy = h("button", {type: "button"}, t("copy"));
      copy.addEventListener("click", async () => {
        try { await navigator.clipboard.writeText(url); } catch (error) { field.select(); document.execCommand("copy"); }
        copy.textContent = t("copied");
      });
      const enc = encodeURIComponent;
      box.replaceChildren(
        h("h3", {}, t("title")), h("p", {}, t("offer", values)), h("div", {class: "row"}, field, copy),
        h("p", {class: "row"},
          go("https://wa.me/?text=" + enc(text), "WhatsApp"),
          go("mailto:?subject=" + enc(t("subject", values)) + "&body=" + enc(text), t("email")),
          go("https://www.facebook.com/sharer/sharer.php?u=" + enc(url), "Facebook"),
          go("https://x.com/intent/post?text=" + enc(text), t("x"))));
    });
  };
})(window.SetiaLoyalty);
