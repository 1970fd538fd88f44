"""Shopify: webhooks (verify, headers), mapping (payloads → neutral objects), client (Admin GraphQL)."""
