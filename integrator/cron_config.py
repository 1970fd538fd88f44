"""Periodic jobs for `rq cron integrator.cron_config` (make worker, Procfile)."""

from rq import cron

from integrator import jobs

cron.register(jobs.sweep, jobs.QUEUE, interval=60)
cron.register(jobs.vest, jobs.QUEUE, interval=300)
