// The home page's "Keep this rule" button: a JSON post with SetiaAdmin.send (admin.js), then the page again.
(() => {
  "use strict";
  const form = document.getElementById("confirm-earning");
  if (!form || !window.SetiaAdmin) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await window.SetiaAdmin.send("POST", form.action, {});
    if (answer.ok) window.SetiaAdmin.reload();
  });
})();
