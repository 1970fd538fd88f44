// node --test connectors/shopify/checkout-extension/src/loyalty-answer.test.js (run by pytest:
// tests/unit/test_shopify_checkout_extension.py). Answers in the shape integrator/shopify_checkout.py sends.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {
  NETWORK_ERROR,
  RETRY_DELAYS,
  TEXTS,
  languageOf,
  orderIdOf,
  orderUrl,
  outcomeOf,
  viewOf,
} from './loyalty-answer.js';

function answer(changes = {}) {
  return {
    status: 200,
    retryAfter: null,
    body: {
      order_id: '1073459981',
      name: '#1002',
      status: 'paid',
      points: 181,
      points_pending: 0,
      cashback_display: '$3.62',
      unboxing: null,
      ...changes,
    },
  };
}

const coupon = (status) => ({
  code: 'SETIA-ABCD-EFGH',
  status,
  value_type: 'percentage',
  value: '10',
  expires_at: null,
  order_name: '#1002',
});

test('a paid order shows the points it earned and its cashback', () => {
  const view = viewOf(answer(), 'en');
  assert.equal(view.state, 'earned');
  assert.equal(view.heading, 'Your loyalty points');
  assert.deepEqual(view.lines, ['You earned 181 points with this order.', 'Cashback: $3.62']);
  assert.equal(view.code, null);
  assert.equal(view.retryIn, null);
});

test('one point is singular, thousands are grouped by locale', () => {
  assert.equal(viewOf(answer({points: 1, cashback_display: '$0.00'}), 'en').lines[0], 'You earned 1 point with this order.');
  const indonesian = viewOf(answer({points: 12500, cashback_display: 'Rp 0'}), 'id');
  assert.deepEqual(indonesian.lines, ['Anda mendapatkan 12.500 poin dari pesanan ini.']);
});

test('pending points are said to be pending', () => {
  const view = viewOf(answer({points: 181, points_pending: 181}), 'en');
  assert.deepEqual(view.lines.slice(0, 2), ['You earned 181 points with this order.', '181 points of them are still pending.']);
});

test('an active unboxing code is shown; a pending one is announced and asked for again', () => {
  const active = viewOf(answer({unboxing: coupon('active')}), 'en');
  assert.equal(active.code, 'SETIA-ABCD-EFGH');
  assert.ok(active.lines.includes('Your code for your next order:'));
  assert.equal(active.retryIn, null);

  const pending = viewOf(answer({unboxing: coupon('pending')}), 'id', 0);
  assert.equal(pending.code, null);
  assert.ok(pending.lines.includes('Kode untuk pesanan berikutnya sedang disiapkan.'));
  assert.equal(pending.retryIn, RETRY_DELAYS[0]);
  assert.equal(viewOf(answer({unboxing: coupon('pending')}), 'en', RETRY_DELAYS.length).retryIn, null);

  const failed = viewOf(answer({unboxing: coupon('failed')}), 'en');
  assert.equal(failed.code, null);
  assert.ok(!failed.lines.some((line) => line.includes('code')));
});

test('an unpaid (cash on delivery) order says points come with payment', () => {
  const view = viewOf(answer({status: 'unpaid', points: 0, cashback_display: '$0.00'}), 'en');
  assert.equal(view.state, 'unpaid');
  assert.deepEqual(view.lines, ['You will earn points once the order is paid.']);
});

test('a cancelled, test or zero-point order shows nothing', () => {
  for (const status of ['void', 'test']) {
    assert.equal(viewOf(answer({status, points: 0, cashback_display: '$0.00'}), 'en').state, 'hidden');
  }
  assert.equal(viewOf(answer({points: 0, cashback_display: '$0.00'}), 'en').state, 'hidden');
  // ...unless it still carries a code for next time.
  assert.equal(viewOf(answer({points: 0, unboxing: coupon('active')}), 'en').code, 'SETIA-ABCD-EFGH');
});

