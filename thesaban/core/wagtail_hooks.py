"""The core app's share of the Wagtail admin: public holidays, under Settings."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Holiday
from .thai_dates import format_thai_date


class HolidayViewSet(ModelViewSet):
    """Web operators keep the holidays up to date: the site check counts working days."""

    model = Holiday
    name = "holidays"
    icon = "date"
    menu_label = _("วันหยุดราชการ")
    add_to_settings_menu = True
    menu_order = 910
    copy_view_enabled = False
    panels = [FieldPanel("date"), FieldPanel("name")]
    # The name first: it carries the link to the edit form.
    list_display = [
        "name",
        Column("date", label=_("วันที่"), accessor=lambda holiday: format_thai_date(holiday.date)),
    ]
    search_fields = ["name"]
    list_per_page = 50


@hooks.register("register_admin_viewset")
def register_holiday_viewset():
    return HolidayViewSet()
