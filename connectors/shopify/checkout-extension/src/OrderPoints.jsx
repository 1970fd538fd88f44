// The block both targets render: asks Setia what the order earned (with the session token Shopify
// signs for the app) and shows what loyalty-answer.js decides, asking again while the order is not
// processed yet. Uses Polaris web components (<s-banner>, <s-stack>, <s-text>) through Preact.
import {useEffect, useState} from 'preact/hooks';

import {APP_URL} from './config.js';
import {NETWORK_ERROR, languageOf, orderIdOf, orderUrl, outcomeOf, viewOf} from './loyalty-answer.js';

async function ask(orderId) {
  try {
    const token = await shopify.sessionToken.get();
    const response = await fetch(orderUrl(APP_URL, orderId), {headers: {Authorization: `Bearer ${token}`}});
    return await outcomeOf(response);
  } catch (error) {
    return NETWORK_ERROR;
  }
}

export function OrderPoints({orderGid}) {
  const [view, setView] = useState(null);
  const language = languageOf(shopify.localization?.language?.value?.isoCode);

  useEffect(() => {
    const orderId = orderIdOf(orderGid);
    let stopped = false;
    let timer = null;
    async function attempt(number) {
      const outcome = await ask(orderId);
      if (stopped) return;
      const next = viewOf(outcome, language, number);
      setView(next);
      if (next.retryIn !== null) timer = setTimeout(() => attempt(number + 1), next.retryIn);
    }
    if (orderId) attempt(0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [orderGid, language]);

  if (!view || view.state === 'hidden') return null;
  const tone = view.state === 'error' ? 'warning' : view.state === 'earned' ? 'success' : 'info';
  return (
    <s-banner heading={view.heading} tone={tone}>
      <s-stack gap="small-200">
        {view.lines.map((line) => (
          <s-text>{line}</s-text>
        ))}
        {view.code ? <s-text type="strong">{view.code}</s-text> : null}
      </s-stack>
    </s-banner>
  );
}
