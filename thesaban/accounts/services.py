"""Setting up role groups and division rights. Shared by the demo loader, signals and migrations.

Two kinds of groups carry the roles of the announcement:

- site-wide groups for the web operator and the IT administrator (`roles.ROLES`);
- two groups per division, "<division> · ผู้จัดทำข้อมูล" and "<division> · ผู้บังคับบัญชา",
  created with the division. Their page rights cover only the division's sections, which is
  what scopes a preparer or a supervisor to their own division.

No group ever receives Wagtail's publish permission: only the three-step workflow publishes
(see `thesaban.publishing`).

The second half holds the staff sign-in rules: who owes a TOTP code or a new password before
the admin opens, and who may manage whose account.
"""

import dataclasses
import enum
import ipaddress
import logging
from base64 import b32encode
from collections.abc import Iterable
from datetime import datetime

from axes import helpers as axes_helpers
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Site

from thesaban.core.setup import role_permissions, roles_with_permissions

from . import roles
from .models import (
    AccountSecurity,
    Division,
    RoleGrant,
    SiteCollection,
    SiteRole,
    StaffMembership,
)

_MEDIA_PERMISSIONS = {
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
    "wagtailimages": ("add_image", "change_image", "choose_image"),
}
# Page rights per division role. Supervisors may correct a page, but an edit makes a new
# revision that they then cannot approve themselves (maker–checker, thesaban.publishing).
_DIVISION_PAGE_PERMISSIONS = {
    "preparers": ("add_page", "change_page"),
    "supervisors": ("change_page",),
}


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _role_permissions(role_key: str) -> list[Permission]:
    """The model permissions the apps registered for the role (`core.setup`)."""
    unknown = set(roles_with_permissions()) - set(roles.ROLES)
    if unknown:
        raise ImproperlyConfigured(f"Permissions registered for unknown roles: {sorted(unknown)}")
    return [_permission(app, codename) for app, codename in role_permissions(role_key)]


def site_label(site: Site) -> str:
    """How group names tell municipalities apart: Django's group names are unique."""
    return site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"


def site_collection(site: Site) -> Collection:
    """The municipality's own collection of images and documents (made on first use).

    Staff choose and upload files only in their municipality's collection: another
    municipality's images never appear in their choosers.
    """
    root = Collection.get_first_root_node()
    name = f"{site.site_name or site.hostname} ({site_label(site)})"
    existing = SiteCollection.objects.filter(site=site).select_related("collection").first()
    if existing is not None:
        if existing.collection.name != name:
            existing.collection.name = name
            existing.collection.save(update_fields=["name"])
        return existing.collection
    collection = root.add_child(instance=Collection(name=name))
    SiteCollection.objects.create(site=site, collection=collection)
    return collection


def _grant_media_rights(group: Group, site: Site) -> None:
    collection = site_collection(site)
    for app_label, codenames in _MEDIA_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )
    # Rights granted on the shared root collection before municipalities had their own.
    GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection).delete()


def role_group_name(site: Site, role_key: str) -> str:
    return f"{roles.ROLES[role_key][0]} ({site_label(site)})"


def role_group(site: Site | int, role_key: str) -> Group:
    """The group through which people hold the site-wide `role_key` in `site`."""
    return Group.objects.get(site_role__site=site, site_role__role=role_key)


@transaction.atomic
def ensure_role_groups(*, site: Site) -> dict[str, Group]:
    """Create the municipality's site-wide role groups with their rights below its home page;
    safe to run again (renames them if the site's address changed)."""
    root = site.root_page
    access_admin = _permission("wagtailadmin", "access_admin")
    groups: dict[str, Group] = {}
    for key in roles.SITE_ROLES:
        name = role_group_name(site, key)
        held = SiteRole.objects.filter(site=site, role=key).select_related("group").first()
        if held is None:
            group, _created = Group.objects.get_or_create(name=name)
            SiteRole.objects.create(site=site, role=key, group=group)
        else:
            group = held.group
            if group.name != name:
                group.name = name
                group.save(update_fields=["name"])
        group.permissions.add(access_admin)
        groups[key] = group

    operator = groups["web_operator"]
    # The web operator reviews every division's pages and may correct them; publishing itself
    # happens only when the operator approves the workflow's last step.
    change_page = _permission("wagtailcore", "change_page")
    GroupPagePermission.objects.get_or_create(group=operator, page=root, permission=change_page)
    GroupPagePermission.objects.filter(group=operator, permission=change_page).exclude(
        page=root
    ).delete()
    _grant_media_rights(operator, site)
    # Each app names the rights it gives a role from its AppConfig.ready (`core.setup`).
    for key, group in groups.items():
        group.permissions.add(*_role_permissions(key))
    return groups


