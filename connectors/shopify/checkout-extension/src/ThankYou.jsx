// purchase.thank-you.block.render: the order the buyer just placed (Order API: orderConfirmation).
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {OrderPoints} from './OrderPoints.jsx';

export default async () => {
  render(<OrderPoints orderGid={shopify.orderConfirmation.value.order.id} />, document.body);
};
