"""The periodic jobs are scheduled (rq cron), not only written."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.cron import CronScheduler

from integrator import jobs
from tests.conftest import REDIS_URL, drain, requires_redis


@requires_redis
def test_cron_config_schedules_the_sweeper_and_vesting_on_the_queue():
    connection = Redis.from_url(REDIS_URL)
    cron = CronScheduler(connection=connection)
    cron.load_config_from_file("integrator/cron_config.py")
    scheduled = {job.func_name: job.interval for job in cron.get_jobs()}
    expected = {
        "integrator.jobs.sweep": 60,
        "integrator.jobs.vest": 300,
        "integrator.jobs.flush_outbox": 60,
        "integrator.jobs.reconcile_shops": 900,
    }
    assert expected.items() <= scheduled.items()  # other modules may schedule their own jobs too
    enqueued = cron.enqueue_jobs()  # what the running scheduler does on each tick
    assert len(enqueued) == len(scheduled)
    queue = Queue(jobs.QUEUE, connection=connection)
    assert sorted(job.func_name for job in queue.get_jobs()) == sorted(scheduled)
    drain()  # a worker runs them without error
    assert queue.count == 0
    assert queue.failed_job_registry.count == 0
