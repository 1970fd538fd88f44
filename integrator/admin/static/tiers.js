// The tiers and campaigns page: every form (new tier, new campaign, each one's edit form) sends JSON
// with SetiaAdmin.send (admin.js); field errors appear next to their fields; a success shows the page
// again as saved. Each form previews what an order of the sample amount earns with its multiplier and
// bonus, as the merchant types (the server's own preview is in the list once saved).
(() => {
  "use strict";
  const status = document.getElementById("tiers-status");
  if (!status || !window.SetiaAdmin) return;
  const ppu = Number(status.dataset.ppu);
  const sample = Number(status.dataset.sample);

  const valueOf = (input) => {
    const text = input.value.trim();
    switch (input.dataset.type) {
      case "integer": return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : text;
      case "id": return text === "" ? null : Number.parseInt(text, 10);
      case "nullable": return text === "" ? null : text;
      case "list": return text === "" ? null : text.split(",").map((part) => part.trim()).filter(Boolean);
      default: return text; // decimals travel as strings; "local" times carry no offset: the shop's zone
    }
  };
  const collect = (form) => {
    const body = {};
    for (const input of form.querySelectorAll("[data-type]")) body[input.name] = valueOf(input);
    return body;
  };
  const preview = (form) => {
    const line = form.querySelector("[data-preview]");
    if (!line) return;
    const multiplier = Number((form.querySelector("[name=multiplier]") || {}).value || 1);
    const bonus = Number.parseInt((form.querySelector("[name=bonus_points]") || {}).value || "0", 10) || 0;
    const points = Math.floor(sample * ppu * multiplier + 1e-9) + bonus;
    line.textContent = Number.isFinite(points) && multiplier >= 1 ? line.dataset.template.replace("{points}", points.toLocaleString(document.documentElement.lang || "en")) : "";
  };

  const submit = async (root, method, url, body, saved) => {
    status.textContent = "";
    try {
      const answer = await window.SetiaAdmin.send(method, url, body);
      if (answer.ok) return window.SetiaAdmin.go(`${window.location.pathname}?saved=${saved}`);
      window.SetiaAdmin.showErrors(root, answer.status === 422 ? answer.body.details : {});
      status.textContent = answer.status === 422 ? status.dataset.invalid : status.dataset.failed;
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  };
  for (const form of document.querySelectorAll("form[data-item-form]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, form.dataset.method, form.action, collect(form), form.dataset.saved);
    });
    form.addEventListener("input", () => preview(form));
    preview(form);
  }
  for (const button of document.querySelectorAll("button[data-delete]")) {
    button.addEventListener("click", () => submit(button.closest("[data-item-id]"), "DELETE", button.dataset.delete, undefined, "deleted"));
  }
})();
