from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from thesaban.accounts.views.site_history import MunicipalityLogEntriesView
from thesaban.core.slugs import thai_serve_path
from thesaban.pages import feeds as page_feeds
from thesaban.pages import views as page_views
from thesaban.publishing import admin_views as publishing_admin_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Staff sign-in (password, TOTP code, first-login password) before Wagtail's admin URLs.
    path("admin/", include("thesaban.accounts.urls")),
    # Wagtail's workflow action, wrapped so that a refusal says why (thesaban.publishing).
    path(
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        require_admin_access(publishing_admin_views.workflow_action),
        name="wagtailadmin_pages_workflow_action_checked",
    ),
    # Wagtail's site history, each municipality's own (accounts.access.log_entries_for).
    path("admin/reports/site-history/", MunicipalityLogEntriesView.as_view()),
    path(
        "admin/reports/site-history/results/",
        MunicipalityLogEntriesView.as_view(results_only=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", page_views.search, name="search"),
    path("feeds/news/<int:page_id>/", page_feeds.news_feed, name="news_feed"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", page_views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's own pattern cannot match Thai vowel and tone marks; see core/slugs.py.
urlpatterns += [path("", include(wagtail_urls)), thai_serve_path()]
