// The block both checkout targets render (order summary, and beside the discount field): what this
// order earns, the logged-in buyer's balance, and "Use your points": a reward redeemed through Setia,
// whose code is applied with the checkout's discount-code API. What to show lives in
// checkout-points.js; this file asks Setia (with the session token Shopify signs for the app) and
// draws Polaris web components through Preact.
import {useEffect, useState} from 'preact/hooks';

import {APP_URL} from './config.js';
import {
  SETTLE_MS,
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
import {NETWORK_ERROR, languageOf, outcomeOf} from './loyalty-answer.js';

async function call(url, body) {
  try {
    const token = await shopify.sessionToken.get();
    const options = {headers: {Authorization: `Bearer ${token}`}};
    if (body) {
      options.method = 'POST';
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return await outcomeOf(await fetch(url, options));
  } catch (error) {
    return NETWORK_ERROR;
  }
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reading a signal's .value here subscribes the block to it: a new subtotal or discount redraws.
function currentBasis() {
  const subtotal = shopify.cost.subtotalAmount.value;
  const discounts = (shopify.discountAllocations?.value || []).map((each) => each.discountedAmount?.amount);
  return basisOf(subtotal?.amount, discounts);
}

export function CheckoutPoints() {
  const language = languageOf(shopify.localization?.language?.value?.isoCode);
  const texts = TEXTS[language];
  const basis = currentBasis();
  const canApplyCodes = shopify.instructions?.value?.discounts?.canUpdateDiscountCodes !== false;
  const [settled, setSettled] = useState(null);
  const [estimate, setEstimate] = useState(null);
  const [me, setMe] = useState(null);
  const [program, setProgram] = useState(null);
  const [picked, setPicked] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);

  useEffect(() => {
    const timer = setTimeout(() => setSettled(basis), settled === null ? 0 : SETTLE_MS);
    return () => clearTimeout(timer);
  }, [basis]);
  useEffect(() => {
    if (settled === null) return undefined;
    let stopped = false;
    call(estimateUrl(APP_URL, settled)).then((outcome) => stopped || setEstimate(outcome));
    return () => {
      stopped = true;
    };
  }, [settled]);
  useEffect(() => {
    call(meUrl(APP_URL)).then(setMe);
    call(programUrl(APP_URL)).then(setProgram);
  }, []);

  async function apply(code) {
    for (let attempt = 0; ; attempt += 1) {
      const result = await shopify.applyDiscountCodeChange({type: 'addDiscountCode', code});
      const view = appliedView(result, code, language, attempt);
      if (view.done) return setNotice(view);
      await wait(view.retryIn);
    }
  }

  async function redeem() {
    if (!picked || busy) return;
    setBusy(true);
    setNotice(null);
    const outcome = redemptionView(await call(redemptionsUrl(APP_URL), {reward_id: Number(picked)}), language);
    if (outcome.code) await apply(outcome.code);
    else setNotice(outcome);
    setPicked('');
    setMe(await call(meUrl(APP_URL)));
    setBusy(false);
  }

  const view = checkoutView({language, estimate, me, program, basis: settled, canApplyCodes});
  if (view.state === 'hidden' && !notice) return null;
  return (
    <s-stack gap="small-200">
      {view.lines.map((line) => (
        <s-text>{line}</s-text>
      ))}
      {view.canRedeem ? (
        <s-stack direction="inline" gap="small-200">
          <s-select label={texts.pick} placeholder={texts.choose} value={picked} onChange={(event) => setPicked(event.currentTarget.value)}>
            {view.rewards.map((reward) => (
              <s-option value={String(reward.id)} disabled={reward.disabled}>
                {reward.label}
              </s-option>
            ))}
          </s-select>
          <s-button variant="secondary" disabled={!picked} loading={busy} onClick={redeem}>
            {texts.use}
          </s-button>
        </s-stack>
      ) : null}
      {notice && notice.message ? <s-banner tone={notice.tone}>{notice.message}</s-banner> : null}
    </s-stack>
  );
}