test('an order Setia has not processed yet is asked for again, with growing waits, then deferred', () => {
  const waits = RETRY_DELAYS.map((_, attempt) => viewOf({status: 404, body: null}, 'en', attempt));
  assert.deepEqual(
    waits.map((view) => view.retryIn),
    RETRY_DELAYS,
  );
  assert.ok(waits.every((view) => view.state === 'processing' && view.lines[0] === 'Adding up your points…'));
  const last = viewOf({status: 404, body: null}, 'id', RETRY_DELAYS.length);
  assert.equal(last.state, 'later');
  assert.equal(last.retryIn, null);
  assert.deepEqual(last.lines, ['Poin Anda akan segera muncul di akun Anda.']);
});

test('a guest buyer is invited to sign in', () => {
  const view = viewOf({status: 403, body: {error: 'no logged-in customer'}}, 'en');
  assert.equal(view.state, 'guest');
  assert.equal(view.retryIn, null);
});

test('401 is a quiet error, never retried', () => {
  const view = viewOf({status: 401, body: {error: 'invalid session token'}}, 'id');
  assert.equal(view.state, 'error');
  assert.deepEqual(view.lines, ['Poin Anda tidak dapat ditampilkan saat ini.']);
  assert.equal(view.retryIn, null);
});

test('429 waits as long as Retry-After says (capped), network and 5xx errors retry, then give up', () => {
  assert.equal(viewOf({status: 429, body: null, retryAfter: 7}, 'en', 0).retryIn, 7000);
  assert.equal(viewOf({status: 429, body: null, retryAfter: 3600}, 'en', 0).retryIn, 60000);
  assert.equal(viewOf(NETWORK_ERROR, 'en', 1).retryIn, RETRY_DELAYS[1]);
  assert.equal(viewOf({status: 503, body: null}, 'en', 0).state, 'processing');
  const gaveUp = viewOf(NETWORK_ERROR, 'en', RETRY_DELAYS.length);
  assert.equal(gaveUp.state, 'error');
  assert.equal(gaveUp.retryIn, null);
});

test('a 200 without a JSON body is a quiet error', () => {
  assert.equal(viewOf({status: 200, body: null}, 'en').state, 'error');
});

test('language from the buyer locale; unknown languages fall back to English', () => {
  assert.equal(languageOf('id'), 'id');
  assert.equal(languageOf('id-ID'), 'id');
  assert.equal(languageOf('en-GB'), 'en');
  assert.equal(languageOf(undefined), 'en');
  assert.equal(viewOf(answer(), 'fr').heading, 'Your loyalty points');
});

test('both languages have every text', () => {
  assert.deepEqual(Object.keys(TEXTS.id).sort(), Object.keys(TEXTS.en).sort());
});

test('the order id comes from the thank-you or order-status gid, nothing else', () => {
  assert.equal(orderIdOf('gid://shopify/OrderIdentity/1073459981'), '1073459981');
  assert.equal(orderIdOf('gid://shopify/Order/1073459981'), '1073459981');
  assert.equal(orderIdOf('gid://shopify/Customer/1'), null);
  assert.equal(orderIdOf('1073459981/../../admin'), null);
  assert.equal(orderIdOf(undefined), null);
  assert.equal(orderUrl('https://setia.example.com/', '42'), 'https://setia.example.com/checkout/shopify/orders/42');
});

test('outcomeOf reads status, JSON body and Retry-After from a fetch Response', async () => {
  const response = new Response(JSON.stringify({error: 'too many requests'}), {
    status: 429,
    headers: {'Retry-After': '12', 'Content-Type': 'application/json'},
  });
  assert.deepEqual(await outcomeOf(response), {status: 429, body: {error: 'too many requests'}, retryAfter: 12});
  assert.deepEqual(await outcomeOf(new Response('<html>', {status: 502})), {status: 502, body: null, retryAfter: null});
});
