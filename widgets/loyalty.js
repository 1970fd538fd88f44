/* Setia storefront widget loader (CONTRACT.md):
   <script src="APP_URL/widgets/loyalty.js" data-shop="PUBLIC_ID" data-customer="ID" data-ts="TS" data-sig="SIG" defer></script>
   (or data-proxy="/apps/setia" on Shopify). Served with a short cache lifetime; it loads the
   versioned bundle (the server writes its content hash into the URL below), cached for a year, once
   the page has loaded: a script added earlier would hold back the page's own load event. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.shop || window.SetiaLoyalty) return;
  window.SetiaLoyalty = {script: script};
  function load() {
    var bundle = document.createElement("script");
    bundle.src = new URL("v/%VERSION%/widget.js", script.src).href;
    bundle.async = true;
    (document.head || document.documentElement).appendChild(bundle);
  }
  if (document.readyState === "complete") load();
  else window.addEventListener("load", load, {once: true});
})();
