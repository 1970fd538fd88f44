// The rewards catalogue: every form (new reward, each reward's edit form, opened on demand) and each
// Deactivate / Reactivate button sends JSON with SetiaAdmin.send (admin.js); field errors appear
// next to their fields, a success shows the page again with the catalogue as saved. Free shipping
// has no value: its field is hidden and not sent.
(() => {
  "use strict";
  const status = document.getElementById("rewards-status");
  if (!status || !window.SetiaAdmin) return;

  const valueOf = (input) => {
    const text = input.value.trim();
    if (input.dataset.type === "integer") return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : text;
    if (input.dataset.type === "nullable") return text === "" ? null : text;
    return text; // decimals travel as strings, never as floats
  };

  const collect = (form) => {
    const body = {};
    for (const input of form.querySelectorAll("[data-type]")) {
      if (input.closest("[hidden]")) continue;
      const value = valueOf(input);
      if (input.dataset.type === "optional" && value === "") continue;
      body[input.name] = value;
    }
    return body;
  };

  const showValueFor = (form) => {
    const kind = form.querySelector("select[name=kind]");
    const field = form.querySelector("[data-value-field]");
    if (kind && field) field.hidden = kind.value === "free_shipping";
  };

  // `form` shows the field errors; `method` and `url` default to its own.
  const submit = async (form, body, saved, method = form.dataset.method, url = form.action) => {
    status.textContent = "";
    try {
      const answer = await window.SetiaAdmin.send(method, url, body);
      if (answer.ok) {
        window.SetiaAdmin.go(`${window.location.pathname}?saved=${saved}`);
        return;
      }
      window.SetiaAdmin.showErrors(form, answer.status === 422 ? answer.body.details : {});
      status.textContent = answer.status === 422 ? status.dataset.invalid : status.dataset.failed;
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  };

  for (const form of document.querySelectorAll("form[data-reward-form]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, collect(form), form.dataset.saved);
    });
    const kind = form.querySelector("select[name=kind]");
    if (kind) kind.addEventListener("change", () => showValueFor(form));
    showValueFor(form);
  }
  for (const button of document.querySelectorAll("button[data-active][data-url]")) {
    const item = button.closest("[data-reward-id]");
    button.addEventListener("click", () => {
      const body = { active: button.dataset.active === "true" };
      submit(item, body, button.dataset.saved, "PATCH", button.dataset.url);
    });
  }
})();
