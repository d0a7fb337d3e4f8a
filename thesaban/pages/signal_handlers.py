"""Keep the anonymous page cache true to what is published.

Any change a visitor could see clears the whole page cache: pages are cheap to render again,
and a stale page after an emergency takedown is not acceptable.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from thesaban.core.page_cache import clear_page_cache

# What Wagtail writes on a draft or a lock of a snippet under the workflow (a person): not
# visible to the public, so not a reason to empty the cache.
_UNPUBLISHED_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_at", "locked_by"}
)


def _clear(update_fields=None, **_kwargs) -> None:
    if update_fields and frozenset(update_fields) <= _UNPUBLISHED_FIELDS:
        return
    clear_page_cache()
    # Publishing inside a transaction (the workflow's last approval, a takedown, the
    # scheduler): a visitor served between this clear and the commit would put the old page
    # back in the cache, so clear again once the change is visible to everyone.
    transaction.on_commit(clear_page_cache)


def register() -> None:
    from wagtail.models import Page, PageViewRestriction, Site

    from thesaban.core.models import MunicipalitySettings, SiteDocument, SiteImage

    from .models import Attachment, Person

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(_clear, dispatch_uid=f"thesaban-page-cache-{signal!r}")
    post_delete.connect(_clear, sender=Page, dispatch_uid="thesaban-page-cache-page-delete")
    # Every deployment runs `migrate`: new templates must not be hidden behind cached pages.
    post_migrate.connect(_clear, dispatch_uid="thesaban-page-cache-migrate")
    # A page's attachments are saved when it is published; saved any other way (a script, the
    # shell) they must still show at once.
    for model in (
        Person,
        Attachment,
        SiteDocument,
        SiteImage,
        MunicipalitySettings,
        Site,
        PageViewRestriction,
    ):
        post_save.connect(
            _clear, sender=model, dispatch_uid=f"thesaban-cache-save-{model.__name__}"
        )
        post_delete.connect(
            _clear, sender=model, dispatch_uid=f"thesaban-cache-del-{model.__name__}"
        )
