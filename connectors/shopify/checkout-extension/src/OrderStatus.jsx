// customer-account.order-status.block.render: the order whose status page the customer is on
// (customer accounts' Order API).
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

import {OrderPoints} from './OrderPoints.jsx';

export default async () => {
  render(<OrderPoints orderGid={shopify.order.value.id} />, document.body);
};
