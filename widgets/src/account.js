/* The signed-in shopper's part of the panel, loaded on demand: codes issued in this visit, the
   unboxing coupon of the last order (when the panel first opens), "use cashback" (only while there is
   cashback to spend and the shop does not pay it as store credit), and the history, page by page. */
(function (S) {
  "use strict";
  const {h} = S;
  const PAGE_SIZE = 10;

  S.account = (ctx, area, say, refresh) => {
    const {t} = ctx;
    if (!ctx.api.signed) return {render() {}, opened() {}, issued() {}};
    const issued = h("div", {class: "issued"});
    const unboxing = h("div", {class: "unboxing"});
    const cashback = h("div", {class: "cashback"});
    const list = h("ul", {class: "history", id: "setia-history", hidden: true});
    const toggle = h("button", {type: "button", class: "more", "aria-expanded": "false", "aria-controls": "setia-history"}, t("history"));
    const more = h("button", {type: "button", class: "more", hidden: true}, t("more"));
    area.append(issued, unboxing, cashback, h("div", {}, toggle), list, more);
    let page = 0;
    let hasMore = false;
    let storeCredit = false;
    let opened = false;

    const issue = (coupon) => {
      const box = S.codeBox(ctx, coupon, t("code"), say);
      issued.prepend(box);
      if (coupon.balances && ctx.me) ctx.me = Object.assign({}, ctx.me, {balances: coupon.balances});
      refresh();
      box.scrollIntoView({block: "nearest"});
    };

    const history = async () => {
      more.disabled = true;
      const answer = await ctx.api.call(`/history?page=${page + 1}&page_size=${PAGE_SIZE}`);
      more.disabled = false;
      if (answer.status !== 200) return say(S.problem(t, answer));
      page += 1;
      for (const item of answer.body.items || []) {
        const what = S.date(item.created_at, ctx.language) + " · " + (item.description || t.kind(item.kind));
        list.append(h("li", {}, h("span", {}, what), h("span", {}, item.display)));
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

    const spend = async (button) => {
      button.disabled = true;
      say("");
      const answer = await ctx.api.call("/cashback-redemptions", {amount: ctx.me.balances.cashback_available});
      button.disabled = false;
      if (answer.status === 201) return issue(answer.body);
      storeCredit = answer.status === 409 && /store credit/i.test(answer.body.error || "");
      say(storeCredit ? t("store_credit") : S.problem(t, answer, {409: t("low_cashback")}));
      render();
    };
    const render = () => {
      const available = ctx.me && Number(ctx.me.balances.cashback_available) > 0 && !storeCredit;
      cashback.replaceChildren();
      if (!available) return;
      const button = h("button", {type: "button", class: "more"}, t("use_cashback", {v: ctx.money(ctx.me.balances.cashback_available)}));
      button.addEventListener("click", () => spend(button));
      cashback.append(button);
    };

    const load = async () => {
      const answer = await ctx.api.call("/unboxing");
      const coupon = answer.status === 200 && answer.body.coupon;
      if (coupon && coupon.code && coupon.status !== "failed") unboxing.replaceChildren(S.codeBox(ctx, coupon, t("unboxing"), say));
    };
    return {render, issued: issue, opened: () => opened || ((opened = true), load())};
  };
})(window.SetiaLoyalty);
