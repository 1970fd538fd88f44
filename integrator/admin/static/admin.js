// Shared by every merchant page (loaded with defer before each page's own script):
// - SetiaAdmin.send(method, url, body): fetch with JSON; inside the Shopify admin the App Bridge
//   session token authenticates it (no cookies), outside the cookie session and the CSRF token do;
// - SetiaAdmin.showErrors(root, details): the server's field errors next to their fields
//   (elements with data-error-for="field" or "nested.field");
// - SetiaAdmin.go(path) / reload(): navigation that keeps an embedded page signed in.
(() => {
  "use strict";
  const embedded = document.body.dataset.embedded === "true";

  const idToken = async () =>
    window.shopify && typeof window.shopify.idToken === "function" ? window.shopify.idToken() : "";

  const headers = async () => {
    const result = { "Content-Type": "application/json", Accept: "application/json" };
    const csrf = document.querySelector("input[name=csrf_token]");
    if (csrf) result["X-CSRF-Token"] = csrf.value;
    const token = await idToken();
    if (token) result.Authorization = `Bearer ${token}`;
    return result;
  };

  const send = async (method, url, body) => {
    const response = await fetch(url, {
      method,
      headers: await headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, body: answer };
  };

  const flatten = (details, prefix, out) => {
    for (const [key, value] of Object.entries(details || {})) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(value)) out[name] = value.join(" ");
      else if (value && typeof value === "object") flatten(value, name, out);
      else out[name] = String(value);
    }
    return out;
  };

  const showErrors = (root, details) => {
    const errors = flatten(details, "", {});
    for (const slot of root.querySelectorAll("[data-error-for]")) {
      const message = errors[slot.dataset.errorFor];
      slot.textContent = message || "";
      slot.hidden = !message;
    }
  };

  // An embedded page is signed in by the id_token in its URL; a link inside the frame gets a fresh one.
  const go = async (path) => {
    if (!embedded) {
      window.location.assign(path);
      return;
    }
    const target = new URL(path, window.location.href);
    for (const [key, value] of new URLSearchParams(window.location.search)) {
      if (key !== "id_token" && !target.searchParams.has(key)) target.searchParams.set(key, value);
    }
    target.searchParams.set("id_token", await idToken());
    window.location.assign(target.toString());
  };

  const reload = () => go(window.location.pathname);

  if (embedded) {
    for (const link of document.querySelectorAll("a[data-nav]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        go(link.getAttribute("href"));
      });
    }
  }

  window.SetiaAdmin = { embedded, send, flatten, showErrors, go, reload };
})();
