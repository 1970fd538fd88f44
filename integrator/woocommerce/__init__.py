"""The app side of WooCommerce: connecting a store (wc-auth), its stored keys and webhooks, the
webhook view and topic handlers, CLI commands. Plugged in through registration.PLATFORM; the shared
machinery never imports this package."""
