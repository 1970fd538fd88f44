// What Setia's thank-you / order-status block shows for an answer of
// GET APP_URL/checkout/shopify/orders/<order id> (integrator/shopify_checkout.py): points earned,
// pending points, the unboxing code, "not processed yet" with retries, and quiet errors, in English
// or Indonesian. Plain JavaScript with no Shopify import, so that `node --test` checks it as is.

export const TEXTS = {
  en: {
    heading: 'Your loyalty points',
    earned: (points) => `You earned ${points} with this order.`,
    pending: (points) => `${points} of them are still pending.`,
    cashback: (amount) => `Cashback: ${amount}`,
    unpaid: 'You will earn points once the order is paid.',
    processing: 'Adding up your points…',
    later: 'Your points will appear in your account shortly.',
    guest: 'Sign in or create an account next time to earn points on your orders.',
    error: 'Your points cannot be shown right now.',
    code: 'Your code for your next order:',
    codePending: 'Your code for your next order is on its way.',
    points: (count, formatted) => `${formatted} ${count === 1 ? 'point' : 'points'}`,
  },
  id: {
    heading: 'Poin loyalitas Anda',
    earned: (points) => `Anda mendapatkan ${points} dari pesanan ini.`,
    pending: (points) => `${points} di antaranya masih tertunda.`,
    cashback: (amount) => `Cashback: ${amount}`,
    unpaid: 'Anda akan mendapatkan poin setelah pesanan dibayar.',
    processing: 'Sedang menghitung poin Anda…',
    later: 'Poin Anda akan segera muncul di akun Anda.',
    guest: 'Masuk atau buat akun lain kali untuk mendapatkan poin dari pesanan Anda.',
    error: 'Poin Anda tidak dapat ditampilkan saat ini.',
    code: 'Kode untuk pesanan berikutnya:',
    codePending: 'Kode untuk pesanan berikutnya sedang disiapkan.',
    points: (count, formatted) => `${formatted} poin`,
  },
};

// The webhook that earns the points may land after the buyer reaches the thank-you page: ask again
// after these waits (ms), then say the points will show up later.
export const RETRY_DELAYS = [2000, 4000, 8000, 15000, 30000];
const MAX_RETRY_AFTER = 60000;

export const NETWORK_ERROR = {status: 0, body: null, retryAfter: null};

export function languageOf(isoCode) {
  const tag = String(isoCode || '').toLowerCase();
  return tag === 'id' || tag.startsWith('id-') ? 'id' : 'en';
}

// The numeric id Setia knows the order by, from the extension's gid: the thank-you page gives
// gid://shopify/OrderIdentity/<id>, the order-status page gid://shopify/Order/<id>.
export function orderIdOf(gid) {
  const match = /^gid:\/\/shopify\/(?:Order|OrderIdentity)\/(\d{1,20})(?:\?.*)?$/.exec(String(gid || ''));
  return match ? match[1] : null;
}

export function orderUrl(appUrl, orderId) {
  return `${String(appUrl).replace(/\/+$/, '')}/checkout/shopify/orders/${encodeURIComponent(orderId)}`;
}

// A fetch() Response as {status, body, retryAfter (seconds or null)}; a body that is not JSON is null.
export async function outcomeOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  const header = response.headers && response.headers.get ? response.headers.get('Retry-After') : null;
  const seconds = Number.parseInt(header || '', 10);
  return {status: response.status, body, retryAfter: Number.isFinite(seconds) ? seconds : null};
}

function formatPoints(count, language) {
  const formatted = new Intl.NumberFormat(language === 'id' ? 'id-ID' : 'en-US').format(count);
  return TEXTS[language].points(count, formatted);
}

function retry(attempt) {
  return attempt < RETRY_DELAYS.length ? RETRY_DELAYS[attempt] : null;
}

function view(state, language, lines, extra = {}) {
  return {state, heading: TEXTS[language].heading, lines, code: null, retryIn: null, ...extra};
}

function earnedLines(body, texts, language) {
  const points = Number.isInteger(body.points) ? body.points : 0;
  const pending = Number.isInteger(body.points_pending) ? body.points_pending : 0;
  if (points <= 0) {
    return [];
  }
  const lines = [texts.earned(formatPoints(points, language))];
  if (pending > 0) {
    lines.push(texts.pending(formatPoints(pending, language)));
  }
  if (typeof body.cashback_display === 'string' && /[1-9]/.test(body.cashback_display)) {
    lines.push(texts.cashback(body.cashback_display));
  }
  return lines;
}

function answered(body, language, attempt) {
  const texts = TEXTS[language];
  if (!body || typeof body !== 'object') {
    return view('error', language, [texts.error]);
  }
  const lines = body.status === 'unpaid' ? [texts.unpaid] : earnedLines(body, texts, language);
  const coupon = body.unboxing && typeof body.unboxing === 'object' ? body.unboxing : null;
  let code = null;
  let retryIn = null;
  if (coupon && coupon.status === 'active' && coupon.code) {
    lines.push(texts.code);
    code = String(coupon.code);
  } else if (coupon && coupon.status === 'pending') {
    lines.push(texts.codePending);
    retryIn = retry(attempt); // ask again until the store has made the code
  }
  if (lines.length === 0) {
    return view('hidden', language, []); // void, test or zero-point orders: nothing to celebrate
  }
  return view(body.status === 'unpaid' ? 'unpaid' : 'earned', language, lines, {code, retryIn});
}

// What to show for `outcome` (outcomeOf, or NETWORK_ERROR when fetch threw) on try number `attempt`
// (0 first): {state, heading, lines, code, retryIn (ms until asking again, or null)}.
export function viewOf(outcome, language, attempt = 0) {
  const lang = TEXTS[language] ? language : 'en';
  const texts = TEXTS[lang];
  const status = outcome ? outcome.status : 0;
  if (status === 200) {
    return answered(outcome.body, lang, attempt);
  }
  if (status === 404) {
    const retryIn = retry(attempt);
    return view(retryIn === null ? 'later' : 'processing', lang, [retryIn === null ? texts.later : texts.processing], {
      retryIn,
    });
  }
  if (status === 403) {
    return view('guest', lang, [texts.guest]);
  }
  if (status === 429 && retry(attempt) !== null) {
    const wait = outcome.retryAfter ? Math.min(outcome.retryAfter * 1000, MAX_RETRY_AFTER) : retry(attempt);
    return view('processing', lang, [texts.processing], {retryIn: wait});
  }
  if ((status === 0 || status >= 500) && retry(attempt) !== null) {
    return view('processing', lang, [texts.processing], {retryIn: retry(attempt)});
  }
  return view('error', lang, [texts.error]); // 401, other refusals, or still failing
}