def division_group_name(division: Division, role_key: str) -> str:
    return f"{division.name} · {roles.ROLES[role_key][0]} ({site_label(division.site)})"


@transaction.atomic
def ensure_division_groups(division: Division) -> None:
    """Create or rename the division's two groups and give them rights on its sections only."""
    access_admin = _permission("wagtailadmin", "access_admin")
    changed = False
    for field, role_key in (("preparers", "preparer"), ("supervisors", "supervisor")):
        model_permissions = _role_permissions(role_key)
        name = division_group_name(division, role_key)
        group = getattr(division, field)
        if group is None:
            group, _created = Group.objects.get_or_create(name=name)
            setattr(division, field, group)
            changed = True
        elif group.name != name:
            group.name = name
            group.save(update_fields=["name"])
        group.permissions.add(access_admin, *model_permissions)
        _grant_media_rights(group, division.site)
        _sync_page_rights(group, division, _DIVISION_PAGE_PERMISSIONS[field])
    if changed:
        Division.objects.filter(pk=division.pk).update(
            preparers=division.preparers, supervisors=division.supervisors
        )


def _sync_page_rights(group: Group, division: Division, codenames: tuple[str, ...]) -> None:
    sections = list(division.sections.all())
    wanted = {(page.pk, codename) for page in sections for codename in codenames}
    permissions = {codename: _permission("wagtailcore", codename) for codename in codenames}
    existing = GroupPagePermission.objects.filter(group=group).select_related("permission")
    for grant in existing:
        if (grant.page_id, grant.permission.codename) not in wanted:
            grant.delete()
    for page_id, codename in wanted:
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=page_id, permission=permissions[codename]
        )


def role_groups_setup_step(*, home, site: Site) -> None:
    """`core.setup` step: the role groups of a municipality being set up."""
    ensure_role_groups(site=site)


def ensure_all_role_groups() -> None:
    """Every municipality's role groups and every division's, with today's rights: run after
    each `migrate`, so an install has its roles without the demo loader."""
    for site in Site.objects.select_related("root_page"):
        ensure_role_groups(site=site)
    for division in Division.objects.select_related("site", "preparers", "supervisors"):
        ensure_division_groups(division)
    adopt_unplaced_files()


def adopt_unplaced_files() -> int:
    """Images and documents in Wagtail's shared root collection go to the municipality's own,
    where its staff have rights on them, when the install has one municipality (as every
    install had before municipalities had collections). With several, whose they are is not
    known: they stay for the host to place. Returns how many moved."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    sites = list(Site.objects.all()[:2])
    root = Collection.get_first_root_node()
    if len(sites) != 1 or root is None:
        return 0
    collection = site_collection(sites[0])
    return sum(
        model.objects.filter(collection=root).update(collection=collection)
        for model in (get_image_model(), get_document_model())
    )


def site_of_groups(groups: Iterable[Group]) -> set[int]:
    """The municipalities the role groups belong to (groups of no municipality left out)."""
    ids = [group.pk for group in groups]
    return (
        set(SiteRole.objects.filter(group_id__in=ids).values_list("site_id", flat=True))
        | set(Division.objects.filter(preparers_id__in=ids).values_list("site_id", flat=True))
        | set(Division.objects.filter(supervisors_id__in=ids).values_list("site_id", flat=True))
    )


def join_municipality_of_groups(user: AbstractUser) -> None:
    """Record which municipality `user` belongs to from the role groups they are in.

    A person's roles are all of one municipality: holding a role in two would let one
    account see and act on both.
    """
    sites = site_of_groups(user.groups.all())
    if sites and user.is_superuser:
        # Wagtail lets a superuser past every check: one would see every municipality.
        raise ValidationError(_("ผู้ดูแลระบบสูงสุดของผู้ให้บริการไม่สังกัดเทศบาลใด จึงรับบทบาทในเทศบาลไม่ได้"))
    membership = StaffMembership.objects.filter(user=user).first()
    if membership is not None:
        sites.add(membership.site_id)
    if len(sites) > 1:
        raise ValidationError(_("บัญชีหนึ่งมีบทบาทได้ในเทศบาลเดียวเท่านั้น"))
    if sites and membership is None:
        StaffMembership.objects.create(user=user, site_id=sites.pop())
    from . import access

    access.forget(user)


def groups_of_site(site: Site | int):
    """The role groups of a municipality: its site-wide roles and its divisions'."""
    return Group.objects.filter(
        Q(site_role__site=site)
        | Q(division_of_preparers__site=site)
        | Q(division_of_supervisors__site=site)
    )


