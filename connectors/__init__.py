"""Platform connectors: one package per platform with the same modules (auth, webhooks, client, mapping)."""
