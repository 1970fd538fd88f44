"""The periodic jobs are scheduled (rq cron), not only written."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.cron import CronScheduler

from integrator import queue as setia_queue
from integrator.periodic import SCHEDULE
from tests.conftest import REDIS_URL, drain, requires_redis


@requires_redis
def test_cron_config_schedules_every_periodic_job_on_the_queue():
    connection = Redis.from_url(REDIS_URL)
    cron = CronScheduler(connection=connection)
    cron.load_config_from_file("integrator/cron_config.py")
    scheduled = {job.func_name: job.interval for job in cron.get_jobs()}
    assert scheduled == {
        "integrator.periodic.beat": 60,
        "integrator.periodic.sweep": 60,
        "integrator.periodic.vest": 300,
        "integrator.periodic.flush_outbox": 60,
        "integrator.periodic.reconcile_shops": 900,
        "integrator.periodic.refresh_expiring_tokens": 300,
        "integrator.periodic.check_woocommerce_webhooks": 900,
        "integrator.periodic.expire_points": 3600,
        "integrator.periodic.credit_birthdays": 3600,
        "integrator.periodic.recalculate_tiers": 3600,
        "integrator.periodic.forget_pending_connects": 3600,
        "integrator.analytics_jobs.refresh_recent": 300,
        "integrator.notify.jobs.deliver_due": 60,
        "integrator.periodic.prune_notifications": 3600,
        "integrator.analytics_jobs.refresh_snapshots": 3600,
        "integrator.periodic.prune_webhook_bodies": 600,
        "integrator.periodic.pay_referrals": 300,
        "integrator.periodic.prune_referral_clicks": 3600,
    }
    assert len(SCHEDULE) == len(scheduled)
    enqueued = cron.enqueue_jobs()  # what the running scheduler does on each tick
    assert len(enqueued) == len(scheduled)
    queue = Queue(setia_queue.QUEUE, connection=connection)
    assert sorted(job.func_name for job in queue.get_jobs()) == sorted(scheduled)
    drain()  # a worker runs them without error
    assert queue.count == 0
    assert queue.failed_job_registry.count == 0
