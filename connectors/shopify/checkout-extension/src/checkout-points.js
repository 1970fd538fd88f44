// What Setia's checkout blocks (order summary: purchase.checkout.block.render; beside the discount
// field: purchase.checkout.reductions.render-after; Shopify Plus) show: what this order earns (the
// server's figure for the checkout's earning basis: GET APP_URL/checkout/shopify/estimate), the
// logged-in buyer's balance (GET .../me), the rewards they can use on it (GET .../program), and the
// outcome of redeeming one (POST .../redemptions, then the code applied with the checkout's
// discount-code API). Plain JavaScript with no Shopify import, so that `node --test` checks it as is.

export const TEXTS = {
  en: {
    heading: 'Your loyalty points',
    earns: (points) => `This order earns ${points}.`,
    guest: (points) => `Sign in to earn ${points} with this order.`,
    balance: (points) => `You have ${points}.`,
    pick: 'Use your points',
    choose: 'Choose a reward',
    use: 'Use points',
    option: (name, points) => `${name} · ${points}`,
    short: (name, points) => `${name} · ${points} (not enough points yet)`,
    minimum: (name, points) => `${name} · ${points} (for larger orders)`,
    applied: (code) => `Code ${code} applied to this order.`,
    manual: (code) => `Your code is ${code}: enter it in the discount field.`,
    low: 'Not enough points yet.',
    busy: 'Too many requests. Try again in a minute.',
    error: 'Your points cannot be used right now.',
    points: (count, formatted) => `${formatted} ${count === 1 ? 'point' : 'points'}`,
  },
  id: {
    heading: 'Poin loyalitas Anda',
    earns: (points) => `Pesanan ini mendapatkan ${points}.`,
    guest: (points) => `Masuk untuk mendapatkan ${points} dari pesanan ini.`,
    balance: (points) => `Poin Anda: ${points}.`,
    pick: 'Pakai poin Anda',
    choose: 'Pilih hadiah',
    use: 'Pakai poin',
    option: (name, points) => `${name} · ${points}`,
    short: (name, points) => `${name} · ${points} (poin belum cukup)`,
    minimum: (name, points) => `${name} · ${points} (untuk pesanan lebih besar)`,
    applied: (code) => `Kode ${code} terpasang pada pesanan ini.`,
    manual: (code) => `Kode Anda ${code}: masukkan di kolom kode diskon.`,
    low: 'Poin belum cukup.',
    busy: 'Terlalu banyak permintaan. Coba lagi sebentar lagi.',
    error: 'Poin Anda tidak dapat dipakai saat ini.',
    points: (count, formatted) => `${formatted} poin`,
  },
};

// A checkout changes its totals in bursts (quantities, codes, a shipping step): ask once it is quiet.
export const SETTLE_MS = 600;
// The store makes a redeemed code moments after Setia records it: try applying it again after these.
export const APPLY_RETRY_DELAYS = [1000, 2000, 4000, 8000];
const SCALE = 10000; // amounts to 4 decimals, as the estimate accepts them (whole numbers < 2^53)

function base(appUrl) {
  return `${String(appUrl).replace(/\/+$/, '')}/checkout/shopify`;
}

export const meUrl = (appUrl) => `${base(appUrl)}/me`;
export const programUrl = (appUrl) => `${base(appUrl)}/program`;
export const redemptionsUrl = (appUrl) => `${base(appUrl)}/redemptions`;
export const estimateUrl = (appUrl, basis) => `${base(appUrl)}/estimate?subtotal=${encodeURIComponent(basis)}`;

function scaled(amount) {
  const value = Number(amount);
  if (!Number.isFinite(value) || value < 0 || value > 1e11) return null;
  return Math.round(value * SCALE); // Money amounts are JSON numbers: exact ten-thousandths again
}

