from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "thesaban.core"
    label = "core"
    verbose_name = _("ข้อมูลพื้นฐาน")

    def ready(self) -> None:
        from .setup import register_role_permissions

        # The municipality's contact details, and the holidays the working days skip: the web
        # operators keep both (Settings in the admin).
        register_role_permissions(
            "web_operator",
            "core.change_municipalitysettings",
            *(f"core.{action}_holiday" for action in ("add", "change", "delete", "view")),
        )