# --- Staff sign-in: second factor, first-login password, who may manage whom -------------
# The rules here are called by the sign-in views, the admin gate (`middleware`), the user
# screens and the tests' `log_in`, so that all of them agree on what a person still owes.

logger = logging.getLogger("thesaban.accounts")

# The web operator puts information in front of the public and the IT administrator hands
# out every other right: a stolen password alone must not be enough for either.
_TOTP_MANDATORY_ROLES = ("web_operator", "it_administrator", "grant_confirmer")
_TOTP_DEVICE_NAME = "แอปยืนยันตัวตน"


class SignInStep(enum.StrEnum):
    """A step a person still owes after the password, before the admin opens to them."""

    ENROL_TOTP = "enrol_totp"
    VERIFY_TOTP = "verify_totp"
    SET_PASSWORD = "set_password"


def totp_is_mandatory(user: AbstractUser) -> bool:
    if not settings.THESABAN_REQUIRE_TOTP:
        return False
    return (
        user.is_superuser or user.groups.filter(site_role__role__in=_TOTP_MANDATORY_ROLES).exists()
    )


def totp_step_owed(user: AbstractUser) -> SignInStep | None:
    """The second-factor step `user` owes once the password is right, if any.

    Anyone with a confirmed device enters its code, even where the setting or the role does
    not require it: they chose the protection and it must not be silently dropped.
    """
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return SignInStep.VERIFY_TOTP
    if totp_is_mandatory(user):
        return SignInStep.ENROL_TOTP
    return None


def must_change_password(user: AbstractUser) -> bool:
    return AccountSecurity.objects.filter(user=user, must_change_password=True).exists()


def sign_in_step_owed(user: AbstractUser, *, totp_verified: bool) -> SignInStep | None:
    """The next step a signed-in `user` owes before using the admin, or None.

    The same rules as `totp_step_owed` and `must_change_password`, in one query: the admin
    gate asks on every admin request.
    """
    if totp_verified:
        return SignInStep.SET_PASSWORD if must_change_password(user) else None
    facts = (
        get_user_model()
        ._default_manager.filter(pk=user.pk)
        .annotate(
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            mandatory_role=Exists(
                Group.objects.filter(user=OuterRef("pk"), site_role__role__in=_TOTP_MANDATORY_ROLES)
            ),
            owes_password=Exists(
                AccountSecurity.objects.filter(user=OuterRef("pk"), must_change_password=True)
            ),
        )
        .values_list("has_device", "mandatory_role", "owes_password")
        .first()
    )
    if facts is None:
        return None
    has_device, mandatory_role, owes_password = facts
    if has_device:
        return SignInStep.VERIFY_TOTP
    if settings.THESABAN_REQUIRE_TOTP and (user.is_superuser or mandatory_role):
        return SignInStep.ENROL_TOTP
    return SignInStep.SET_PASSWORD if owes_password else None


