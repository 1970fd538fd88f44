// purchase.checkout.reductions.render-after: beside the discount field in the order summary, where a
// redeemed code lands (Shopify Plus checkouts only).
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {CheckoutPoints} from './CheckoutPoints.jsx';

export default async () => {
  render(<CheckoutPoints />, document.body);
};
