"""The freshness rules in the Wagtail admin (Settings → เกณฑ์ความเป็นปัจจุบันของข้อมูล).

Web operators (and superusers) edit the rules the site check judges the sections by; the
rights are Django's model permissions, given to the web operators' group by
`accounts.services.ensure_role_groups`. A rule shipped with the software (it has a key) can be
switched off but not deleted: `ensure_freshness_rules` would bring it back at the next
`setup_site`.

Each municipality has its own rules: a person sees, edits and adds their own municipality's
only (`accounts.access`; another's is not found), a new rule is theirs, and its section is one
of their pages.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Site

from thesaban.accounts import access

from .content_checks import RULES_VIEWSET
from .models import FreshnessRule


def rules_for(user):
    return access.limit_to_sites_of(user, FreshnessRule.objects.all())


class SectionChooser(AdminPageChooser):
    """Opens at the person's home page (rather than above every municipality's) when no
    section is chosen yet."""

    start_at: int | None = None

    def get_js_init_options(self, id_, name, value_data):
        options = super().get_js_init_options(id_, name, value_data)
        if "parentId" not in options and self.start_at is not None:
            options["parentId"] = self.start_at
        return options


class FreshnessRuleForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site = access.site_of(self.for_user)
        if "section" in self.fields:
            # A page of another municipality is refused as "not one of the choices".
            self.fields["section"].queryset = access.pages_for(self.for_user)
            if site is not None:
                self.fields["section"].widget.start_at = site.root_page_id

    def save(self, commit=True):
        if self.instance.site_id is None:
            self.instance.site = self._site_of_new_rule()
        return super().save(commit)

    def _site_of_new_rule(self) -> Site:
        # The person's municipality; for the host, who belongs to none, the section's.
        if (site := access.site_of(self.for_user)) is not None:
            return site
        section = self.cleaned_data.get("section")
        site_id = access.site_id_of_page(section) if section is not None else None
        return Site.objects.filter(pk=site_id).first() or Site.objects.get(is_default_site=True)


class FreshnessRuleIndexView(generic.IndexView):
    def get_base_queryset(self):
        return rules_for(self.request.user)

    def get_delete_url(self, instance):
        return None if instance.key else super().get_delete_url(instance)


class FreshnessRuleEditView(generic.EditView):
    def get_queryset(self):
        return rules_for(self.request.user)

    def get_delete_url(self):
        return None if self.object.key else super().get_delete_url()


class FreshnessRuleDeleteView(generic.DeleteView):
    def get_queryset(self):
        return rules_for(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if self.object.key:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FreshnessRuleHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return rules_for(self.request.user)


class FreshnessRuleUsageView(UsageView):
    def get_base_object_queryset(self):
        return rules_for(self.request.user)


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
    history_view_class = FreshnessRuleHistoryView
    usage_view_class = FreshnessRuleUsageView
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
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("reference"),
            FieldPanel("section", widget=SectionChooser()),
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
        ],
        base_form_class=FreshnessRuleForm,
    )
