// The settings form: sends the values as JSON with fetch and shows the server's field errors.
// Inside the Shopify admin, the App Bridge session token authenticates each request (no cookies);
// outside, the cookie session and the form's CSRF token do.
(() => {
  "use strict";
  const form = document.getElementById("settings-form");
  if (!form) return;
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

  const flatten = (details, prefix, out) => {
    for (const [key, value] of Object.entries(details || {})) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(value)) out[name] = value.join(" ");
      else if (value && typeof value === "object") flatten(value, name, out);
      else out[name] = String(value);
    }
    return out;
  };

  const showErrors = (errors) => {
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      const message = errors[slot.dataset.errorFor];
      slot.textContent = message || "";
      slot.hidden = !message;
    }
  };

  const headers = async () => {
    const result = { "Content-Type": "application/json", Accept: "application/json" };
    const csrf = form.querySelector("input[name=csrf_token]");
    if (csrf) result["X-CSRF-Token"] = csrf.value;
    if (window.shopify && typeof window.shopify.idToken === "function") {
      result.Authorization = `Bearer ${await window.shopify.idToken()}`;
    }
    return result;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    try {
      const response = await fetch(form.action, {
        method: "PATCH",
        headers: await headers(),
        body: JSON.stringify(collect()),
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        showErrors({});
        status.textContent = status.dataset.saved;
      } else if (response.status === 422) {
        showErrors(flatten(answer.details, "", {}));
        status.textContent = status.dataset.invalid;
      } else {
        status.textContent = status.dataset.failed;
      }
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  });
})();
