"""periodic.SCHEDULE for a bare `rq cron integrator.cron_config`. The Procfile and `make worker` run
`flask --app wsgi jobs scheduler` (scheduler.py) instead: `rq cron` exits for good on a Redis outage."""

from rq import cron

from integrator.periodic import SCHEDULE
from integrator.queue import QUEUE

for job, seconds in SCHEDULE:
    cron.register(job, QUEUE, interval=seconds)