def require_password_change(*, user: AbstractUser, set_by: AbstractUser) -> None:
    """Make `user` choose their own password at their next sign-in: `set_by` has seen it."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"must_change_password": True})
    logger.info(
        "password set by another person: username=%s set_by=%s",
        user.get_username(),
        set_by.get_username(),
    )


def record_password_reset(
    *, user: AbstractUser, reset_by: AbstractUser, previous_email: str = ""
) -> None:
    """`reset_by` set a new password for `user`: `user` chooses their own at their next sign-in
    and is told by e-mail, also at `previous_email` if the address changed with the password
    (whoever took over an account would change both)."""
    from . import notifications

    require_password_change(user=user, set_by=reset_by)
    notifications.notify_password_reset(
        account=user, actor=reset_by, addresses=[previous_email, user.email]
    )


def set_own_password(*, user: AbstractUser, password: str) -> None:
    """Store the password `user` chose; they owe no password change any more."""
    user.set_password(password)
    user.save(update_fields=["password"])
    AccountSecurity.objects.filter(user=user).update(must_change_password=False)
    logger.info("password set by its owner: username=%s", user.get_username())


def start_totp_enrolment(*, user: AbstractUser) -> TOTPDevice:
    """The unconfirmed device `user` is enrolling; the same one until confirmed (a reload
    must not change the QR code the person has already scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, token: str) -> bool:
    """Confirm the enrolment if `token` is the device's current code."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("TOTP device enrolled: username=%s", device.user.get_username())
    return True


@transaction.atomic
def verify_totp(*, user: AbstractUser, token: str) -> TOTPDevice | None:
    """The confirmed device of `user` that accepts `token`, or None.

    django-otp refuses a code already used and slows down repeated failures on the device.
    """
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=True).select_for_update()
    for device in devices:
        if device.verify_token(token):
            return device
    return None


def totp_qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code for an authenticator app."""
    # Imported here: qrcode loads Pillow's drawing modules, wanted only while enrolling.
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10)
    return image.to_string(encoding="unicode")


