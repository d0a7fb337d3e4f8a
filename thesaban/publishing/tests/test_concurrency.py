"""Two supervisors approving the same step at the same moment: exactly one transition."""

import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.db.models.signals import pre_save
from wagtail.models import PageLogEntry, TaskState, Workflow

from thesaban.browser_testing import restore_database
from thesaban.publishing import services
from thesaban.publishing.models import DivisionApprovalTask, PublicationTask

from .conftest import draft_news

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs it)"
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _migrated_data_back_afterwards(migrated_database, django_db_blocker):
    # This test commits, so pytest-django empties every table after it, Wagtail's root page
    # and locale included; later modules (the browser tests) need them.
    yield
    with django_db_blocker.unblock():
        restore_database(migrated_database)


def test_two_supervisors_at_once_make_one_transition(town):
    page = draft_news(town.procurement, town.preparer)
    Workflow.objects.get(active=True).start(page, town.preparer)
    services.record_attestation(page, town.preparer, page.get_latest_revision())
    task_state = page.current_workflow_state.current_task_state
    task = task_state.task.specific
    assert isinstance(task, DivisionApprovalTask)

    def slow_save(sender, instance, **kwargs):
        # Widen the window between reading the step's status and writing the decision, so
        # that without a lock both reviewers would read "in progress" and both approve.
        if instance.status == TaskState.STATUS_APPROVED:
            time.sleep(0.5)

    pre_save.connect(slow_save, sender=TaskState, dispatch_uid="slow-save")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def approve(user):
        try:
            barrier.wait()
            state = TaskState.objects.get(pk=task_state.pk)
            task.on_action(state, user, "approve", comment="เห็นชอบ")
            outcomes[user.username] = "approved"
        except PermissionDenied as error:
            outcomes[user.username] = f"refused: {error}"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(u,)) for u in (town.supervisor, town.supervisor2)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        pre_save.disconnect(sender=TaskState, dispatch_uid="slow-save")

    assert sorted(outcome.split(":")[0] for outcome in outcomes.values()) == [
        "approved",
        "refused",
    ], outcomes
    workflow_state = page.current_workflow_state
    states = TaskState.objects.filter(workflow_state=workflow_state)
    assert states.filter(status=TaskState.STATUS_APPROVED).count() == 1
    assert states.filter(task__in=PublicationTask.objects.all()).count() == 1
    assert PageLogEntry.objects.filter(page=page, action="wagtail.workflow.approve").count() == 1
