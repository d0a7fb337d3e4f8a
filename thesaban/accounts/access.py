"""Who may see and do what, and where: the one place that answers it.

A municipality is a Wagtail `Site`. A staff account belongs to one (`StaffMembership`) and
holds roles there through groups: site-wide roles (`SiteRole`: web operator, IT administrator,
grant confirmer) and division roles (each `Division`'s preparers and supervisors). A superuser
without a membership is the host's (the hosting provider) and sees every municipality.

Views, reports, exports, commands and services ask these functions and never re-state the
rules; the QuerySet methods of the models (`Division.objects.for_user`) come here too.

What a person's groups are is read once per request and kept on the user object: a menu, a
dashboard or a listing asks the same questions many times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from wagtail.models import Page, Site

if TYPE_CHECKING:
    from .models import Division


@dataclass
class _Roles:
    site_id: int | None
    # The tree path of the municipality's home page: its pages are the ones below it.
    site_root_path: str | None = None
    # (site id, role key) of every site-wide role group the person is in.
    site_roles: set[tuple[int, str]] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)


def _roles(user: AbstractBaseUser) -> _Roles:
    if "_thesaban_roles" not in user.__dict__:
        # One query: the municipality and every group, with its site-wide role if any.
        rows = list(
            get_user_model()
            ._default_manager.filter(pk=user.pk)
            .values_list(
                "staff_membership__site_id",
                "staff_membership__site__root_page__path",
                "groups__id",
                "groups__site_role__site_id",
                "groups__site_role__role",
            )
        )
        site_id, root_path = (rows[0][0], rows[0][1]) if rows else (None, None)
        user.__dict__["_thesaban_roles"] = _Roles(
            site_id=site_id,
            site_root_path=root_path,
            site_roles={(site, role) for *_ignored, site, role in rows if site is not None},
            group_ids={row[2] for row in rows if row[2] is not None},
        )
    return user.__dict__["_thesaban_roles"]


def forget(user: AbstractBaseUser) -> None:
    """Drop what was read of `user`'s roles (after their groups or municipality changed)."""
    user.__dict__.pop("_thesaban_roles", None)


