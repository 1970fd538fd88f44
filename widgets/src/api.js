/* The widget API, reached directly (CORS, no cookies; the shopper's identity is the signed
   data-customer/data-ts/data-sig of the script tag) or, with data-proxy="/apps/setia", through
   Shopify's app proxy on the storefront's own origin (Shopify vouches for the logged-in customer;
   data-logged-in="true" says there is one). A call never throws: {status, body}, status 0 offline. */
(function (S) {
  "use strict";

  S.client = (script) => {
    const data = script.dataset;
    const proxy = (data.proxy || "").replace(/\/+$/, "");
    const viaProxy = proxy.startsWith("/");
    const base = viaProxy
      ? location.origin + proxy
      : new URL(script.src).origin + "/widget/v1/" + encodeURIComponent(data.shop);
    const signed = viaProxy ? data.loggedIn === "true" : Boolean(data.customer && data.sig);
    const identity = {customer: data.customer, ts: data.ts || "", sig: data.sig};

    const call = async (path, body) => {
      const url = new URL(base + path);
      if (signed && !viaProxy && path !== "/program") {
        for (const [key, value] of Object.entries(identity)) url.searchParams.set(key, value);
      }
      const options = {credentials: viaProxy ? "same-origin" : "omit"};
      if (body) Object.assign(options, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
      try {
        const response = await fetch(url, options);
        const answer = await response.json().catch(() => null);
        return {status: response.status, body: answer || {}};
      } catch (error) {
        return {status: 0, body: {}};
      }
    };
    return {call, signed};
  };

  // The quiet message for a failed call; `own` maps statuses the caller explains itself.
  S.problem = (t, answer, own) =>
    (own && own[answer.status]) || (answer.status === 401 ? t("auth") : answer.status === 429 ? t("busy") : t("error"));
})(window.SetiaLoyalty);
