// The "Unboxing cards" page: select every card; "Mark selected as printed" as a fetch (inside the
// Shopify admin a form post has no session token), then the list again with the count.
(() => {
  "use strict";
  const form = document.getElementById("cards-form");
  if (!form) return;
  const boxes = () => [...form.querySelectorAll("input[name=card]")];
  const all = document.getElementById("select-all");
  if (all) all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
  form.addEventListener("submit", async (event) => {
    if (!event.submitter || event.submitter.id !== "mark-printed") return;
    event.preventDefault();
    const value = (name) => form.querySelector(`input[name=${name}]`).value;
    const card = boxes().filter((box) => box.checked).map((box) => box.value);
    const answer = await window.SetiaAdmin.send("POST", event.submitter.formAction, { card, from: value("from"), to: value("to") });
    if (!answer.ok) return;
    const query = new URLSearchParams({ from: value("from"), to: value("to"), marked: String(answer.body.marked) });
    window.SetiaAdmin.go(`${window.location.pathname}?${query}`);
  });
})();
