"""Background tasks of the monitoring app."""

from datetime import timedelta

from django_tasks import task

from . import notifications, services
from .models import CheckRun

# The daily site check only needs noticing within a minute of its time.
SITE_CHECK_DUE_EVERY = timedelta(minutes=1)


@task()
def check_site(run_id: int | None = None) -> dict[str, object]:
    """Check the run `run_id` in the worker, then every other run waiting
    (`services.run_waiting_checks`), each followed by its municipality's digests.

    Does nothing while another check holds the lock (that one takes the run on), nor for a
    run an earlier task already finished, when no other run waits.
    """
    sent: dict[int, int] = {}

    def mail(run: CheckRun) -> None:
        sent[run.pk] = notifications.send_digests(run=run)

    runs = services.run_waiting_checks(run_id=run_id, after_each=mail)
    return {
        "run": run_id,
        "skipped": not runs,
        "runs": [
            {
                "run": run.pk,
                "site": run.site.hostname,
                "pages_checked": run.pages_checked,
                "links_checked": run.links_checked,
                "findings_opened": run.findings_opened,
                "findings_closed": run.findings_closed,
                "messages": sent.get(run.pk, 0),
            }
            for run in runs
        ],
    }


@task()
def start_daily_site_check() -> int:
    """Enqueue the day's check of each municipality once its time has come
    (`services.start_due_check`), and again the runs whose worker died half way
    (`services.stalled_runs`), which then resume; returns how many were enqueued.

    The worker's scheduler calls this every minute; the checks themselves are enqueued, not
    run in the scheduler's thread, which must stay free for publication windows (decision
    0004). One task per run: whichever holds the check's lock takes on the others' runs too.
    """
    runs = services.start_due_check() + services.stalled_runs()
    for run in runs:
        check_site.enqueue(run_id=run.pk)
    return len(runs)
