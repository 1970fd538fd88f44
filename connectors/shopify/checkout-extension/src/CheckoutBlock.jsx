// purchase.checkout.block.render: a block the merchant places in the checkout (the order summary),
// Shopify Plus checkouts only.
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {CheckoutPoints} from './CheckoutPoints.jsx';

export default async () => {
  render(<CheckoutPoints />, document.body);
};
