from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "thesaban.monitoring"
    label = "monitoring"
    verbose_name = _("การตรวจเว็บไซต์")

    def ready(self) -> None:
        from thesaban.core.jobs import register_periodic
        from thesaban.core.setup import register_role_permissions, register_setup_step

        from .freshness_rules import ensure_freshness_rules
        from .tasks import SITE_CHECK_DUE_EVERY, start_daily_site_check

        # Only enqueues the day's check, which takes minutes and is run by the worker
        # (docs/decisions/0004-scheduler.md).
        register_periodic(start_daily_site_check, every=SITE_CHECK_DUE_EVERY)
        # The freshness rules name the sections: created with them, once, and the staff's from
        # then on.
        register_setup_step(ensure_freshness_rules)
        register_role_permissions(
            "web_operator",
            # Wagtail's site history lists a model's audit entries only to those with a right
            # on it: this lets the web operators, who see every finding, see their history.
            "monitoring.view_finding",
            # What the site check expects of each section (Settings in the admin).
            *(
                f"monitoring.{action}_freshnessrule"
                for action in ("add", "change", "delete", "view")
            ),
        )
