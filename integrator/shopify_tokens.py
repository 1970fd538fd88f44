"""Shopify access tokens: expiring offline tokens refreshed before they expire."""
