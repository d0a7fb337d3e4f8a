"""Who may see and do what, and where: the one place that answers it.

A municipality is a Wagtail `Site`. A staff account belongs to one (`StaffMembership`) and
holds roles there through groups: site-wide roles (`SiteRole`: web operator, IT administrator,
grant confirmer) and division roles (each `Division`'s preparers and supervisors).

Superusers are the host's (the hosting provider): they see every municipality, and only they
create one. A municipality's own staff are never superusers, since Wagtail lets a superuser
past every permission check, including those that keep one site's staff off another's.

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
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

if TYPE_CHECKING:
    from .models import Division, RoleGrant


@dataclass
class _Roles:
    site_id: int | None
    # The tree path of the municipality's home page: its pages are the ones below it.
    site_root_path: str | None = None
    # (site id, role key) of every site-wide role group the person is in.
    site_roles: set[tuple[int, str]] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)
    site: Site | None = None
    # `divisions_for`'s answer as ids, once asked (all, and the active ones).
    division_ids: frozenset[int] | None = None
    active_division_ids: frozenset[int] | None = None


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
    """The hosting provider (a superuser). Only they create a municipality."""
    return _active(user) and user.is_superuser


def site_id_of(user: AbstractBaseUser | None) -> int | None:
    """The id of the municipality `user` belongs to (None for the host and for strangers)."""
    return _roles(user).site_id if _active(user) else None


def site_of(user: AbstractBaseUser | None) -> Site | None:
    """The municipality `user` belongs to, with its home page (read once per request)."""
    site_id = site_id_of(user)
    if site_id is None:
        return None
    held = _roles(user)
    if held.site is None:
        held.site = Site.objects.select_related("root_page").get(pk=site_id)
    return held.site


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
    host's superusers and the municipality's web operators."""
    if not _active(user):
        return False
    if is_host_administrator(user):
        return True
    own = site_id_of(user)
    if site is not None and _site_id(site) != own:
        return False
    return is_web_operator(user, own)


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


def division_ids_for(user: AbstractBaseUser | None) -> frozenset[int]:
    """The ids of `divisions_for(user)`, read once per request."""
    if not _active(user):
        return frozenset()
    held = _roles(user)
    if held.division_ids is None:
        held.division_ids = frozenset(divisions_for(user).values_list("pk", flat=True))
    return held.division_ids


def active_division_ids_for(user: AbstractBaseUser | None) -> frozenset[int]:
    """The ids of the active divisions of `divisions_for(user)`, read once per request."""
    if not _active(user):
        return frozenset()
    held = _roles(user)
    if held.active_division_ids is None:
        held.active_division_ids = frozenset(
            divisions_for(user).filter(is_active=True).values_list("pk", flat=True)
        )
    return held.active_division_ids


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
    return own is not None and is_it_administrator(user, own)


# --- Records named in an admin address ---------------------------------------------------
# Wagtail's admin views take ids from the address and mostly ask model-wide permissions, not
# which municipality the record is of: the guard (`middleware.MunicipalityGuardMiddleware`)
# asks here first, so that another municipality's id answers 404 whatever the view.

PAGE_ARGUMENTS = frozenset(
    {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}
)
IMAGE_ARGUMENTS = frozenset({"image_id"})
DOCUMENT_ARGUMENTS = frozenset({"document_id", "doc_id"})
REVISION_ARGUMENTS = frozenset({"revision_id", "revision_id_a", "revision_id_b"})
OBJECT_ARGUMENTS = frozenset({"pk", "object_id", "id"})


def _page_allowed(user: AbstractBaseUser, page_id) -> bool:
    page = Page.objects.filter(pk=page_id).only("path", "depth").first()
    if page is None:
        return True  # the view answers 404 itself
    root_path = site_root_path_of(user)
    if root_path is None:
        return False
    # Their own tree, and the tree's root above it (where Wagtail's choosers start).
    return page.path.startswith(root_path) or root_path.startswith(page.path)


def _collection_ids(user: AbstractBaseUser) -> set[int]:
    from .models import SiteCollection

    site_id = site_id_of(user)
    link = SiteCollection.objects.filter(site_id=site_id).select_related("collection").first()
    if link is None:
        return set()
    return set(link.collection.get_descendants(inclusive=True).values_list("pk", flat=True))


