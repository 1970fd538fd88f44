// The print page's "Print" button (the page's policy allows no inline script).
(() => {
  "use strict";
  const button = document.getElementById("print-button");
  if (button) button.addEventListener("click", () => window.print());
})();
