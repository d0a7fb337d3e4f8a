from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users import apps as wagtail_users_apps


class AccountsConfig(AppConfig):
    name = "thesaban.accounts"
    label = "accounts"
    verbose_name = _("บัญชีผู้ใช้และหน่วยงาน")
    # Chosen for "thesaban.accounts" although this module holds a second AppConfig.
    default = True

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from thesaban.core.setup import register_role_permissions, register_setup_step

        from . import audit, services, signal_handlers

        audit.register()
        # Every municipality has its own web operators, IT administrators and confirmers.
        register_setup_step(services.role_groups_setup_step)
        # The roles exist after `migrate`, not only after the demo loader.
        post_migrate.connect(signal_handlers.roles_after_migrate, sender=self)
        register_role_permissions(
            "it_administrator",
            "auth.add_user",
            "auth.change_user",
            "auth.view_user",
            "auth.view_group",
            "accounts.add_division",
            "accounts.change_division",
            "accounts.view_division",
        )


class WagtailUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user screens with the IT administrator's limits (`views.users`).

    Installed in place of "wagtail.users", as Wagtail documents for custom user views.
    """

    default = False
    user_viewset = "thesaban.accounts.views.users.UserViewSet"
