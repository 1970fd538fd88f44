// The ways-to-earn page: the bonus settings (sent as nested JSON to /admin/api/settings: "bonus.signup_points"
// becomes {"bonus": {"signup_points": ...}}), each custom action's form, and Remove, with
// SetiaAdmin.send (admin.js); field errors appear next to their fields, a success shows the page again.
(() => {
  "use strict";
  const status = document.getElementById("earn-status");
  if (!status || !window.SetiaAdmin) return;

  const valueOf = (input) => {
    const text = input.value.trim();
    if (input.dataset.type === "integer") return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : text;
    if (input.dataset.type === "nullable") return text === "" ? null : text;
    return text;
  };
  const collect = (form) => {
    const body = {};
    for (const input of form.querySelectorAll("[data-type]")) {
      const path = input.name.split(".");
      let target = body;
      for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
      target[path[path.length - 1]] = valueOf(input);
    }
    return body;
  };
  const submit = async (form, method, url, body, saved) => {
    status.textContent = "";
    try {
      const answer = await window.SetiaAdmin.send(method, url, body);
      if (answer.ok) return window.SetiaAdmin.go(`${window.location.pathname}?saved=${saved}`);
      window.SetiaAdmin.showErrors(form, answer.status === 422 || answer.status === 409 ? answer.body.details : {});
      status.textContent = answer.status === 422 || answer.status === 409 ? status.dataset.invalid : status.dataset.failed;
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  };
  for (const form of document.querySelectorAll("form[data-earn-form]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, form.dataset.method, form.action, collect(form), form.dataset.saved);
    });
  }
  for (const button of document.querySelectorAll("button[data-delete]")) {
    button.addEventListener("click", () => submit(button.closest("form"), "DELETE", button.dataset.delete, undefined, "deleted"));
  }
})();
