/* Numbers as the server shows them (integrator/loyalty/money.py display): the reader's language sets
   the separators; Rupiah as "Rp" without decimals ("Rp 10,000" in English, "Rp 10.000" in Indonesian),
   other currencies by Intl for the language ("$181.09", "US$181,09"). What a cart earns is the
   server's figure (cart.js asks GET .../estimate), never computed here. */
(function (S) {
  "use strict";

  S.money = (amount, currency, language) => {
    const value = Number(amount);
    if (!Number.isFinite(value)) return "";
    if (currency === "IDR") return "Rp " + S.number(Math.trunc(value), language);
    try {
      return new Intl.NumberFormat(language, {style: "currency", currency}).format(value);
    } catch (error) {
      return amount + " " + currency; // a currency code Intl does not know
    }
  };

  S.number = (value, language) => new Intl.NumberFormat(language).format(value);

  // No line break inside an amount ("Rp 10.000", "500 points"): a space next to a digit does not break.
  S.nb = (text) => String(text).replace(/ (?=\d)|(\d) /g, (space, digit) => (digit || "") + "\u00a0");

  // "181.09" → [18109n, 2]; null for anything but a plain non-negative decimal.
  const decimal = (text) => {
    const match = /^\s*(\d*)(?:\.(\d*))?\s*$/.exec(String(text == null ? "" : text));
    if (!match || !(match[1] || match[2])) return null;
    const fraction = match[2] || "";
    return [BigInt((match[1] || "0") + fraction), fraction.length];
  };
  const TEN = BigInt(10);

  // The earning rate in words a shopper reads: "0.001" per 1.00 → [1, 1000] (1 point per 1,000).
  S.rate = (perUnit) => {
    const r = decimal(perUnit);
    if (!r || !r[0]) return null;
    let [digits, scale] = r;
    let amount = 1;
    while (digits < TEN ** BigInt(scale) && scale > 0 && amount < 1e9) {
      scale -= 1;
      amount *= 10;
    }
    return [Number(digits) / 10 ** scale, amount];
  };

  // The earning rate as people say it, "1 point per Rp 1.000": the widget's ways to earn and the
  // settings page's preview (which loads this module), so both show the same words. null if invalid.
  S.rateText = (language, currency, perUnit) => {
    const rate = S.rate(perUnit);
    if (!rate) return null;
    const t = S.texts(language);
    return t("rate", {p: t(rate[0] === 1 ? "point" : "points", {n: S.number(rate[0], language)}), a: S.money(rate[1], currency, language)});
  };

  S.date = (iso, language) => {
    const when = new Date(iso);
    return isNaN(when) ? "" : new Intl.DateTimeFormat(language, {dateStyle: "medium"}).format(when);
  };
})(window.SetiaLoyalty);
