"""Periodic jobs for `rq cron integrator.cron_config` (make worker, Procfile): periodic.SCHEDULE."""

from rq import cron

from integrator.jobs import QUEUE
from integrator.periodic import SCHEDULE

for job, seconds in SCHEDULE:
    cron.register(job, QUEUE, interval=seconds)
