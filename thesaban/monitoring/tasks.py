"""Background tasks of the monitoring app."""

from datetime import timedelta

from django_tasks import task

from . import notifications, services

# The daily site check only needs noticing within a minute of its time.
SITE_CHECK_DUE_EVERY = timedelta(minutes=1)


@task()
def check_site(run_id: int | None = None) -> dict[str, object]:
    """Run the site check (`services.run_check`) in the worker, then mail the digests.

    Does nothing while another check runs (one at a time), or if the scheduler's run was
    already finished by an earlier task.
    """
    run = services.run_check(run_id=run_id)
    if run is None:
        return {"run": run_id, "skipped": True}
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
    """Enqueue the day's site check once its time has come (`services.start_due_check`),
    or again a run whose worker died half way (`services.stalled_run`), which then resumes.

    The worker's scheduler calls this every minute; the check itself is enqueued, not run in
    the scheduler's thread, which must stay free for publication windows (decision 0004).
    """
    run = services.start_due_check() or services.stalled_run()
    if run is None:
        return False
    check_site.enqueue(run_id=run.pk)
    return True
