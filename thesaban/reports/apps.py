from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "thesaban.reports"
    label = "reports"
    verbose_name = _("รายงานผลการดำเนินงาน")

    def ready(self) -> None:
        # Importing the section modules registers them (`sections.register`), in report order.
        from . import sections  # noqa: F401
