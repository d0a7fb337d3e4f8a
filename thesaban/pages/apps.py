from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "thesaban.pages"
    label = "pages"
    verbose_name = _("หน้าเว็บไซต์")

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