def record_allowed(user: AbstractBaseUser, model, pk) -> bool:
    """Whether `user` may open the record `pk` of `model` at all: it is of their
    municipality (or of none). Host superusers may open anything."""
    from django.contrib.auth.models import Group
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Revision, TaskState, WorkflowState

    from .models import Division, SiteRole

    if is_host_administrator(user):
        return True
    if model is None:
        return True
    site_id = site_id_of(user)
    if issubclass(model, Page):
        return _page_allowed(user, pk)
    if issubclass(model, Site):
        return str(pk) == str(site_id)
    if issubclass(model, get_user_model()):
        from .models import StaffMembership

        target = StaffMembership.objects.filter(user_id=pk).values_list("site_id", flat=True)
        found = list(target)
        if found:
            return found[0] == site_id
        # An account of no municipality is the host's (a superuser) or not yet placed.
        return not get_user_model()._default_manager.filter(pk=pk, is_superuser=True).exists()
    if issubclass(model, Group):
        from .services import site_of_groups

        group = Group.objects.filter(pk=pk).first()
        if group is None:
            return True
        sites = site_of_groups([group])
        return not sites or sites == {site_id}
    if issubclass(model, (get_image_model(), get_document_model())):
        collection = model._default_manager.filter(pk=pk).values_list("collection_id", flat=True)
        found = list(collection)
        return not found or found[0] in _collection_ids(user)
    if issubclass(model, Collection):
        return int(pk) in _collection_ids(user) if str(pk).isdigit() else True
    if issubclass(model, Revision):
        revision = Revision.objects.filter(pk=pk).first()
        return revision is None or _object_allowed(user, revision.content_object)
    if issubclass(model, (WorkflowState, TaskState)):
        state = model._default_manager.filter(pk=pk).first()
        if state is None:
            return True
        workflow_state = state if isinstance(state, WorkflowState) else state.workflow_state
        return _object_allowed(user, workflow_state.content_object)
    if issubclass(model, Division):
        return not Division.objects.filter(pk=pk).exclude(site_id=site_id).exists()
    if issubclass(model, SiteRole):
        return not SiteRole.objects.filter(pk=pk).exclude(site_id=site_id).exists()
    if any(field.name == "site" for field in model._meta.get_fields()):
        return not model._default_manager.filter(pk=pk).exclude(site_id=site_id).exists()
    return True


def _object_allowed(user: AbstractBaseUser, obj) -> bool:
    if obj is None:
        return True
    return record_allowed(user, type(obj), obj.pk)


def address_allowed(user: AbstractBaseUser, *, model, arguments: dict) -> bool:
    """Whether every record the admin address names (`arguments`, `model` of its view) is
    of `user`'s municipality."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Revision, TaskState, WorkflowState

    if is_host_administrator(user):
        return True
    checks = []
    for name, value in arguments.items():
        if name in PAGE_ARGUMENTS:
            checks.append((Page, value))
        elif name in IMAGE_ARGUMENTS:
            checks.append((get_image_model(), value))
        elif name in DOCUMENT_ARGUMENTS:
            checks.append((get_document_model(), value))
        elif name in REVISION_ARGUMENTS:
            checks.append((Revision, value))
        elif name == "task_state_id":
            checks.append((TaskState, value))
        elif name == "workflow_state_id":
            checks.append((WorkflowState, value))
        elif name == "site_pk":
            checks.append((Site, value))
        elif name in OBJECT_ARGUMENTS and model is not None:
            checks.append((model, value))
    for checked_model, value in checks:
        try:
            if not record_allowed(user, checked_model, value):
                return False
        except (ValueError, TypeError):
            continue  # not an id this model has: the view answers it
    return True


# --- Audit log --------------------------------------------------------------------------


def records_of_site_query(user: AbstractBaseUser, model) -> QuerySet | None:
    """The records of `model` that belong to `user`'s municipality, as a query of their ids
    (as text, as audit entries keep them); None for a model no municipality owns."""
    from django.contrib.auth.models import Group
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from .models import Division

    site_id = site_id_of(user)
    if model is None:
        return None
    if issubclass(model, get_user_model()):
        records = model._default_manager.filter(staff_membership__site_id=site_id)
    elif issubclass(model, Group):
        from .services import groups_of_site

        records = groups_of_site(site_id)
    elif issubclass(model, (get_image_model(), get_document_model())):
        records = model._default_manager.filter(collection_id__in=_collection_ids(user))
    elif issubclass(model, Division) or any(
        field.name == "site" for field in model._meta.get_fields()
    ):
        records = model._default_manager.filter(site_id=site_id)
    elif issubclass(model, Site):
        records = Site.objects.filter(pk=site_id)
    else:
        return None
    return records.annotate(id_text=Cast("pk", CharField())).values("id_text")


def log_entries_for(user: AbstractBaseUser, entries: QuerySet) -> QuerySet:
    """Audit entries (`PageLogEntry` or `ModelLogEntry`) of `user`'s municipality only."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import PageLogEntry

    if is_host_administrator(user):
        return entries
    if issubclass(entries.model, PageLogEntry):
        root_path = site_root_path_of(user)
        return entries.filter(page__path__startswith=root_path) if root_path else entries.none()
    if site_id_of(user) is None:
        return entries.none()
    allowed = Q(pk__in=[])
    for content_type_id in entries.order_by().values_list("content_type_id", flat=True).distinct():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        records = records_of_site_query(user, model)
        if records is None:
            allowed |= Q(content_type_id=content_type_id)
        else:
            allowed |= Q(content_type_id=content_type_id, object_id__in=records)
    return entries.filter(allowed)


