// The settings form: sends the values as JSON with SetiaAdmin.send (admin.js) and shows the
// server's field errors next to their fields.
(() => {
  "use strict";
  const form = document.getElementById("settings-form");
  if (!form || !window.SetiaAdmin) return;
  const status = document.getElementById("settings-status");

  const valueOf = (input) => {
    const type = input.dataset.type;
    if (type === "boolean") return input.checked;
    const text = input.value.trim();
    if (type === "integer") return /^-?\d+$/.test(text) ? Number.parseInt(text, 10) : text;
    return text; // decimals travel as strings, never as floats
  };

  const collect = () => {
    const body = {};
    for (const input of form.querySelectorAll("[data-type]")) {
      const path = input.name.split(".");
      let target = body;
      for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
      target[path[path.length - 1]] = valueOf(input);
    }
    return body;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    try {
      const answer = await window.SetiaAdmin.send("PATCH", form.action, collect());
      if (answer.ok) {
        window.SetiaAdmin.showErrors(form, {});
        status.textContent = status.dataset.saved;
      } else if (answer.status === 422) {
        window.SetiaAdmin.showErrors(form, answer.body.details);
        status.textContent = status.dataset.invalid;
      } else {
        status.textContent = status.dataset.failed;
      }
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  });
})();
