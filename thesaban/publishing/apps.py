from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "thesaban.publishing"
    label = "publishing"
    verbose_name = _("การเผยแพร่ข้อมูล")

    def ready(self) -> None:
        from wagtail.models import TaskState
        from wagtail.signals import task_submitted

        from thesaban.core.jobs import register_periodic

        from .notifications import notify_task_submitted
        from .services import ensure_publishing_rules
        from .tasks import PUBLISH_SCHEDULED_EVERY, publish_scheduled

        task_submitted.connect(
            notify_task_submitted, sender=TaskState, dispatch_uid="thesaban_task_submitted"
        )
        # Not a data migration: test runs that flush the database get it back too.
        post_migrate.connect(
            ensure_publishing_rules, sender=self, dispatch_uid="thesaban_publishing_rules"
        )
        register_periodic(publish_scheduled, every=PUBLISH_SCHEDULED_EVERY)
