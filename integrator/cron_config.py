"""Periodic jobs for `rq cron integrator.cron_config` (make worker, Procfile)."""

from rq import cron

from integrator import jobs, shopify_app

cron.register(jobs.sweep, jobs.QUEUE, interval=60)
cron.register(jobs.vest, jobs.QUEUE, interval=300)
cron.register(jobs.flush_outbox, jobs.QUEUE, interval=60)
cron.register(jobs.reconcile_shops, jobs.QUEUE, interval=900)
cron.register(shopify_app.refresh_expiring_tokens, jobs.QUEUE, interval=300)
