"""Wagtail's site history, each municipality's own (`access.log_entries_for`).

Wagtail lists every page entry the person may edit and every model entry whose model they
have a right on; on an install of many municipalities that would show another's people,
accounts and findings. Served at Wagtail's own addresses (`thesaban/urls.py`).
"""

from django.contrib.auth import get_user_model
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry

from .. import access


class MunicipalitySiteHistoryFilterSet(SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        user = self.request.user
        user_ids = set()
        for log_model in log_action_registry.get_log_entry_models():
            entries = access.log_entries_for(user, log_model.objects.viewable_by_user(user))
            user_ids.update(entries.get_user_ids())
        users = get_user_model()
        return users.objects.filter(pk__in=user_ids).order_by(users.USERNAME_FIELD)


class MunicipalityLogEntriesView(LogEntriesView):
    filterset_class = MunicipalitySiteHistoryFilterSet

    def filter_queryset(self, queryset):
        return super().filter_queryset(access.log_entries_for(self.request.user, queryset))
