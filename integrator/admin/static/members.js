// The members pages: a form's button is disabled once it is sent (the server's idempotency key
// already makes a second submit harmless); inside the Shopify admin, links and the search keep the
// page signed in through SetiaAdmin.go (admin.js), which adds a fresh session token.
(() => {
  "use strict";
  for (const form of document.querySelectorAll("main form[method=post]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) {
        window.setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }
  const admin = window.SetiaAdmin;
  if (!admin || !admin.embedded) return;
  for (const link of document.querySelectorAll("main a[href^='/admin/']")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      admin.go(link.getAttribute("href"));
    });
  }
  const search = document.querySelector("form.member-search");
  if (search) {
    search.addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams(new FormData(search)).toString();
      admin.go(`${search.getAttribute("action")}?${query}`);
    });
  }
})();
