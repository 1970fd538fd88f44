/* Start (the loader adds this bundle after the page's load event): one call, `program` (public, cached
   a minute: rules, rewards, theme, language), then the shopper's `me` and the thank-you order when the
   browser is idle; everything else when the shopper asks for it. Nothing here may
   break the host page: every failure ends as a quiet message or as nothing. */
(function (S) {
  "use strict";
  const script = S.script;
  if (!script || S.started) return; // the bundle without its loader (a test page)
  S.started = true;

  const idle = (work) => {
    const soon = () => (window.requestIdleCallback ? requestIdleCallback(work, {timeout: 2000}) : setTimeout(work, 100));
    if (document.readyState === "complete") soon();
    else window.addEventListener("load", soon, {once: true});
  };

  const start = async () => {
    const api = S.client(script);
    const answer = await api.call("/program");
    const program = answer.status === 200 && answer.body.earning ? answer.body : null;
    const language = S.language(script, program);
    const texts = (program && program.theme && program.theme.texts && program.theme.texts[language]) || {};
    const t = S.texts(language, texts);
    const currency = (program && program.currency) || "USD";
    const ctx = {
      api, program, language, t, me: null, loading: null, renders: [],
      label: texts.title ? t("title") : script.dataset.label || t("title"),
      money: (value) => S.money(value, currency, language),
      pts: (n) => t(n === 1 ? "point" : "points", {n: S.number(n, language)}),
    };
    const panel = S.panel(ctx);
    const inline = [...document.querySelectorAll('[data-setia-panel="inline"]')].map((el) => S.panel(ctx, el));
    if (!program) [panel, ...inline].forEach((each) => each.say(S.problem(t, answer)));
    S.cart(ctx, panel);
    idle(() => {
      panel.loadMe();
      inline.forEach((each) => each.opened());
      S.thankYou(ctx, panel);
    });
  };
  const run = () => start().catch((error) => console.warn("Setia widget:", error));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run, {once: true});
  else run();
})(window.SetiaLoyalty);
