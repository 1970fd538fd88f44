/* Setia storefront widget: a launcher and a panel in a shadow root (theme CSS cannot reach it, and
   it cannot reach the theme). Embedding (CONTRACT.md):
   <script src="APP_URL/widgets/loyalty.js" data-shop="PUBLIC_ID" data-customer="ID" data-ts="TS" data-sig="SIG" defer></script>
   One API call when it mounts (`me` for a signed-in shopper, else `program`); the rest on demand. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.shop || window.SetiaLoyalty) return;
  var api = new URL(script.src).origin + "/widget/v1/" + encodeURIComponent(script.dataset.shop);
  var who = script.dataset.customer && script.dataset.sig
    ? "?" + new URLSearchParams({customer: script.dataset.customer, ts: script.dataset.ts || "", sig: script.dataset.sig})
    : null;
  var TEXTS = {
    en: {title: "Rewards", points: "points", pending: "pending", cashback: "Cashback", rewards: "Spend your points",
         redeem: "Redeem", code: "Your code", join: "Sign in or create an account to collect points.",
         none: "No rewards yet.", low: "Not enough points yet.", error: "Rewards are unavailable right now.",
         close: "Close", earn: "Earn {n} points per 1.00 spent."},
    id: {title: "Hadiah", points: "poin", pending: "tertunda", cashback: "Cashback", rewards: "Tukar poin Anda",
         redeem: "Tukar", code: "Kode Anda", join: "Masuk atau buat akun untuk mengumpulkan poin.",
         none: "Belum ada hadiah.", low: "Poin belum cukup.", error: "Hadiah sedang tidak tersedia.",
         close: "Tutup", earn: "Dapatkan {n} poin per 1,00 belanja."}
  };
  var lang = (document.documentElement.lang || "en").slice(0, 2).toLowerCase() === "id" ? "id" : "en";
  var t = function (key) { return (TEXTS[lang] || TEXTS.en)[key]; };
  var CSS = ":host{all:initial}*{box-sizing:border-box;font:14px/1.4 system-ui,sans-serif}" +
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;border:0;border-radius:24px;" +
    "padding:10px 16px;background:var(--setia-accent,#0f766e);color:#fff;cursor:pointer}" +
    ".panel{position:fixed;right:16px;bottom:64px;z-index:2147483000;width:300px;max-height:70vh;overflow:auto;" +
    "background:#fff;color:#111;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.2);padding:16px}" +
    ".panel[hidden]{display:none}h2{font-size:16px;font-weight:600;margin:0 0 8px}.big{font-size:24px;font-weight:700}" +
    "ul{list-style:none;padding:0;margin:8px 0}li{display:flex;justify-content:space-between;gap:8px;padding:6px 0}" +
    "button{cursor:pointer}.msg{color:#555}.code{font-family:monospace;font-size:16px;font-weight:700}";

  var host = document.createElement("div");
  host.id = "setia-loyalty";
  var root = host.attachShadow({mode: "open"});
  root.innerHTML = "<style>" + CSS + "</style>" +
    '<button class="launcher" aria-expanded="false" aria-controls="panel"></button>' +
    '<section class="panel" id="panel" role="dialog" hidden><h2></h2><div class="me"></div>' +
    '<h2 class="rw"></h2><ul></ul><p class="msg" role="status" aria-live="polite"></p></section>';
  var $ = function (sel) { return root.querySelector(sel); };
  $(".launcher").textContent = t("title");
  $("h2").textContent = t("title");
  $(".rw").textContent = t("rewards");

  function call(path, options) {
    return fetch(api + path + (who || ""), Object.assign({credentials: "omit"}, options || {}))
      .then(function (r) { return r.json().then(function (body) { return {status: r.status, body: body}; }); });
  }
  function quiet(text) { $(".msg").textContent = text; }
  function showMe(me) {
    var box = $(".me");
    box.textContent = "";
    var big = document.createElement("p");
    big.className = "big";
    big.textContent = me.balances.points_available.toLocaleString(lang) + " " + t("points");
    box.appendChild(big);
    var more = document.createElement("p");
    more.textContent = me.balances.points_pending + " " + t("pending") + " · " + t("cashback") + " " +
      me.display.cashback_available;
    box.appendChild(more);
    $(".launcher").textContent = t("title") + " · " + me.balances.points_available.toLocaleString(lang);
  }
  function showProgram(program) {
    if (program.language) lang = program.language.slice(0, 2) === "id" ? "id" : lang;
    if (!who) $(".me").textContent = t("join") + " " + t("earn").replace("{n}", program.earning.points_per_unit);
    var list = $("ul");
    list.textContent = "";
    if (!program.rewards.length) quiet(t("none"));
    program.rewards.forEach(function (reward) {
      var item = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = reward.name + " — " + reward.points_cost + " " + t("points");
      item.appendChild(name);
      if (who) {
        var button = document.createElement("button");
        button.textContent = t("redeem");
        button.addEventListener("click", function () { redeem(reward.id, button); });
        item.appendChild(button);
      }
      list.appendChild(item);
    });
  }
  function redeem(id, button) {
    button.disabled = true;
    call("/redemptions", {method: "POST", headers: {"Content-Type": "application/json"},
                          body: JSON.stringify({reward_id: id})})
      .then(function (r) {
        button.disabled = false;
        if (r.status === 201) {
          var code = document.createElement("span");
          code.className = "code";
          code.textContent = r.body.code;
          $(".msg").textContent = t("code") + ": ";
          $(".msg").appendChild(code);
          call("/me").then(function (m) { if (m.status === 200) showMe(m.body); });
        } else quiet(r.status === 409 ? t("low") : t("error"));
      })
      .catch(function () { button.disabled = false; quiet(t("error")); });
  }
  var loadedProgram = false;
  $(".launcher").addEventListener("click", function () {
    var panel = $(".panel");
    panel.hidden = !panel.hidden;
    $(".launcher").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden && !loadedProgram) {
      loadedProgram = true;
      call("/program").then(function (r) { if (r.status === 200) showProgram(r.body); else quiet(t("error")); })
        .catch(function () { quiet(t("error")); });
    }
  });
  function mount() {
    document.body.appendChild(host);
    if (who) {
      call("/me").then(function (r) { if (r.status === 200) showMe(r.body); else quiet(t("error")); })
        .catch(function () { quiet(t("error")); });
    }
  }
  window.SetiaLoyalty = {version: 1};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount); else mount();
})();