def totp_secret_for_typing(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, for people who cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def can_manage_account(*, actor: AbstractUser, account: AbstractUser) -> bool:
    """Whether `actor` may change `account` in the user screens.

    Only a superuser changes a superuser or a grant confirmer: whoever can reset a
    superuser's password can become one.
    """
    if actor.is_superuser:
        return True
    if account.is_superuser:
        return False
    # Whoever may reset the grant confirmer's password or clear their device can sign in as
    # them and confirm the grants they asked for themselves (docs/decisions/0006). Asked of the
    # groups, not of `access`, which ignores inactive accounts: one could be reactivated.
    if account.pk and account.groups.filter(site_role__role="grant_confirmer").exists():
        return False
    return actor.has_perm("auth.change_user")


def can_change_roles_of(*, actor: AbstractUser, account: AbstractUser) -> bool:
    """Whether `actor` may change the groups of `account`.

    Nobody but a superuser gives themselves a role: the IT administrator creates accounts
    and assigns roles but must not be able to make themselves a web operator and publish.
    """
    if actor.is_superuser:
        return True
    return actor.pk != account.pk and can_manage_account(actor=actor, account=account)


ROLES_CHANGED = "thesaban.roles.changed"


def record_role_changes(
    *, account: AbstractUser, actor: AbstractUser | None, added: Iterable[Group], removed=()
) -> None:
    """Record in the audit log that `actor` changed the roles of `account`, and tell the people
    each new role works with.

    The IT administrator gives out roles but may not hold the web operator's: whoever they
    make a preparer, supervisor or web operator is then known to that role's colleagues, who
    would notice an account nobody asked for (docs/decisions/0006-role-assignments.md).
    """
    added = sorted(added, key=lambda group: group.name)
    removed = sorted(removed, key=lambda group: group.name)
    if not added and not removed:
        return
    from wagtail.log_actions import log

    from . import notifications

    log(
        instance=account,
        action=ROLES_CHANGED,
        user=actor,
        data={
            "added": [group.name for group in added],
            "removed": [group.name for group in removed],
        },
    )
    logger.info(
        "roles changed: username=%s by=%s added=%s removed=%s",
        account.get_username(),
        actor.get_username() if actor else None,
        [group.name for group in added],
        [group.name for group in removed],
    )
    if added:
        # Queued as a background task: no mail for a change that is rolled back.
        notifications.notify_roles_given(account=account, actor=actor, groups=added)


# --- Role grants that wait for a second person (docs/decisions/0006-role-assignments.md) -
# The IT administrator creates accounts and hands out roles; a role that approves, publishes,
# confirms grants or manages accounts must then be confirmed by someone else (a superuser or
# the municipality's grant confirmer), so no single person makes a publisher.

GRANT_REQUESTED = "thesaban.roles.grant_requested"
GRANT_CONFIRMED = "thesaban.roles.grant_confirmed"
GRANT_REFUSED = "thesaban.roles.grant_refused"
GRANT_WITHDRAWN = "thesaban.roles.grant_withdrawn"


def _by_name(group: Group) -> str:
    return group.name


def groups_needing_confirmation(groups: Iterable[Group]) -> set[int]:
    """The ids of `groups` whose grant waits for a second person: all but a division's
    preparers, the one role that carries no approval or publication right. A group of no
    municipality waits too: its rights are not known here."""
    ids = {group.pk for group in groups}
    preparers = Division.objects.filter(preparers_id__in=ids).values_list("preparers_id", flat=True)
    return ids - set(preparers)


def needs_confirmation(group: Group) -> bool:
    return bool(groups_needing_confirmation([group]))


def record_new_account(
    *, account: AbstractUser, actor: AbstractUser, groups: Iterable[Group] = ()
) -> StaffMembership | None:
    """Record that `actor` created `account`, in the municipality of `actor` (or, for the
    host, of the roles `groups` it is to get). Nobody confirms a role for an account they
    created (`access.grant_decision_refusal`), so every screen or import that creates staff
    accounts calls this."""
    from . import access

    site_id = access.site_id_of(actor)
    if site_id is None:
        sites = site_of_groups(groups)
        site_id = sites.pop() if len(sites) == 1 else None
    if site_id is None:
        return None
    # Never rewrites who made an account that already belongs somewhere.
    membership, _created = StaffMembership.objects.get_or_create(
        user=account, defaults={"site_id": site_id, "created_by": actor}
    )
    access.forget(account)
    return membership


@dataclasses.dataclass
class RoleAssignment:
    """What `assign_roles` did: the roles in effect now, the grants waiting for a second
    person (new or asked for before), the roles taken away and the requests taken back."""

    granted: list[Group] = dataclasses.field(default_factory=list)
    pending: list[RoleGrant] = dataclasses.field(default_factory=list)
    removed: list[Group] = dataclasses.field(default_factory=list)
    withdrawn: list[RoleGrant] = dataclasses.field(default_factory=list)


def _grant_site_id(*, group: Group, account: AbstractUser, actor: AbstractUser) -> int | None:
    """The municipality whose second person decides a grant of `group`: the group's own, else
    (a group of no municipality) the account's, else the actor's."""
    from . import access

    sites = site_of_groups([group])
    if sites:
        return sites.pop()
    membership = StaffMembership.objects.filter(user=account).values_list("site_id", flat=True)
    return membership.first() or access.site_id_of(actor)


def _check_one_municipality(account: AbstractUser, groups: Iterable[Group]) -> None:
    sites = site_of_groups(groups)
    sites |= set(StaffMembership.objects.filter(user=account).values_list("site_id", flat=True))
    if len(sites) > 1:
        raise ValidationError(_("บัญชีหนึ่งมีบทบาทได้ในเทศบาลเดียวเท่านั้น"))


def _log_grant(grant: RoleGrant, action: str, actor: AbstractUser | None) -> None:
    from wagtail.log_actions import log

    requested_by = grant.requested_by
    log(
        instance=grant.account,
        action=action,
        user=actor,
        data={
            "grant": grant.pk,
            "role": grant.group.name,
            "requested_by": requested_by.get_username() if requested_by else None,
            "reason": grant.reason,
        },
    )
    logger.info(
        "role grant %s: username=%s role=%s by=%s",
        action.rsplit(".", 1)[-1],
        grant.account.get_username(),
        grant.group.name,
        actor.get_username() if actor else None,
    )


def _is_second_person(*, actor: AbstractUser, account: AbstractUser, site_id: int | None) -> bool:
    """A superuser giving someone else a role in a municipality they may decide for."""
    from . import access

    if actor.pk == account.pk or not actor.is_superuser:
        return False
    return access.is_host_administrator(actor) or (
        site_id is not None and access.confirms_grants(actor, site_id)
    )


@transaction.atomic
def assign_roles(
    *,
    account: AbstractUser,
    add: Iterable[Group],
    remove: Iterable[Group] = (),
    actor: AbstractUser,
) -> RoleAssignment:
    """Give `account` the roles `add` and take away the roles `remove`, as `actor` asks.

    A role that carries no approval or publication right (a division's preparer) takes effect
    at once, and so does any role a superuser of the municipality gives someone else: they are
    the second person. Any other waits as a `RoleGrant` until a second person confirms it
    (`confirm_grant`); the account is not in the role's group until then. Asking again for a
    role that already waits changes nothing. Removing takes effect at once, and takes back a
    request still waiting.

    The user screens, their bulk "assign role" and the staff import all decide here.
    """
    from . import access, notifications

    if not can_change_roles_of(actor=actor, account=account):
        raise PermissionDenied
    remove = set(remove)
    add = set(add) - remove
    if account.is_superuser and site_of_groups(add):
        # The host's superusers see every municipality; a municipality's role is not theirs.
        raise ValidationError(_("ผู้ดูแลระบบสูงสุดของผู้ให้บริการไม่สังกัดเทศบาลใด จึงรับบทบาทในเทศบาลไม่ได้"))
    held = set(account.groups.all())
    waiting = {
        grant.group: grant
        for grant in RoleGrant.objects.pending()
        .filter(account=account)
        .select_related("group", "requested_by")
    }
    _check_one_municipality(account, (held | add | set(waiting)) - remove)
    guarded = groups_needing_confirmation(add - held)
    now = timezone.now()
    outcome = RoleAssignment()

    for group in sorted(remove & set(waiting), key=_by_name):
        grant = waiting.pop(group)
        grant.status, grant.decided_by, grant.decided_at = RoleGrant.Status.WITHDRAWN, actor, now
        grant.save(update_fields=["status", "decided_by", "decided_at"])
        _log_grant(grant, GRANT_WITHDRAWN, actor)
        outcome.withdrawn.append(grant)
    outcome.removed = sorted(remove & held, key=_by_name)
    if outcome.removed:
        account.groups.remove(*outcome.removed)

    confirmed_requests, new_requests = [], []
    for group in sorted(add - held, key=_by_name):
        grant = waiting.get(group)
        if group.pk not in guarded:
            outcome.granted.append(group)
            continue
        site_id = (
            grant.site_id if grant else _grant_site_id(group=group, account=account, actor=actor)
        )
        if _is_second_person(actor=actor, account=account, site_id=site_id):
            # A superuser is the second person; a request someone else made is confirmed.
            if grant is None and site_id is not None:
                grant = RoleGrant(site_id=site_id, account=account, group=group, requested_by=actor)
            elif grant is not None:
                confirmed_requests.append(grant)
            if grant is not None:
                grant.status, grant.decided_by, grant.decided_at = (
                    RoleGrant.Status.CONFIRMED,
                    actor,
                    now,
                )
                grant.save()
            outcome.granted.append(group)
        elif grant is not None:
            outcome.pending.append(grant)
        elif site_id is None:
            raise ValidationError(
                _("ไม่ทราบว่าบทบาท %(role)s เป็นของเทศบาลใด จึงไม่มีผู้ยืนยันได้") % {"role": group.name}
            )
        else:
            grant = RoleGrant.objects.create(
                site_id=site_id, account=account, group=group, requested_by=actor, requested_at=now
            )
            outcome.pending.append(grant)
            new_requests.append(grant)

    if outcome.granted:
        account.groups.add(*outcome.granted)
    access.forget(account)
    record_role_changes(
        account=account,
        actor=actor,
        added=[g for g in outcome.granted if g not in {r.group for r in confirmed_requests}],
        removed=outcome.removed,
    )
    for grant in confirmed_requests:
        _log_grant(grant, GRANT_CONFIRMED, actor)
        notifications.notify_grant_decided(grant=grant)
        notifications.notify_roles_given(account=account, actor=actor, groups=[grant.group])
    for grant in new_requests:
        _log_grant(grant, GRANT_REQUESTED, actor)
    if new_requests:
        notifications.notify_grants_requested(grants=new_requests)
    return outcome


def _pending_for_decision(grant: RoleGrant, actor: AbstractUser) -> RoleGrant:
    from . import access

    # Locked: two confirmers deciding at once are serialised, and the second finds it decided.
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("account", "group", "requested_by", "site")
        .get(pk=grant.pk)
    )
    if grant.status != RoleGrant.Status.PENDING:
        raise ValidationError(_("คำขอนี้ได้รับการพิจารณาไปแล้ว"), code="decided")
    refusal = access.grant_decision_refusal(actor, grant)
    if refusal is not None:
        raise PermissionDenied(refusal)
    return grant


