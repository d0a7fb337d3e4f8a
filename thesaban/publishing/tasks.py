"""Background tasks of the publishing app."""

from datetime import timedelta

from django_tasks import task

from . import windows

# Windows are promised to the minute; checking twice a minute keeps that with room to spare.
PUBLISH_SCHEDULED_EVERY = timedelta(seconds=30)


@task()
def publish_scheduled() -> dict[str, object]:
    """Honour the publication windows that are due (see `windows.publish_scheduled`).

    The worker's scheduler calls it every 30 seconds (registered in `apps.py`, run by
    `core.jobs`); it may also be enqueued.
    """
    return windows.publish_scheduled().as_dict()
