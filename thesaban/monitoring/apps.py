from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "thesaban.monitoring"
    label = "monitoring"
    verbose_name = _("การตรวจเว็บไซต์")

    def ready(self) -> None:
        from thesaban.core.jobs import register_periodic

        from .tasks import SITE_CHECK_DUE_EVERY, start_daily_site_check

        # Only enqueues the day's check, which takes minutes and is run by the worker
        # (docs/decisions/0004-scheduler.md).
        register_periodic(start_daily_site_check, every=SITE_CHECK_DUE_EVERY)
