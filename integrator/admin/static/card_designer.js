// The settings page's card designer: the card preview follows the colour and the message (in the
// shop's language) as the merchant types; the logo is uploaded as a file (multipart) and shown.
(() => {
  "use strict";
  const preview = document.getElementById("card-preview");
  const form = document.getElementById("settings-form");
  if (!preview || !form) return;
  const language = preview.dataset.language;
  const field = (name) => form.querySelector(`[name="${name}"]`);
  const render = () => {
    const colour = field("unboxing.card_accent");
    if (colour && /^#[0-9a-fA-F]{6}$/.test(colour.value)) preview.style.setProperty("--card-accent", colour.value);
    const message = field(`unboxing.card_message_${language}`);
    const text = (message && message.value.trim()) || preview.getAttribute(`data-message-${language}`);
    preview.querySelector("[data-card-preview=message]").textContent = text;
  };
  form.addEventListener("input", render);
  form.addEventListener("change", render);
  render();

  const logoForm = document.getElementById("logo-form");
  if (!logoForm) return;
  logoForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const headers = { Accept: "application/json" };
    const csrf = logoForm.querySelector("input[name=csrf_token]");
    if (csrf) headers["X-CSRF-Token"] = csrf.value;
    if (window.shopify && typeof window.shopify.idToken === "function") {
      headers.Authorization = `Bearer ${await window.shopify.idToken()}`;
    }
    const response = await fetch(logoForm.action, {
      method: "POST", headers, body: new FormData(logoForm), credentials: "same-origin",
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      window.SetiaAdmin.showErrors(logoForm, answer.details || { logo: [answer.error || "?"] });
      return;
    }
    window.SetiaAdmin.showErrors(logoForm, {});
    let img = document.getElementById("card-preview-logo");
    if (!img) {
      img = document.createElement("img");
      img.id = "card-preview-logo";
      img.alt = "";
      preview.querySelector(".card-preview-head").prepend(img);
    }
    img.src = answer.logo_url;
  });
})();