@transaction.atomic
def confirm_grant(*, grant: RoleGrant, actor: AbstractUser) -> RoleGrant:
    """`actor`, a second person, confirms `grant`: the account gets the role now."""
    from . import access, notifications

    grant = _pending_for_decision(grant, actor)
    account = grant.account
    _check_one_municipality(account, [*account.groups.all(), grant.group])
    account.groups.add(grant.group)
    access.forget(account)
    grant.status, grant.decided_by, grant.decided_at = (
        RoleGrant.Status.CONFIRMED,
        actor,
        timezone.now(),
    )
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _log_grant(grant, GRANT_CONFIRMED, actor)
    notifications.notify_grant_decided(grant=grant)
    # The role's colleagues learn of a new member, as for a role that takes effect at once.
    notifications.notify_roles_given(account=account, actor=actor, groups=[grant.group])
    return grant


@transaction.atomic
def refuse_grant(*, grant: RoleGrant, actor: AbstractUser, reason: str) -> RoleGrant:
    """`actor`, a second person, refuses `grant` and says why; the account never gets it."""
    from . import notifications

    reason = reason.strip()
    if not reason:
        raise ValidationError(_("กรุณาระบุเหตุผลที่ไม่ยืนยัน"), code="reason_required")
    grant = _pending_for_decision(grant, actor)
    grant.status, grant.decided_by, grant.decided_at, grant.reason = (
        RoleGrant.Status.REFUSED,
        actor,
        timezone.now(),
        reason,
    )
    grant.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _log_grant(grant, GRANT_REFUSED, actor)
    notifications.notify_grant_decided(grant=grant)
    return grant


