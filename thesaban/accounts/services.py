"""Setting up the role groups. Shared by the demo loader and (later) data migrations."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from . import roles

_CONTENT_PAGE_PERMISSIONS = ("add_page", "change_page")
_MEDIA_PERMISSIONS = {
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
    "wagtailimages": ("add_image", "change_image", "choose_image"),
}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_content_rights(group: Group, *, root: Page, collection: Collection, publish: bool):
    page_codenames = _CONTENT_PAGE_PERMISSIONS + (("publish_page",) if publish else ())
    for codename in page_codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=_permission("wagtailcore", codename)
        )
    for app_label, codenames in _MEDIA_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )


def ensure_role_groups(*, root: Page) -> dict[str, Group]:
    """Create the four role groups with their rights below `root`; safe to run again."""
    collection = Collection.get_first_root_node()
    access_admin = _permission("wagtailadmin", "access_admin")
    groups: dict[str, Group] = {}
    for key, (name, _description) in roles.ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[key] = group

    _grant_content_rights(groups["preparer"], root=root, collection=collection, publish=False)
    _grant_content_rights(groups["supervisor"], root=root, collection=collection, publish=False)
    # Until the three-step workflow (issue #3) lands, the web operator publishes directly.
    _grant_content_rights(groups["web_operator"], root=root, collection=collection, publish=True)
    groups["it_administrator"].permissions.add(
        *(
            _permission("auth", codename)
            for codename in ("add_user", "change_user", "view_user", "view_group")
        ),
        *(
            _permission("accounts", codename)
            for codename in ("add_division", "change_division", "view_division")
        ),
    )
    return groups
