"""The divisions of a municipality in the admin (Settings → ส่วนราชการ).

The IT administrator (and the host's superusers) create divisions, rename them, choose
the sections of the site each owns and see who holds which role in each; a division that
still owns sections or people cannot be deactivated, and "โอนส่วนของเว็บไซต์" hands its
sections to another. Who may: `permissions.DivisionPermissionPolicy` (from `access`); every
view sees only the divisions of the person's municipality, so another's answers 404.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, Panel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from .. import access, services
from ..forms import DivisionForm, HandOverForm
from ..models import Division
from .sites import SitePickerMixin

VIEWSET_NAME = "divisions"


class DivisionPeoplePanel(Panel):
    """Who holds each of the division's two roles (read only: roles are given on the user
    screens, or by the import)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "accounts/panels/division_people.html"

        def is_shown(self) -> bool:
            return bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            user = self.request.user
            context["roles"] = [
                (label, [(person, access.may_manage_account(user, person)) for person in people])
                for label, people in (
                    (_("ผู้จัดทำข้อมูล"), self.instance.holders("preparer")),
                    (_("ผู้บังคับบัญชา"), self.instance.holders("supervisor")),
                )
            ]
            return context


def _managed(request):
    return access.divisions_managed_by(request.user).select_related("site")


def _hand_over_button(division: Division) -> Button:
    return Button(
        _("โอนส่วนของเว็บไซต์"),
        url=reverse(f"{VIEWSET_NAME}:hand_over", args=[quote(division.pk)]),
        icon_name="resubmit",
        priority=30,
    )


class DivisionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return _managed(self.request).annotate(
            section_count=Count("sections", distinct=True),
            preparer_count=Count("preparers__user", distinct=True),
            supervisor_count=Count("supervisors__user", distinct=True),
        )

    @cached_property
    def columns(self):
        columns = list(super().columns)
        if access.is_host_administrator(self.request.user):
            columns.insert(
                2,
                Column(
                    "site",
                    label=gettext_lazy("เทศบาล"),
                    accessor=lambda division: division.site.site_name or division.site.hostname,
                ),
            )
        return columns

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.section_count:
            buttons.append(_hand_over_button(instance))
        return buttons


class DivisionCreateView(SitePickerMixin, generic.CreateView):
    template_name = "accounts/divisions/create.html"

    def get_initial_form_instance(self):
        return Division(site=self.chosen_site)


class DivisionEditView(generic.EditView):
    def get_queryset(self):
        return _managed(self.request)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.sections.exists():
            buttons.append(_hand_over_button(self.object))
        return buttons


class DivisionHistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return _managed(self.request)


class HandOverView(WagtailAdminTemplateMixin, FormView):
    """โอนส่วนของเว็บไซต์: some or all of a division's sections go to another division of the
    municipality at once, so no page is ever without its owner in between."""

    template_name = "accounts/divisions/hand_over.html"
    page_title = gettext_lazy("โอนส่วนของเว็บไซต์")
    header_icon = "resubmit"
    form_class = HandOverForm

    def dispatch(self, request, pk, *args, **kwargs):
        self.division = get_object_or_404(_managed(request), pk=pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.division.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{VIEWSET_NAME}:index"), "label": _("ส่วนราชการ")},
            {
                "url": reverse(f"{VIEWSET_NAME}:edit", args=[quote(self.division.pk)]),
                "label": self.division.name,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.division}

    def get_context_data(self, **kwargs):
        return super().get_context_data(division=self.division, **kwargs)

    def form_valid(self, form):
        target = form.cleaned_data["target"]
        try:
            moved = services.hand_over_sections(
                source=self.division,
                target=target,
                sections=form.cleaned_data["sections"],
                actor=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("โอน %(count)d ส่วนของเว็บไซต์จาก%(source)sให้%(target)sแล้ว")
            % {"count": len(moved), "source": self.division.name, "target": target.name},
        )
        return redirect(f"{VIEWSET_NAME}:edit", self.division.pk)


class DivisionViewSet(ModelViewSet):
    model = Division
    name = VIEWSET_NAME
    url_prefix = "divisions"
    icon = "group"
    menu_label = gettext_lazy("ส่วนราชการ")
    add_to_settings_menu = True
    # After Wagtail's users (600) and groups (601): the IT administrator keeps all three.
    menu_order = 605
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = DivisionIndexView
    add_view_class = DivisionCreateView
    edit_view_class = DivisionEditView
    history_view_class = DivisionHistoryView
    list_display = [
        "name",
        "code",
        Column("section_count", label=gettext_lazy("ส่วนของเว็บไซต์"), sort_key="section_count"),
        Column("preparer_count", label=gettext_lazy("ผู้จัดทำข้อมูล"), sort_key="preparer_count"),
        Column("supervisor_count", label=gettext_lazy("ผู้บังคับบัญชา"), sort_key="supervisor_count"),
        Column(
            "is_active",
            label=gettext_lazy("สถานะ"),
            accessor=lambda division: _("ใช้งานอยู่") if division.is_active else _("ปิดใช้งาน"),
        ),
    ]
    ordering = ["sort_order", "name"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
            FieldRowPanel([FieldPanel("sort_order"), FieldPanel("is_active")]),
            FieldPanel("sections"),
            DivisionPeoplePanel(heading=gettext_lazy("ผู้ดำรงบทบาทในส่วนราชการนี้")),
        ],
        base_form_class=DivisionForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/hand-over/", HandOverView.as_view(), name="hand_over"),
        ]