def remove_totp_devices(*, user: AbstractUser, removed_by: AbstractUser) -> int:
    """Remove `user`'s TOTP devices (a lost phone) so they enrol again at their next sign-in."""
    if not can_manage_account(actor=removed_by, account=user):
        raise PermissionDenied
    from . import notifications

    count, _deleted = TOTPDevice.objects.filter(user=user).delete()
    logger.warning(
        "TOTP devices removed: username=%s removed_by=%s count=%d",
        user.get_username(),
        removed_by.get_username(),
        count,
    )
    if count:
        notifications.notify_totp_removed(account=user, actor=removed_by)
    return count


def lockout_ends_at(*, username: str | None, ip_address: str | None) -> datetime | None:
    """When the account+address lockout of `username` from `ip_address` ends, if locked."""
    cool_off = axes_helpers.get_cool_off()
    latest = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    if latest is None or cool_off is None:
        return None
    return latest + cool_off


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """The visitor's address when nginx stands in front of the app (production).

    nginx's `$proxy_add_x_forwarded_for` appends the address it saw to X-Forwarded-For; only
    that last entry is trustworthy, anything before it was sent by the client. Without it
    every sign-in would come from 127.0.0.1, locking out by username alone.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def can_view_sign_in_log(user: AbstractUser) -> bool:
    """Those who manage staff accounts see failed sign-ins: they are who unlocks and resets."""
    return user.is_superuser or user.has_perm("auth.change_user")
