from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "thesaban.monitoring"
    label = "monitoring"
    verbose_name = _("การตรวจเว็บไซต์")