def pages_in_reach(user: AbstractBaseUser | None, pages: QuerySet) -> QuerySet:
    """`pages` cut to the tree of `user`'s municipality and the page(s) above its home page
    (Wagtail's explorer and choosers start from the tree's root)."""
    if is_host_administrator(user):
        return pages
    root_path = site_root_path_of(user)
    if root_path is None:
        return pages.none()
    above = [root_path[:end] for end in range(Page.steplen, len(root_path), Page.steplen)]
    return pages.filter(Q(path__startswith=root_path) | Q(path__in=above))


# Wagtail screens about the whole install, with nothing of one municipality's own: the host's.
HOST_ONLY_VIEWS = frozenset(
    {
        "wagtailadmin_reports:page_types_usage",
        "wagtailadmin_reports:page_types_usage_results",
    }
)


def may_open_view(user: AbstractBaseUser | None, view_name: str) -> bool:
    return view_name not in HOST_ONLY_VIEWS or is_host_administrator(user)


# --- Role grants (docs/decisions/0006-role-assignments.md) ------------------------------


def confirms_grants(user: AbstractBaseUser | None, site: Site | int | None = None) -> bool:
    """Decides the role grants waiting in `site` (their own if None): the host's superusers
    and the municipality's grant confirmers (the municipal clerk)."""
    if not _active(user):
        return False
    if is_host_administrator(user):
        return True
    own = site_id_of(user)
    if own is None or (site is not None and _site_id(site) != own):
        return False
    return is_grant_confirmer(user, own)


def grant_decision_refusal(user: AbstractBaseUser | None, grant: RoleGrant) -> str | None:
    """Why `user` may not confirm or refuse `grant` (in Thai), or None if they may.

    The second person must be someone else than the one who gains the role, the one who
    asked for it and the one who made the account: otherwise one person (or one person and
    an account they made and control) would be both.
    """
    from .models import StaffMembership

    if not confirms_grants(user, grant.site_id):
        return _("ท่านไม่มีสิทธิ์ยืนยันการให้สิทธิ์ของเทศบาลนี้")
    if user.pk == grant.account_id:
        return _("ยืนยันการให้สิทธิ์แก่ตนเองไม่ได้")
    if user.pk == grant.requested_by_id:
        return _("ยืนยันคำขอที่ท่านเป็นผู้ขอเองไม่ได้")
    if StaffMembership.objects.filter(user_id=grant.account_id, created_by_id=user.pk).exists():
        return _("ยืนยันการให้สิทธิ์แก่บัญชีที่ท่านสร้างเองไม่ได้")
    return None


def may_decide_grant(user: AbstractBaseUser | None, grant: RoleGrant) -> bool:
    return grant_decision_refusal(user, grant) is None


def users_in_reach(user: AbstractBaseUser | None, users: QuerySet) -> QuerySet:
    """`users` cut to the staff of `user`'s municipality (every account, for the host)."""
    if is_host_administrator(user):
        return users
    site_id = site_id_of(user)
    return users.filter(staff_membership__site_id=site_id) if site_id else users.none()


# --- Managing a municipality's accounts and divisions ----------------------------------


def sites_managed_by(user: AbstractBaseUser | None) -> QuerySet[Site]:
    """The municipalities whose accounts and divisions `user` manages."""
    if is_host_administrator(user):
        return Site.objects.all()
    return sites_for(user) if manages_accounts(user) else Site.objects.none()


def divisions_managed_by(
    user: AbstractBaseUser | None, divisions: QuerySet[Division] | None = None
):
    """The divisions `user` may create, rename and deactivate: every division of the
    municipalities whose accounts they manage (active or not)."""
    from .models import Division

    divisions = Division.objects.all() if divisions is None else divisions
    if not manages_accounts(user):
        return divisions.none()
    return limit_to_sites_of(user, divisions)


def account_site_id(account: AbstractBaseUser) -> int | None:
    """The municipality a staff account belongs to, active or not (None: the host's, or of
    no municipality yet)."""
    return _roles(account).site_id


def accounts_for(user: AbstractBaseUser | None, accounts: QuerySet | None = None) -> QuerySet:
    """The staff accounts `user` manages: those of their municipality (every account for the
    host). Accounts of another municipality, and the host's own, are never shown to them."""
    accounts = get_user_model()._default_manager.all() if accounts is None else accounts
    if not manages_accounts(user):
        return accounts.none()
    return limit_to_sites_of(user, accounts, field="staff_membership__site")


def may_manage_account(user: AbstractBaseUser | None, account: AbstractBaseUser) -> bool:
    """Whether `account` is one of the accounts `user` manages (`accounts_for`)."""
    if is_host_administrator(user):
        return True
    own = site_id_of(user)
    return own is not None and account_site_id(account) == own and manages_accounts(user, own)


def groups_for(user: AbstractBaseUser | None, groups: QuerySet | None = None) -> QuerySet:
    """The role groups `user` may see and hand out: their municipality's (all for the host)."""
    from django.contrib.auth.models import Group

    from .services import groups_of_site

    groups = Group.objects.all() if groups is None else groups
    if is_host_administrator(user):
        return groups
    site_id = site_id_of(user)
    if site_id is None:
        return groups.none()
    return groups.filter(pk__in=groups_of_site(site_id))
