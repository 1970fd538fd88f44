"""WooCommerce: REST API (wc/v3) client, webhook deliveries and payload mapping."""
