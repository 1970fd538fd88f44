// The settings page: the form is sent as JSON with SetiaAdmin.send (admin.js) to its data-api URL
// (without JavaScript it posts itself as a plain form), the server's field errors are shown next to
// their fields (each clears once its field is changed) with the status line beside the first one, and
// the widget preview follows the form as the merchant types, in the widget's own words (S.rateText).
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
    if (type === "choice") return text === "" ? null : Number.parseInt(text, 10); // a select of ids, or none
    return text; // decimals travel as strings, never as floats
  };

  // "widget.texts.en.title" → body.widget.texts.en.title; an empty optional text is left out (built-in text).
  const collect = () => {
    const body = {};
    for (const input of form.querySelectorAll("[data-type]")) {
      const path = input.name.split(".");
      let target = body;
      for (const key of path.slice(0, -1)) target = target[key] = target[key] || {};
      const value = valueOf(input);
      if (input.dataset.type === "optional" && value === "") continue;
      target[path[path.length - 1]] = value;
    }
    return body;
  };

  const home = status.parentNode.insertBefore(document.createComment("status"), status);
  const markFields = () => {
    let first = null;
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      const input = form.querySelector(`[name="${slot.dataset.errorFor}"]`);
      if (input) input.toggleAttribute("aria-invalid", !slot.hidden);
      if (!slot.hidden && !first) first = slot;
    }
    return first;
  };
  markFields(); // a refused form post came back with its fields marked by the server

  // A corrected field loses its mark at once; the status line goes once no field is marked.
  form.addEventListener("input", (event) => {
    const slot = event.target.name && form.querySelector(`[data-error-for="${event.target.name}"]`);
    if (!slot || slot.hidden) return;
    slot.hidden = true;
    slot.textContent = "";
    if (!markFields()) status.textContent = "";
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    try {
      const answer = await window.SetiaAdmin.send("PATCH", form.dataset.api, collect());
      if (answer.ok) {
        window.SetiaAdmin.go(form.dataset.reload); // the page again: saved values and the audit log
      } else if (answer.status === 422) {
        window.SetiaAdmin.showErrors(form, answer.body.details);
        const first = markFields();
        if (first) first.after(status); // where the marked fields are, not at the top of a long form
        else home.after(status);
        status.textContent = status.dataset.invalid;
        const input = first && form.querySelector(`[name="${first.dataset.errorFor}"]`);
        if (input) input.focus();
      } else {
        status.textContent = status.dataset.failed;
      }
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  });

  // --- the live preview -------------------------------------------------------------------------
  const preview = document.getElementById("widget-preview");
  if (!preview) return;
  const field = (name) => form.querySelector(`[name="${name}"]`);
  const language = preview.dataset.language;
  const builtin = (key) => preview.getAttribute(`data-builtin-${language}-${key}`) || "";
  const text = (key) => {
    const input = field(`widget.texts.${language}.${key}`);
    return (input && input.value.trim()) || builtin(key);
  };
  const show = (slot, value) => {
    preview.querySelector(`[data-preview="${slot}"]`).textContent = value;
  };

  const render = () => {
    const colour = field("widget.accent_color");
    if (colour && /^#[0-9a-fA-F]{6}$/.test(colour.value)) preview.style.setProperty("--preview-accent", colour.value);
    const position = field("widget.position");
    const left = position && position.value === "bottom-left";
    preview.classList.toggle("preview-bottom-left", left);
    preview.classList.toggle("preview-bottom-right", !left);
    const rate = field("points_per_unit").value.trim();
    // Only a rate the server would accept is put into words: invalid input is never echoed.
    const valid = /^\d{1,7}(\.\d{1,6})?$/.test(rate) && Number(rate) <= 1000000;
    const S = window.SetiaLoyalty;
    const earn = valid && S && S.rateText ? S.rateText(language, preview.dataset.currency, rate) : null;
    show("title", text("title"));
    show("launcher", text("title"));
    show("rewards", text("rewards"));
    show("join", text("join"));
    show("earn", earn || "");
  };

  form.addEventListener("input", render);
  form.addEventListener("change", render);
  render();
})();
