"""Background tasks of the monitoring app."""

from django_tasks import task

from . import notifications, services


@task()
def check_site() -> dict[str, object]:
    """Run the site check (`services.run_check`) in the worker, then mail the digests."""
    run = services.run_check()
    messages = notifications.send_digests(run=run)
    return {
        "run": run.pk,
        "pages_checked": run.pages_checked,
        "links_checked": run.links_checked,
        "findings_opened": run.findings_opened,
        "findings_closed": run.findings_closed,
        "messages": messages,
    }


@task()
def start_daily_site_check() -> bool:
    """Enqueue the day's site check once its time has come (`services.start_due_check`).

    The worker's scheduler calls this every minute; the check itself is enqueued, not run in
    the scheduler's thread, which must stay free for publication windows (decision 0004).
    """
    if services.start_due_check() is None:
        return False
    check_site.enqueue()
    return True
