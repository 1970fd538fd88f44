// The dashboard's date filter inside the Shopify admin: an embedded page is signed in by the id_token
// in its URL, so the filter navigates through SetiaAdmin.go (a fresh token) instead of a plain GET.
// Outside Shopify the form submits as it is (the cookie session signs it in).
(() => {
  "use strict";
  const form = document.querySelector("form.range");
  if (!form || !window.SetiaAdmin || !window.SetiaAdmin.embedded) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const target = new URL(form.getAttribute("action"), window.location.href);
    for (const [name, value] of new FormData(form)) {
      if (value) target.searchParams.set(name, value);
    }
    window.SetiaAdmin.go(target.pathname + target.search);
  });
})();
