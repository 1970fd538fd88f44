"""The app side of Shopify: install/OAuth, tokens, the webhook view and topic handlers, the app
proxy, the checkout endpoint, the embedded admin sign-in and CLI commands. Plugged in through
registration.PLATFORM; the shared machinery never imports this package."""
