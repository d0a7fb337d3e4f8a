"""Background tasks of the publishing app."""

from django_tasks import task

from . import windows


@task()
def publish_scheduled() -> dict[str, object]:
    """Honour the publication windows that are due (see `windows.publish_scheduled`).

    The worker's scheduler calls it every 30 seconds (`scheduler.py`); it may also be enqueued.
    """
    return windows.publish_scheduled().as_dict()
