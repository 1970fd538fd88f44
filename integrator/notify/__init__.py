"""Notifications: the domain events delivered as shopper emails (SMTP), signed webhooks to the
merchant's endpoints and WhatsApp messages; the jobs that send them, and the unsubscribe page.
Who gets what, and each message's state, is the domain's (integrator/loyalty/notifications.py)."""
