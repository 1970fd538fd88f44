// The rewards catalogue: every form (new reward, each reward's edit form) and each Deactivate /
// Reactivate button sends JSON with SetiaAdmin.send (admin.js); field errors appear next to their
// fields, a success shows the page again with the catalogue as saved.
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
      const value = valueOf(input);
      if (input.dataset.type === "optional" && value === "") continue;
      body[input.name] = value;
    }
    return body;
  };

  const submit = async (form, body, saved) => {
    status.textContent = "";
    try {
      const answer = await window.SetiaAdmin.send(form.dataset.method, form.action, body);
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
    for (const button of form.querySelectorAll("button[data-active]")) {
      button.addEventListener("click", () =>
        submit(form, { active: button.dataset.active === "true" }, button.dataset.saved),
      );
    }
  }
})();
