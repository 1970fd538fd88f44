/* Every text the widget shows, in English and Indonesian. The language: the script's data-locale
   (Shopify's storefront locale), else the page's <html lang>, else the shop's language, else English.
   A merchant may replace "title", "join" and "rewards" per language (settings: widget.texts). */
(function (S) {
  "use strict";

  const TEXTS = {
    en: {
      title: "Rewards", close: "Close", points: "{n} points", point: "{n} point", pending: "{n} pending",
      expires: "points expire on {d}", cashback: "Cashback: {v}", tier: "Tier: {t}", earn: "Ways to earn", rate: "{p} per {a} spent",
      rate_cashback: "{p}% cashback on every order", rate_days: "Points are yours {d} days after the order",
      rewards: "Spend your points", none: "No rewards yet.", redeem: "Redeem", low: "Not enough points yet.",
      code: "Your code", copy: "Copy", copied: "Copied", apply: "Apply at checkout",
      activating: "The store is activating this code; it works in a moment.", off: "{v} off",
      free_shipping: "Free shipping", min: "orders from {v}", until: "valid until {d}",
      history: "History", more: "Show more", empty: "Nothing yet.", unboxing: "Your thank-you coupon",
      use_cashback: "Use cashback", cashback_of: "{v} cashback", amount: "Amount", amount_range: "Choose an amount up to {v}.",
      confirm: "Spend {p} on {v}?", yes: "Yes, spend", cancel: "Cancel", my_codes: "My codes", no_codes: "No codes yet.", active: "ready to use", store_credit: "Your cashback is paid as store credit at checkout.",
      low_cashback: "Not enough cashback yet.", join: "Sign in or create an account to collect points.",
      sign_in: "Sign in", error: "Rewards are unavailable right now.",
      auth: "Please sign in again to see your points.", busy: "Too many requests. Try again in a minute.",
      cart: "You will earn {n} with this order.", cart_join: "Sign in to earn {n} with this order.", use_points: "Use your points",
      thanks: "You earned {n} with order {o}.", thanks_later: "Your points appear once the order is paid.",
      kinds: {earn: "Order", takeback: "Refund", redeem: "Reward", adjust: "Adjustment", expire: "Expired"},
    },
    id: {
      title: "Hadiah", close: "Tutup", points: "{n} poin", point: "{n} poin", pending: "{n} tertunda",
      expires: "poin hangus pada {d}", cashback: "Cashback: {v}", tier: "Level: {t}", earn: "Cara mendapatkan poin", rate: "{p} per belanja {a}",
      rate_cashback: "Cashback {p}% untuk setiap pesanan", rate_days: "Poin menjadi milik Anda {d} hari setelah pesanan",
      rewards: "Tukar poin Anda", none: "Belum ada hadiah.", redeem: "Tukar", low: "Poin belum cukup.",
      code: "Kode Anda", copy: "Salin", copied: "Tersalin", apply: "Pakai saat checkout",
      activating: "Toko sedang mengaktifkan kode ini; sebentar lagi bisa dipakai.", off: "Potongan {v}",
      free_shipping: "Gratis ongkir", min: "pesanan mulai {v}", until: "berlaku sampai {d}",
      history: "Riwayat", more: "Tampilkan lagi", empty: "Belum ada riwayat.", unboxing: "Kupon terima kasih Anda",
      use_cashback: "Pakai cashback", cashback_of: "cashback {v}", amount: "Jumlah", amount_range: "Pilih jumlah sampai {v}.",
      confirm: "Tukar {p} dengan {v}?", yes: "Ya, tukar", cancel: "Batal", my_codes: "Kode saya", no_codes: "Belum ada kode.", active: "siap dipakai", store_credit: "Cashback Anda dibayarkan sebagai kredit toko saat checkout.",
      low_cashback: "Cashback belum cukup.", join: "Masuk atau buat akun untuk mengumpulkan poin.",
      sign_in: "Masuk", error: "Hadiah sedang tidak tersedia.",
      auth: "Silakan masuk lagi untuk melihat poin Anda.", busy: "Terlalu banyak permintaan. Coba lagi sebentar lagi.",
      cart: "Anda akan mendapatkan {n} dari pesanan ini.", cart_join: "Masuk untuk mendapatkan {n} dari pesanan ini.", use_points: "Pakai poin Anda",
      thanks: "Anda mendapatkan {n} dari pesanan {o}.", thanks_later: "Poin Anda muncul setelah pesanan dibayar.",
      kinds: {earn: "Pesanan", takeback: "Pengembalian", redeem: "Hadiah", adjust: "Penyesuaian", expire: "Kedaluwarsa"},
    },
  };
  const OVERRIDABLE = ["title", "join", "rewards"];
  const supported = (code) => {
    const language = String(code || "").slice(0, 2).toLowerCase();
    return TEXTS[language] ? language : null;
  };

  S.language = (script, program) =>
    supported(script.dataset.locale) || supported(document.documentElement.lang) ||
    supported(program && program.language) || "en";

  // t(key, {n: 3}) → the text with its {placeholders} filled in.
  S.texts = (language, overrides) => {
    const table = Object.assign({}, TEXTS.en, TEXTS[language]);
    for (const key of OVERRIDABLE) {
      if (overrides && typeof overrides[key] === "string" && overrides[key].trim()) table[key] = overrides[key];
    }
    const t = (key, values) => String(table[key]).replace(/\{(\w)\}/g, (_, name) => (values || {})[name]);
    t.kind = (kind) => table.kinds[kind] || kind;
    return t;
  };
})(window.SetiaLoyalty);
