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
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from . import roles
from .models import AccountSecurity, Division

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
# Snippets shown on the public site that division staff keep up to date.
_DIVISION_MODEL_PERMISSIONS = (("pages", "add_person"), ("pages", "change_person"))


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _grant_media_rights(group: Group) -> None:
    collection = Collection.get_first_root_node()
    for app_label, codenames in _MEDIA_PERMISSIONS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )


def ensure_role_groups(*, root: Page) -> dict[str, Group]:
    """Create the site-wide role groups with their rights below `root`; safe to run again."""
    access_admin = _permission("wagtailadmin", "access_admin")
    groups: dict[str, Group] = {}
    for key, (name, _description) in roles.ROLES.items():
        if key in roles.DIVISION_ROLES:
            continue
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[key] = group

    operator = groups["web_operator"]
    # The web operator reviews every division's pages and may correct them; publishing itself
    # happens only when the operator approves the workflow's last step.
    GroupPagePermission.objects.get_or_create(
        group=operator, page=root, permission=_permission("wagtailcore", "change_page")
    )
    _grant_media_rights(operator)
    operator.permissions.add(
        _permission("core", "change_municipalitysettings"),
        *(_permission(app, codename) for app, codename in _DIVISION_MODEL_PERMISSIONS),
        # Wagtail's site history lists a model's audit entries only to those with a right on
        # it: this lets the web operators, who see every finding, see the findings' history.
        _permission("monitoring", "view_finding"),
        # What the site check expects of each section, and the holidays its working days
        # skip: the web operators keep both (Settings in the admin).
        *(
            _permission(app, f"{action}_{model}")
            for app, model in (("monitoring", "freshnessrule"), ("core", "holiday"))
            for action in ("add", "change", "delete", "view")
        ),
    )
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


def division_group_name(division: Division, role_key: str) -> str:
    return f"{division.name} · {roles.ROLES[role_key][0]}"


@transaction.atomic
def ensure_division_groups(division: Division) -> None:
    """Create or rename the division's two groups and give them rights on its sections only."""
    access_admin = _permission("wagtailadmin", "access_admin")
    model_permissions = [_permission(app, code) for app, code in _DIVISION_MODEL_PERMISSIONS]
    changed = False
    for field, role_key in (("preparers", "preparer"), ("supervisors", "supervisor")):
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
        _grant_media_rights(group)
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


# --- Staff sign-in: second factor, first-login password, who may manage whom -------------
# The rules here are called by the sign-in views, the admin gate (`middleware`), the user
# screens and the tests' `log_in`, so that all of them agree on what a person still owes.

logger = logging.getLogger("thesaban.accounts")

# The web operator puts information in front of the public and the IT administrator hands
# out every other right: a stolen password alone must not be enough for either.
_TOTP_MANDATORY_ROLES = (roles.WEB_OPERATOR, roles.IT_ADMINISTRATOR)
_TOTP_DEVICE_NAME = "แอปยืนยันตัวตน"


class SignInStep(enum.StrEnum):
    """A step a person still owes after the password, before the admin opens to them."""

    ENROL_TOTP = "enrol_totp"
    VERIFY_TOTP = "verify_totp"
    SET_PASSWORD = "set_password"


def totp_is_mandatory(user: AbstractUser) -> bool:
    if not settings.THESABAN_REQUIRE_TOTP:
        return False
    return user.is_superuser or user.groups.filter(name__in=_TOTP_MANDATORY_ROLES).exists()


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
                Group.objects.filter(user=OuterRef("pk"), name__in=_TOTP_MANDATORY_ROLES)
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

    Only a superuser changes a superuser: whoever can reset a superuser's password can
    become one.
    """
    if actor.is_superuser:
        return True
    return not account.is_superuser and actor.has_perm("auth.change_user")


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
