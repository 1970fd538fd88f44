/* Setia Loyalty at checkout. GPL-2.0-or-later.
   "You will earn N points" for the cart (as Setia will award it), the signed-in shopper's balance,
   and "Use your points": choose a reward the cart qualifies for, confirm, and the redeemed code is
   applied to the cart. Plain JavaScript on the globals WordPress and WooCommerce expose; no build step.
   - Cart and Checkout blocks: a fill of the order summary (wc.blocksCheckout.ExperimentalOrderMeta,
     registered with wp.plugins.registerPlugin, drawn with wp.element). Its data is the Store API
     cart's extensions.setia (the plugin's includes/checkout.php), which WooCommerce sends again with
     every cart change; codes are applied with wp.data.dispatch("wc/store/cart").applyCoupon.
   - Classic checkout: the plugin prints [data-setia-checkout] and its state
     (.setia-loyalty-checkout-state, replaced by WooCommerce's order review fragments after every
     refresh); codes go to the plugin's wc-ajax handler, then the checkout refreshes its totals.
   Setia's widget API: GET /estimate?subtotal= (what the cart earns), GET /me (balance),
   GET /program (rewards), POST /redemptions {reward_id}. Nothing here may break the checkout:
   every failure ends as a quiet message or as nothing. */
(function () {
  "use strict";
  if (window.setiaLoyaltyCheckoutLoaded) return; // one copy, whichever handle loaded it
  window.setiaLoyaltyCheckoutLoaded = true;

  var DEBOUNCE_MS = 400; // one estimate per pause in the cart's changes, not one per click
  var APPLY_RETRY_MS = [1500, 3000, 5000, 8000]; // a `pending` code: the store is still making it

  var config = function () {
    var blocks = window.wc && window.wc.wcSettings && window.wc.wcSettings.getSetting;
    return (blocks && window.wc.wcSettings.getSetting("setia-loyalty_data", null)) || window.setiaLoyaltyCheckout || {};
  };

  var fill = function (template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  };

  var h = function (tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "onclick") node.addEventListener("click", attributes[key]);
      else if (attributes[key] !== null && attributes[key] !== false) node.setAttribute(key, attributes[key]);
    });
    for (var i = 2; i < arguments.length; i += 1) {
      if (arguments[i] !== null && arguments[i] !== false && arguments[i] !== undefined) node.append(arguments[i]);
    }
    return node;
  };

  var sleep = function (ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  };

  // Amounts as Setia shows them: Rupiah without decimals ("Rp 10.000"), other currencies by Intl.
  var money = function (amount, currency, language) {
    var value = Number(amount);
    if (!isFinite(value)) return "";
    if (currency === "IDR") return "Rp\u00a0" + new Intl.NumberFormat("id").format(Math.trunc(value));
    try {
      return new Intl.NumberFormat(language, {style: "currency", currency: currency}).format(value);
    } catch (error) {
      return amount + " " + currency;
    }
  };

  // A little spacing; colours, fonts and buttons are the theme's.
  var STYLE = ".setia-loyalty p{margin:.25em 0}.setia-loyalty button{margin:.25em .5em .25em 0}" +
    ".setia-loyalty-rewards{list-style:none;margin:.25em 0;padding:0}";
  var styled = function () {
    if (document.getElementById("setia-loyalty-checkout-style")) return;
    document.head.append(h("style", {id: "setia-loyalty-checkout-style"}, STYLE));
  };

  // One element: draws into `root`, asks Setia, applies codes with `applyCode(code)` → {ok, reason}.
  var element = function (root, applyCode) {
    styled();
    var settings = config();
    var t = settings.texts || {};
    var language = settings.language || "en";
    var points = function (n) {
      return fill(n === 1 ? t.point : t.points, {n: new Intl.NumberFormat(language).format(n)});
    };
    var state = {data: null, estimate: null, balances: null, rewards: null, step: "idle", chosen: null, message: ""};
    var timer = null;
    var asked = 0;
    var basisAsked = null;
    var estimates = {};
    var stopped = false;

    var call = function (path, body) {
      var data = state.data;
      var url;
      try {
        url = new URL(data.widget_api + path);
      } catch (error) {
        return Promise.resolve({status: 0, body: {}});
      }
      if (data.customer && path.indexOf("/program") !== 0) {
        ["customer", "ts", "sig"].forEach(function (key) { url.searchParams.set(key, data.customer[key]); });
      }
      var options = {credentials: "omit"};
      if (body) options = {credentials: "omit", method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
      return fetch(url, options).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          return {status: response.status, body: answer || {}};
        });
      }, function () { return {status: 0, body: {}}; });
    };

    var problem = function (answer, own) {
      return (own && own[answer.status]) || (answer.status === 401 ? t.auth : answer.status === 429 ? t.busy : t.error);
    };

    // The rewards this cart can take now: affordable, its minimum spend met, free shipping only
    // for a cart that ships.
    var qualifying = function () {
      var data = state.data;
      var balance = state.balances ? state.balances.points_available : 0;
      return (state.rewards || []).filter(function (reward) {
        if (reward.points_cost > balance) return false;
        if (reward.min_order !== null && reward.min_order !== undefined && Number(reward.min_order) > Number(data.subtotal)) return false;
        return reward.kind !== "free_shipping" || data.needs_shipping;
      });
    };

    var signInLink = function () {
      if (!settings.sign_in_url) return null;
      var url = new URL(settings.sign_in_url, location.href);
      url.searchParams.set("redirect_to", location.href);
      return h("a", {class: "setia-loyalty-sign-in", href: url.href}, t.sign_in);
    };

    var earnLine = function () {
      var estimate = state.estimate;
      if (!estimate || !(estimate.points > 0)) return null;
      var p = points(estimate.points);
      if (!state.data.customer) return h("p", {class: "setia-loyalty-earn"}, fill(t.guest, {points: p}), " ", signInLink());
      var cashback = Number(estimate.cashback) > 0 ? money(estimate.cashback, estimate.currency, language) : "";
      return h("p", {class: "setia-loyalty-earn"}, cashback ? fill(t.earn_cash, {points: p, cashback: cashback}) : fill(t.earn, {points: p}));
    };

    var choose = function () {
      var rewards = qualifying();
      var back = h("button", {type: "button", class: "setia-loyalty-cancel", onclick: function () { go("idle"); }}, t.cancel);
      if (!rewards.length) return [h("p", {}, t.none), back];
      var list = h("ul", {class: "setia-loyalty-rewards", "aria-label": t.choose});
      rewards.forEach(function (reward) {
        list.append(h("li", {}, h("button", {type: "button", class: "setia-loyalty-reward", onclick: function () { state.chosen = reward; go("confirm"); }},
          reward.name + " · " + points(reward.points_cost))));
      });
      return [h("p", {}, t.choose), list, back];
    };

    var confirmStep = function () {
      var reward = state.chosen;
      return [
        h("p", {class: "setia-loyalty-confirm"}, fill(t.confirm, {points: points(reward.points_cost), reward: reward.name})),
        h("button", {type: "button", class: "setia-loyalty-yes wp-element-button button", onclick: function () { redeem(reward); }}, t.yes),
        " ",
        h("button", {type: "button", class: "setia-loyalty-cancel", onclick: function () { go("idle"); }}, t.cancel),
      ];
    };

    var memberPart = function () {
      if (!state.data.customer || !state.balances) return [];
      var parts = [h("p", {class: "setia-loyalty-balance"}, fill(t.balance, {points: points(state.balances.points_available)}))];
      if (state.step === "choose") return parts.concat(choose());
      if (state.step === "confirm") return parts.concat(confirmStep());
      if (state.step === "working") return parts.concat([h("p", {class: "setia-loyalty-working"}, t.working)]);
      if (state.balances.points_available > 0 && (state.rewards || []).length) {
        parts.push(h("button", {type: "button", class: "setia-loyalty-use wp-element-button button", onclick: function () { go("choose"); }}, t.use));
      }
      return parts;
    };

    // Redrawn whole; keyboard users stay in the element: on the same button again, or on the first
    // one of a new step (the status line when a step has none).
    var draw = function (newStep) {
      if (stopped) return;
      if (!state.data || !state.data.widget_api) {
        root.replaceChildren();
        return;
      }
      var box = h("div", {class: "setia-loyalty"}, earnLine());
      memberPart().forEach(function (part) { box.append(part); });
      box.append(h("p", {class: "setia-loyalty-message", role: "status", "aria-live": "polite", tabindex: "-1"}, state.message));
      var active = document.activeElement;
      var inside = root.contains(active);
      var same = inside && !newStep && active.classList.length ? "." + active.classList[0] : null;
      root.replaceChildren(box);
      if (!inside) return;
      var target = (same && box.querySelector(same)) || box.querySelector("button") || box.querySelector(".setia-loyalty-message");
      target.focus();
    };

    var go = function (step) {
      state.step = step;
      if (step !== "idle") state.message = "";
      draw(true);
    };

    var estimate = function (basis) {
      var ticket = (asked += 1);
      call("/estimate?subtotal=" + encodeURIComponent(basis)).then(function (answer) {
        if (ticket !== asked) return; // a newer cart is being asked about
        state.estimate = answer.status === 200 ? answer.body : null;
        if (answer.status === 200) estimates[basis] = answer.body;
        draw();
      });
    };

    var askEstimate = function (basis) {
      if (basis === basisAsked) return;
      basisAsked = basis;
      clearTimeout(timer);
      if (estimates[basis]) {
        state.estimate = estimates[basis];
        return;
      }
      timer = setTimeout(function () { estimate(basis); }, DEBOUNCE_MS);
    };

    var loadMember = function () {
      Promise.all([call("/me"), call("/program")]).then(function (answers) {
        if (answers[0].status === 200) state.balances = answers[0].body.balances;
        else state.message = problem(answers[0]);
        if (answers[1].status === 200) state.rewards = answers[1].body.rewards || [];
        draw();
      });
    };

    var applyWithRetries = function (code, pending, attempt) {
      return Promise.resolve(applyCode(code)).then(function (result) {
        if (result.ok || !pending || attempt >= APPLY_RETRY_MS.length) return result;
        return sleep(APPLY_RETRY_MS[attempt]).then(function () { return applyWithRetries(code, pending, attempt + 1); });
      });
    };

    var redeem = function (reward) {
      go("working");
      call("/redemptions", {reward_id: reward.id}).then(function (answer) {
        if (answer.status !== 201) {
          state.step = "idle";
          state.message = problem(answer, {409: t.low});
          return draw();
        }
        if (answer.body.balances) state.balances = answer.body.balances;
        var code = answer.body.code;
        var pending = answer.body.status === "pending";
        return applyWithRetries(code, pending, 0).then(function (result) {
          state.step = "idle";
          if (result.ok) state.message = fill(t.applied, {code: code});
          else if (pending) state.message = fill(t.activating, {code: code});
          else state.message = fill(t.not_applied, {code: code, reason: result.reason || t.error});
          draw();
        });
      });
    };

    return {
      update: function (data) {
        if (stopped || !data || !data.widget_api) return;
        var first = !state.data;
        state.data = data;
        if (first && data.customer) loadMember();
        askEstimate(String(data.basis));
        draw();
      },
      stop: function () {
        stopped = true;
        clearTimeout(timer);
      },
    };
  };

  // --- Cart and Checkout blocks --------------------------------------------------------------------
  var blocksApply = function (code) {
    return window.wp.data.dispatch("wc/store/cart").applyCoupon(code).then(
      function () { return {ok: true}; },
      function (error) { return {ok: false, reason: (error && error.message) || ""}; }
    );
  };

  var registerBlocks = function () {
    var wp = window.wp;
    var wc = window.wc;
    if (!(wp && wp.plugins && wp.element && wp.data && wc && wc.blocksCheckout && wc.blocksCheckout.ExperimentalOrderMeta)) return;
    var el = wp.element;
    var Fill = function (props) {
      var ref = el.useRef(null);
      var controller = el.useRef(null);
      el.useEffect(function () {
        controller.current = element(ref.current, blocksApply);
        return function () { controller.current.stop(); };
      }, []);
      var data = props.extensions && props.extensions.setia;
      el.useEffect(function () { controller.current.update(data); }, [data]);
      return el.createElement("div", {ref: ref, className: "wc-block-components-totals-wrapper setia-loyalty-checkout"});
    };
    wp.plugins.registerPlugin("setia-loyalty", {
      scope: "woocommerce-checkout",
      render: function () {
        return el.createElement(wc.blocksCheckout.ExperimentalOrderMeta, null, el.createElement(Fill, null));
      },
    });
  };

  // --- Classic checkout -----------------------------------------------------------------------------
  var classicApply = function (code) {
    var settings = config();
    var body = new URLSearchParams({security: settings.apply_nonce || "", code: code});
    return fetch(settings.apply_url, {method: "POST", credentials: "same-origin", body: body})
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (!(answer && answer.success)) return {ok: false, reason: (answer && answer.data && answer.data.message) || ""};
        if (window.jQuery) window.jQuery(document.body).trigger("update_checkout"); // the totals show the discount
        return {ok: true};
      })
      .catch(function () { return {ok: false, reason: ""}; });
  };

  var classicState = function () {
    var node = document.querySelector(".setia-loyalty-checkout-state");
    try {
      return node ? JSON.parse(node.getAttribute("data-state")) : null;
    } catch (error) {
      return null;
    }
  };

  var startClassic = function () {
    var root = document.querySelector("[data-setia-checkout]");
    if (!root) return;
    var controller = element(root, classicApply);
    controller.update(classicState());
    if (window.jQuery) {
      window.jQuery(document.body).on("updated_checkout", function () { controller.update(classicState()); });
    }
  };

  try {
    registerBlocks();
  } catch (error) {
    if (window.console) console.warn("Setia checkout:", error);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startClassic, {once: true});
  else startClassic();
})();