// The earning basis as text: the checkout's subtotal (its lines, after their own discounts) less the
// discounts on the whole cart, never below zero; null when the subtotal is not known.
export function basisOf(subtotal, cartDiscounts = []) {
  const total = scaled(subtotal);
  if (total === null) return null;
  let basis = total;
  for (const discount of cartDiscounts) {
    const off = scaled(discount);
    if (off !== null) basis -= off;
  }
  basis = Math.max(basis, 0);
  const fraction = String(basis % SCALE).padStart(4, '0').replace(/0+$/, '');
  return `${Math.floor(basis / SCALE)}${fraction ? `.${fraction}` : ''}`;
}

function formatPoints(count, language) {
  const formatted = new Intl.NumberFormat(language === 'id' ? 'id-ID' : 'en-US').format(count);
  return TEXTS[language].points(count, formatted);
}

function body(outcome, status = 200) {
  return outcome && outcome.status === status && outcome.body && typeof outcome.body === 'object' ? outcome.body : null;
}

function rewardOption(reward, texts, language, available, basis) {
  const points = formatPoints(reward.points_cost, language);
  const short = available < reward.points_cost;
  const below = reward.min_order != null && basis !== null && Number(reward.min_order) > Number(basis);
  const label = short ? texts.short : below ? texts.minimum : texts.option;
  return {id: reward.id, label: label(String(reward.name), points), disabled: short || below};
}

// What to show, from the answers so far ({status, body} as outcomeOf reads them, or null while not
// asked): {state, heading, lines, rewards: [{id, label, disabled}], canRedeem}. A guest (me 403)
// sees what an account would earn; nothing is shown when there is nothing to say.
export function checkoutView({language, estimate, me, program, basis, canApplyCodes = true}) {
  const lang = TEXTS[language] ? language : 'en';
  const texts = TEXTS[lang];
  const earned = body(estimate);
  const points = earned && Number.isInteger(earned.points) ? earned.points : 0;
  const buyer = body(me);
  const guest = me && me.status === 403;
  const lines = [];
  if (points > 0) lines.push((guest ? texts.guest : texts.earns)(formatPoints(points, lang)));
  const available = buyer && buyer.balances ? Number(buyer.balances.points_available) || 0 : 0;
  if (buyer && buyer.member) lines.push(texts.balance(formatPoints(available, lang)));
  const offered = body(program) && Array.isArray(program.body.rewards) ? program.body.rewards : [];
  const rewards = buyer ? offered.map((reward) => rewardOption(reward, texts, lang, available, basis)) : [];
  const canRedeem = canApplyCodes && rewards.some((reward) => !reward.disabled);
  if (!lines.length && !canRedeem) return {state: 'hidden', heading: texts.heading, lines, rewards: [], canRedeem};
  return {state: guest ? 'guest' : 'member', heading: texts.heading, lines, rewards, canRedeem};
}

// After POST .../redemptions: {code (or null), message, tone}. 409: not enough points; 429: busy.
export function redemptionView(outcome, language) {
  const texts = TEXTS[TEXTS[language] ? language : 'en'];
  const issued = body(outcome, 201);
  if (issued && issued.code) return {code: String(issued.code), message: null, tone: 'info'};
  if (outcome && outcome.status === 409) return {code: null, message: texts.low, tone: 'warning'};
  if (outcome && outcome.status === 429) return {code: null, message: texts.busy, tone: 'warning'};
  return {code: null, message: texts.error, tone: 'critical'};
}

// After applyDiscountCodeChange on try number `attempt` (0 first): {done, retryIn, message, tone}.
// The code may not exist on the store yet (the redemption answered `pending`): try again a few times,
// then tell the buyer the code to type in.
export function appliedView(result, code, language, attempt = 0) {
  const texts = TEXTS[TEXTS[language] ? language : 'en'];
  if (result && result.type === 'success') return {done: true, retryIn: null, message: texts.applied(code), tone: 'success'};
  if (attempt < APPLY_RETRY_DELAYS.length) return {done: false, retryIn: APPLY_RETRY_DELAYS[attempt], message: null, tone: 'info'};
  return {done: true, retryIn: null, message: texts.manual(code), tone: 'warning'};
}
