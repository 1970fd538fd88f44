// The home page: "Keep this rule" posts with SetiaAdmin.send (admin.js) and shows the page again;
// the connection's status is asked again every 30 seconds while the page is visible.
(() => {
  "use strict";
  if (!window.SetiaAdmin) return;
  const form = document.getElementById("confirm-earning");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await window.SetiaAdmin.send("POST", form.action, {});
      if (answer.ok) window.SetiaAdmin.reload();
    });
  }

  const section = document.getElementById("connection");
  if (!section) return;
  const fields = {
    status: "connection-status",
    last_delivery: "last-delivery",
    failed: "failed-deliveries",
    retrying: "retrying-deliveries",
    last_reconciliation: "last-reconciliation",
  };
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const answer = await window.SetiaAdmin.send("GET", section.dataset.source);
      if (!answer.ok) return;
      for (const [key, id] of Object.entries(fields)) {
        document.getElementById(id).textContent = String(answer.body[key]);
      }
      const status = document.getElementById("connection-status");
      status.classList.toggle("ok", answer.body.healthy);
      status.classList.toggle("warn", !answer.body.healthy);
    } catch (error) {
      // offline for a moment: the next round tries again
    }
  };
  window.setInterval(refresh, Number(section.dataset.interval || 30000));
})();