def _active(user: AbstractBaseUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _site_id(site: Site | int | None) -> int | None:
    return site.pk if isinstance(site, Site) else site


# --- Municipalities -------------------------------------------------------------------


def is_host_administrator(user: AbstractBaseUser | None) -> bool:
    """The hosting provider: a superuser of no municipality. Only they create one."""
    return _active(user) and user.is_superuser and _roles(user).site_id is None


def site_id_of(user: AbstractBaseUser | None) -> int | None:
    """The id of the municipality `user` belongs to (None for the host and for strangers)."""
    return _roles(user).site_id if _active(user) else None


def site_of(user: AbstractBaseUser | None) -> Site | None:
    site_id = site_id_of(user)
    return Site.objects.filter(pk=site_id).select_related("root_page").first() if site_id else None


def sites_for(user: AbstractBaseUser | None) -> QuerySet[Site]:
    """The municipalities whose records `user` may see at all."""
    if not _active(user):
        return Site.objects.none()
    if is_host_administrator(user):
        return Site.objects.all()
    site_id = site_id_of(user)
    return Site.objects.filter(pk=site_id) if site_id else Site.objects.none()


def may_see_site(user: AbstractBaseUser | None, site: Site | int | None) -> bool:
    if not _active(user) or site is None:
        return False
    return is_host_administrator(user) or site_id_of(user) == _site_id(site)


def site_id_of_page(page: Page) -> int | None:
    """The municipality a page belongs to: the site whose home page is it or its ancestor
    (from Wagtail's cached root paths, no query once they are read)."""
    best: tuple[int, int] | None = None
    for root in Site.get_site_root_paths():
        if page.url_path.startswith(root.root_path) and (
            best is None or len(root.root_path) > best[1]
        ):
            best = (root.site_id, len(root.root_path))
    return best[0] if best else None


def limit_to_sites_of(user: AbstractBaseUser | None, queryset: QuerySet, field: str = "site"):
    """`queryset` cut to the records of the municipalities `user` may see (by `field`)."""
    if is_host_administrator(user):
        return queryset
    site_id = site_id_of(user)
    if site_id is None:
        return queryset.none()
    return queryset.filter(**{field: site_id})


def pages_of_site(site: Site, queryset: QuerySet | None = None) -> QuerySet:
    """The pages of the municipality `site`: its home page and the tree below it, but for
    another municipality whose home page is below it (as `site_id_of_page` decides)."""
    queryset = Page.objects.all() if queryset is None else queryset
    root_path = site.root_page.path
    queryset = queryset.filter(path__startswith=root_path)
    for nested in (
        Site.objects.filter(root_page__path__startswith=root_path)
        .exclude(root_page__path=root_path)
        .values_list("root_page__path", flat=True)
    ):
        queryset = queryset.exclude(path__startswith=nested)
    return queryset


def site_root_path_of(user: AbstractBaseUser | None) -> str | None:
    """The tree path of the home page of `user`'s municipality (no query once roles are read)."""
    return _roles(user).site_root_path if _active(user) else None


def pages_for(user: AbstractBaseUser | None, queryset: QuerySet | None = None) -> QuerySet:
    """Pages of the municipalities `user` may see (the tree below their site's home page)."""
    queryset = Page.objects.all() if queryset is None else queryset
    if is_host_administrator(user):
        return queryset
    root_path = site_root_path_of(user)
    if root_path is None:
        return queryset.none()
    return queryset.filter(path__startswith=root_path)


# --- Roles ----------------------------------------------------------------------------


def has_site_role(user: AbstractBaseUser | None, role: str, site: Site | int | None = None) -> bool:
    """Whether `user` holds the site-wide `role` in `site` (in their own municipality if None)."""
    if not _active(user):
        return False
    held = _roles(user)
    site_id = _site_id(site) if site is not None else held.site_id
    return (site_id, role) in held.site_roles


def is_web_operator(user: AbstractBaseUser | None, site: Site | int | None = None) -> bool:
    return has_site_role(user, "web_operator", site)


def is_it_administrator(user: AbstractBaseUser | None, site: Site | int | None = None) -> bool:
    return has_site_role(user, "it_administrator", site)


def is_grant_confirmer(user: AbstractBaseUser | None, site: Site | int | None = None) -> bool:
    return has_site_role(user, "grant_confirmer", site)


def is_preparer_of(user: AbstractBaseUser | None, division: Division | None) -> bool:
    if division is None or division.preparers_id is None or not _active(user):
        return False
    return division.preparers_id in _roles(user).group_ids


def is_supervisor_of(user: AbstractBaseUser | None, division: Division | None) -> bool:
    if division is None or division.supervisors_id is None or not _active(user):
        return False
    return division.supervisors_id in _roles(user).group_ids


def works_in(user: AbstractBaseUser | None, division: Division | None) -> bool:
    """A preparer or supervisor of `division`."""
    return is_preparer_of(user, division) or is_supervisor_of(user, division)


def oversees(user: AbstractBaseUser | None, site: Site | int | None = None) -> bool:
    """Sees and may act on the work of every division of `site` (their own if None): the
    host's superusers, superusers of that municipality and its web operators."""
    if not _active(user):
        return False
    if is_host_administrator(user):
        return True
    own = site_id_of(user)
    if site is not None and _site_id(site) != own:
        return False
    return (user.is_superuser and own is not None) or is_web_operator(user, own)


def may_act_for(user: AbstractBaseUser | None, division: Division | None) -> bool:
    """May correct or act on what `division` answers for: its preparers and supervisors,
    and those who oversee its municipality."""
    if division is None:
        return oversees(user)
    return oversees(user, division.site_id) or works_in(user, division)


def may_act_on_page(user: AbstractBaseUser | None, page: Page) -> bool:
    """May act on `page` (check it again, answer its findings): those who oversee its
    municipality and the staff of the division that owns it."""
    if oversees(user, site_id_of_page(page)):
        return True
    from .models import Division

    return works_in(user, Division.objects.owning(page))


def divisions_for(user: AbstractBaseUser | None, divisions: QuerySet[Division] | None = None):
    """The divisions whose work `user` may see (`Division.objects.for_user`)."""
    from .models import Division

    divisions = Division.objects.all() if divisions is None else divisions
    if not _active(user):
        return divisions.none()
    if is_host_administrator(user):
        return divisions
    site_id = site_id_of(user)
    if site_id is None:
        return divisions.none()
    divisions = divisions.filter(site_id=site_id)
    if oversees(user, site_id):
        return divisions
    group_ids = _roles(user).group_ids
    return divisions.filter(Q(preparers_id__in=group_ids) | Q(supervisors_id__in=group_ids))


def divisions_worked_in(user: AbstractBaseUser | None, divisions: QuerySet[Division] | None = None):
    """The divisions `user` prepares for or supervises (whoever else they oversee)."""
    from .models import Division

    divisions = Division.objects.all() if divisions is None else divisions
    if not _active(user):
        return divisions.none()
    group_ids = _roles(user).group_ids
    return divisions.filter(Q(preparers_id__in=group_ids) | Q(supervisors_id__in=group_ids))


def supervises_any(user: AbstractBaseUser | None) -> bool:
    if not _active(user):
        return False
    from .models import Division

    return Division.objects.filter(supervisors_id__in=_roles(user).group_ids).exists()


def manages_accounts(user: AbstractBaseUser | None, site: Site | int | None = None) -> bool:
    """Creates staff accounts and hands out roles in `site` (their own if None)."""
    if not _active(user):
        return False
    if is_host_administrator(user):
        return True
    own = site_id_of(user)
    if site is not None and _site_id(site) != own:
        return False
    return own is not None and (user.is_superuser or is_it_administrator(user, own))
