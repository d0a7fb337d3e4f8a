from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "thesaban.pages"
    label = "pages"
    verbose_name = _("หน้าเว็บไซต์")

    def ready(self) -> None:
        from thesaban.core.setup import register_role_permissions

        from . import signal_handlers

        signal_handlers.register()
        # People shown on the public site: division staff keep their own up to date, the web
        # operators everyone's.
        for role in ("preparer", "supervisor", "web_operator"):
            register_role_permissions(role, "pages.add_person", "pages.change_person")
