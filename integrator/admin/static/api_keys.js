// The API keys page: once a new key is shown, the history entry becomes a plain GET of the list, so
// a reload shows the list (the key is not shown again) rather than sending the form again. Inside
// the Shopify admin the form is sent with fetch (members.js) and the address never changes.
(() => {
  "use strict";
  const form = document.querySelector("form[data-list-url]");
  if (document.body.dataset.embedded !== "true" && form && document.querySelector("[data-new-key]")) {
    window.history.replaceState(null, "", form.dataset.listUrl);
  }
})();
