// The referrals page's review buttons: sent with fetch (inside the Shopify admin the session token
// signs them in), then the page again; without JavaScript they post themselves as plain forms.
(() => {
  "use strict";
  if (!window.SetiaAdmin) return;
  for (const form of document.querySelectorAll("form[data-decision]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await window.SetiaAdmin.send("POST", form.action, {}).catch(() => ({ ok: false, body: {} }));
      const status = document.getElementById("referrals-status");
      if (answer.ok) window.SetiaAdmin.go(window.location.pathname);
      else status.textContent = answer.body.error || "";
    });
  }
})();
