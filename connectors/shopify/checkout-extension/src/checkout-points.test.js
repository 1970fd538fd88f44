// node --test connectors/shopify/checkout-extension/src/checkout-points.test.js (run by pytest:
// tests/unit/test_shopify_checkout_extension.py). Answers in the shapes integrator/shopify/checkout.py sends.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {
  APPLY_RETRY_DELAYS,
  TEXTS,
  appliedView,
  basisOf,
  checkoutView,
  estimateUrl,
  meUrl,
  programUrl,
  redemptionView,
  redemptionsUrl,
} from './checkout-points.js';

const ok = (body, status = 200) => ({status, body, retryAfter: null});
const estimate = (points) => ok({points, cashback: '3.62', currency: 'USD', display: {cashback: '$3.62'}});
const me = (available, member = true) =>
  ok({
    member,
    currency: 'USD',
    balances: {points_available: available, points_pending: 0, lifetime_points: available},
    tier: null,
  });
const REWARDS = [
  {id: 1, name: 'Free shipping', points_cost: 100, kind: 'free_shipping', value: '0', min_order: null},
  {id: 2, name: '$5 off', points_cost: 150, kind: 'fixed_amount', value: '5.00', min_order: '50.00'},
  {id: 3, name: '$25 off', points_cost: 500, kind: 'fixed_amount', value: '25.00', min_order: null},
];
const program = ok({currency: 'USD', rewards: REWARDS});

test('the earning basis is the subtotal less cart discounts, exact, never below zero', () => {
  assert.equal(basisOf(181.09), '181.09');
  assert.equal(basisOf(1.15), '1.15'); // 1.15 * 10000 is 11499.999999999998 in floating point
  assert.equal(basisOf(200, [18.91]), '181.09');
  assert.equal(basisOf(181000, [10000]), '171000'); // rupiah: no decimals
  assert.equal(basisOf(10, [25]), '0');
  assert.equal(basisOf(0.1, [0.2]), '0');
  assert.equal(basisOf(12.3456), '12.3456');
  assert.equal(basisOf(undefined), null);
  assert.equal(basisOf(-1), null);
  assert.equal(basisOf(Number.NaN), null);
  assert.equal(basisOf(10, [undefined, 'x']), '10'); // an unreadable discount is not guessed at
});

test('the urls are the checkout routes under APP_URL', () => {
  assert.equal(meUrl('https://setia.example.com/'), 'https://setia.example.com/checkout/shopify/me');
  assert.equal(programUrl('https://setia.example.com'), 'https://setia.example.com/checkout/shopify/program');
  assert.equal(redemptionsUrl('https://setia.example.com'), 'https://setia.example.com/checkout/shopify/redemptions');
  assert.equal(estimateUrl('https://s.example', '181.09'), 'https://s.example/checkout/shopify/estimate?subtotal=181.09');
});

test('a member sees what the order earns, the balance and the rewards they can use', () => {
  const view = checkoutView({language: 'en', estimate: estimate(181), me: me(181), program, basis: '181.09'});
  assert.equal(view.state, 'member');
  assert.deepEqual(view.lines, ['This order earns 181 points.', 'You have 181 points.']);
  assert.deepEqual(
    view.rewards.map((reward) => [reward.id, reward.label, reward.disabled]),
    [
      [1, 'Free shipping · 100 points', false],
      [2, '$5 off · 150 points', false],
      [3, '$25 off · 500 points (not enough points yet)', true],
    ],
  );
  assert.equal(view.canRedeem, true);
});

test('a reward whose minimum the order does not reach cannot be picked', () => {
  const view = checkoutView({language: 'en', estimate: estimate(20), me: me(181), program, basis: '20'});
  assert.deepEqual(view.rewards[1], {id: 2, label: '$5 off · 150 points (for larger orders)', disabled: true});
  assert.equal(view.rewards[0].disabled, false);
});

test('Indonesian, with thousands grouped the Indonesian way', () => {
  const view = checkoutView({language: 'id', estimate: estimate(12500), me: me(1500), program: ok({rewards: []}), basis: '12500000'});
  assert.deepEqual(view.lines, ['Pesanan ini mendapatkan 12.500 poin.', 'Poin Anda: 1.500 poin.']);
  assert.equal(view.canRedeem, false);
});

test('a guest sees what an account would earn, and no rewards', () => {
  const guest = {status: 403, body: {error: 'no logged-in customer'}};
  const view = checkoutView({language: 'en', estimate: estimate(1), me: guest, program, basis: '1.5'});
  assert.equal(view.state, 'guest');
  assert.deepEqual(view.lines, ['Sign in to earn 1 point with this order.']);
  assert.deepEqual(view.rewards, []);
});

test('a shopper who is not a member yet sees the earn line without a zero balance', () => {
  const view = checkoutView({language: 'en', estimate: estimate(50), me: me(0, false), program, basis: '50'});
  assert.deepEqual(view.lines, ['This order earns 50 points.']);
  assert.equal(view.canRedeem, false);
});

test('nothing to say (zero points, errors, not asked yet) shows nothing', () => {
  assert.equal(checkoutView({language: 'en', estimate: estimate(0), me: null, program: null, basis: '0.5'}).state, 'hidden');
  const failed = {status: 401, body: {error: 'invalid session token'}};
  assert.equal(checkoutView({language: 'en', estimate: failed, me: failed, program: failed, basis: '9'}).state, 'hidden');
  assert.equal(checkoutView({language: 'en', estimate: null, me: null, program: null, basis: null}).state, 'hidden');
});

test('when the checkout does not allow discount code changes, no reward is offered', () => {
  const view = checkoutView({language: 'en', estimate: estimate(181), me: me(181), program, basis: '181.09', canApplyCodes: false});
  assert.equal(view.canRedeem, false);
  assert.equal(view.lines.length, 2);
});

test('a redemption: the code, or why not', () => {
  assert.deepEqual(redemptionView(ok({code: 'SETIA-ABCD-EFGH', status: 'pending'}, 201), 'en'), {
    code: 'SETIA-ABCD-EFGH',
    message: null,
    tone: 'info',
  });
  assert.deepEqual(redemptionView({status: 409, body: {error: 'not enough points available'}}, 'id'), {
    code: null,
    message: 'Poin belum cukup.',
    tone: 'warning',
  });
  assert.equal(redemptionView({status: 429, body: null}, 'en').message, 'Too many requests. Try again in a minute.');
  assert.equal(redemptionView({status: 0, body: null}, 'en').tone, 'critical');
  assert.equal(redemptionView(ok({}, 201), 'en').code, null); // a 201 without a code is no code
});

test('applying the code: done, tried again while the store makes it, then typed in by hand', () => {
  assert.deepEqual(appliedView({type: 'success'}, 'SETIA-X', 'en'), {
    done: true,
    retryIn: null,
    message: 'Code SETIA-X applied to this order.',
    tone: 'success',
  });
  const waits = APPLY_RETRY_DELAYS.map((_, attempt) => appliedView({type: 'error', message: 'x'}, 'SETIA-X', 'en', attempt));
  assert.deepEqual(
    waits.map((view) => view.retryIn),
    APPLY_RETRY_DELAYS,
  );
  const last = appliedView({type: 'error'}, 'SETIA-X', 'id', APPLY_RETRY_DELAYS.length);
  assert.deepEqual(last, {done: true, retryIn: null, message: 'Kode Anda SETIA-X: masukkan di kolom kode diskon.', tone: 'warning'});
});

test('both languages have every text', () => {
  assert.deepEqual(Object.keys(TEXTS.id).sort(), Object.keys(TEXTS.en).sort());
});
