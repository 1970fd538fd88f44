// The members pages. A form's button is disabled once it is sent (the server's idempotency key
// already makes a second submit harmless). Inside the Shopify admin there is no cookie: links and
// the search go through SetiaAdmin.go (admin.js, a fresh session token in the URL), and a form is
// sent with fetch and the session token; the answer is where to go next (JSON), or the page again
// with the errors next to the fields, which replaces this one's content.
(() => {
  "use strict";
  const admin = window.SetiaAdmin;
  const embedded = Boolean(admin && admin.embedded);

  const idToken = async () =>
    window.shopify && typeof window.shopify.idToken === "function" ? window.shopify.idToken() : "";

  const sendEmbedded = async (form) => {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Authorization: `Bearer ${await idToken()}`, Accept: "application/json" },
      credentials: "same-origin",
    });
    if ((response.headers.get("Content-Type") || "").includes("application/json")) {
      const answer = await response.json();
      if (answer.location) return admin.go(answer.location);
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = page.querySelector("main");
    if (main) document.querySelector("main").replaceChildren(...main.childNodes);
    bind(); // eslint-disable-line no-use-before-define
  };

  const bind = () => {
    for (const form of document.querySelectorAll("main form[method=post]")) {
      form.addEventListener("submit", (event) => {
        for (const button of form.querySelectorAll("button[type=submit]")) {
          window.setTimeout(() => { button.disabled = true; }, 0);
        }
        if (!embedded) return;
        event.preventDefault();
        sendEmbedded(form).catch(() => {
          for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
        });
      });
    }
    if (!embedded) return;
    for (const link of document.querySelectorAll("main a[href^='/admin/']")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        admin.go(link.getAttribute("href"));
      });
    }
    const search = document.querySelector("main form.member-search");
    if (search) {
      search.addEventListener("submit", (event) => {
        event.preventDefault();
        admin.go(`${search.getAttribute("action")}?${new URLSearchParams(new FormData(search))}`);
      });
    }
  };

  bind();
})();
