"""The freshness rules in the Wagtail admin (Settings → เกณฑ์ความเป็นปัจจุบันของข้อมูล).

Web operators (and superusers) edit the rules the site check judges the sections by; the
rights are Django's model permissions, given to the web operators' group by
`accounts.services.ensure_role_groups`. A rule shipped with the software (it has a key) can be
switched off but not deleted: `ensure_freshness_rules` would bring it back at the next
`setup_site`.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .content_checks import RULES_VIEWSET
from .models import FreshnessRule


class FreshnessRuleIndexView(generic.IndexView):
    def get_delete_url(self, instance):
        return None if instance.key else super().get_delete_url(instance)


class FreshnessRuleEditView(generic.EditView):
    def get_delete_url(self):
        return None if self.object.key else super().get_delete_url()


class FreshnessRuleDeleteView(generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.key:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FreshnessRuleViewSet(ModelViewSet):
    model = FreshnessRule
    name = RULES_VIEWSET
    url_prefix = "freshness-rules"
    icon = "time"
    menu_label = _("เกณฑ์ความเป็นปัจจุบันของข้อมูล")
    add_to_settings_menu = True
    menu_order = 900
    copy_view_enabled = False
    index_view_class = FreshnessRuleIndexView
    edit_view_class = FreshnessRuleEditView
    delete_view_class = FreshnessRuleDeleteView
    # In words, rather than Python's "True" / "False".
    list_display = [
        "name",
        "reference",
        "section",
        "requirement",
        "severity",
        Column(
            "active",
            label=_("ใช้งาน"),
            accessor=lambda rule: gettext("ใช้งาน") if rule.active else gettext("ปิดใช้งาน"),
        ),
    ]
    list_filter = ["requirement", "severity", "active"]
    search_fields = ["name", "reference"]
    list_per_page = 50
    panels = [
        FieldPanel("name"),
        FieldPanel("reference"),
        FieldPanel("section"),
        MultiFieldPanel(
            [
                FieldPanel("requirement"),
                FieldRowPanel(
                    [
                        FieldPanel("max_age_days"),
                        FieldPanel("fiscal_year"),
                        FieldPanel("grace_days"),
                    ]
                ),
            ],
            _("ข้อกำหนด"),
        ),
        FieldRowPanel([FieldPanel("severity"), FieldPanel("active")]),
        FieldPanel("note"),
    ]
