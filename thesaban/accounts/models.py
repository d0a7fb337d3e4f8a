from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Page, Site


class DivisionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_site(self, site: "Site | int"):
        return self.filter(site=site)

    def for_user(self, user) -> "DivisionQuerySet":
        """The divisions whose work `user` may see: every division of the municipality for
        those who oversee it (web operators, the host's superusers), else the divisions the
        person prepares for or supervises. The rule lives in `access`."""
        from . import access

        return access.divisions_for(user, self)

    def owning(self, page) -> "Division | None":
        """The division that owns `page`: the one whose section is its nearest ancestor-or-self."""
        link = (
            Division.sections.through.objects.filter(
                page__in=Page.objects.ancestor_of(page, inclusive=True), division__in=self
            )
            .select_related("division")
            .order_by("-page__depth")
            .first()
        )
        return link.division if link else None

    def owners_of(self, pages) -> "dict[int, Division | None]":
        """`owning` for many pages at once: {page id: division or None}, in one query for the
        sections (plus one for `pages` if it is an unevaluated QuerySet)."""
        pages = list(pages)
        if not pages:
            return {}
        owners = SectionOwners(self)
        return {page.pk: owners.owner(page.path) for page in pages}

    def supervised_by(self, user):
        return self.filter(supervisors__user=user)

    def prepared_by(self, user):
        return self.filter(preparers__user=user)


class SectionOwners:
    """Every section of `divisions`, read in one query: which division owns a page, by path.

    `DivisionQuerySet.owning` asks the database once per page; listings and reports that need
    the owner of many pages read the sections once here. A page belongs to the division whose
    section is its nearest ancestor-or-self; on a tie (two divisions own one section) the first
    in the divisions' order wins.
    """

    def __init__(self, divisions: "models.QuerySet[Division] | None" = None) -> None:
        links = Division.sections.through.objects.select_related("division")
        if divisions is not None:
            links = links.filter(division__in=divisions)
        self.owner_of_section: dict[str, Division] = {}
        for link in links.annotate(section_path=models.F("page__path")).order_by(
            "page__depth", "division__sort_order", "division__name"
        ):
            self.owner_of_section.setdefault(link.section_path, link.division)

    def owner(self, path: str) -> "Division | None":
        """The owner of the page at tree `path`: its own path, then each ancestor's."""
        for end in range(len(path), 0, -Page.steplen):
            division = self.owner_of_section.get(path[:end])
            if division is not None:
                return division
        return None


class Division(models.Model):
    """A division (กอง/สำนัก) of the municipality: it owns sections of the site and its staff.

    Each division has two groups of its own, created with it: its preparers and its
    supervisors. Membership of those groups is how a person holds a role in a division, so the
    IT administrator assigns it in Wagtail's own user screens.
    """

    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        related_name="divisions",
        verbose_name=_("เทศบาล"),
    )
    name = models.CharField(_("ชื่อส่วนราชการ"), max_length=200)
    code = models.SlugField(_("รหัส"), max_length=50, help_text=_("ตัวอักษรภาษาอังกฤษ เช่น finance"))
    sort_order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)
    sections = models.ManyToManyField(
        "wagtailcore.Page",
        blank=True,
        related_name="owning_divisions",
        verbose_name=_("ส่วนของเว็บไซต์ที่รับผิดชอบ"),
        help_text=_("หน้าที่ส่วนราชการนี้ดูแล รวมถึงหน้าย่อยทั้งหมดภายใต้หน้านั้น"),
    )
    preparers = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="division_of_preparers",
        verbose_name=_("กลุ่มผู้จัดทำข้อมูล"),
    )
    supervisors = models.OneToOneField(
        Group,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="division_of_supervisors",
        verbose_name=_("กลุ่มผู้บังคับบัญชา"),
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("ส่วนราชการ")
        verbose_name_plural = _("ส่วนราชการ")
        # Two municipalities may both have a กองคลัง.
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="division_name_per_site"),
            models.UniqueConstraint(fields=["site", "code"], name="division_code_per_site"),
        ]

    def __str__(self) -> str:
        return self.name


class SiteRole(models.Model):
    """A municipality's own group for one of its site-wide roles (`roles.SITE_ROLES`).

    Each municipality (a Wagtail `Site`) has its own web operators, IT administrators and
    confirmers of role grants, so a web operator of one municipality has no right on another's
    pages: the group's page rights are on that site's home page only.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="role_groups", verbose_name=_("เทศบาล")
    )
    role = models.CharField(_("บทบาท"), max_length=30)
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, related_name="site_role", verbose_name=_("กลุ่ม")
    )

    class Meta:
        verbose_name = _("บทบาทของเทศบาล")
        verbose_name_plural = _("บทบาทของเทศบาล")
        constraints = [
            models.UniqueConstraint(fields=["site", "role"], name="one_group_per_site_role")
        ]

    def __str__(self) -> str:
        return self.group.name


class StaffMembership(models.Model):
    """The municipality a staff account belongs to: it sees and acts on that site only.

    Superusers without one are the host's (the hosting provider): they see every municipality
    and are the only ones who create one. `created_by` is kept because nobody may confirm a
    role grant to an account they created (`RoleGrant`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="staff_membership",
        verbose_name=_("ผู้ใช้"),
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="staff", verbose_name=_("เทศบาล")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ผู้สร้างบัญชี"),
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        verbose_name = _("สังกัดเทศบาล")
        verbose_name_plural = _("สังกัดเทศบาล")

    def __str__(self) -> str:
        return f"{self.user} @ {self.site}"


class RoleGrantQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RoleGrant.Status.PENDING)

    def decided(self):
        return self.exclude(status=RoleGrant.Status.PENDING)

    def of_site(self, site: "Site | int"):
        return self.filter(site=site)

    def for_account(self, account):
        return self.filter(account=account)


class RoleGrant(models.Model):
    """A role given to an account that carries approval or publication rights: it takes
    effect only when a second person confirms it (docs/decisions/0006-role-assignments.md).

    Until then the account is not a member of the role's group. Which roles wait, and who may
    decide, is `services.needs_confirmation` and `access.grant_decision_refusal`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("รอการยืนยัน")
        CONFIRMED = "confirmed", _("ยืนยันแล้ว")
        REFUSED = "refused", _("ไม่ยืนยัน")
        # The requester (or anyone who manages the account) took the request back.
        WITHDRAWN = "withdrawn", _("ถอนคำขอแล้ว")

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("เทศบาล")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("บัญชีผู้ใช้"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("บทบาท")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ผู้ขอ"),
    )
    requested_at = models.DateTimeField(_("ขอเมื่อ"), default=timezone.now)
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ผู้พิจารณา"),
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    reason = models.TextField(_("เหตุผล"), blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("การให้สิทธิ์")
        verbose_name_plural = _("การให้สิทธิ์")
        constraints = [
            # Asking twice for the same role must not make two requests to decide.
            models.UniqueConstraint(
                fields=["account", "group"],
                condition=models.Q(status="pending"),
                name="one_pending_grant_per_account_and_role",
            ),
            # A refusal is told to the requester and the account: it says why.
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(reason=""),
                name="refused_grant_has_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="decided_grant_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.group}"


class AccountSecurity(models.Model):
    """What a staff account still owes before it may use the admin.

    An account gets a row when someone else set its password through the admin (the IT
    administrator creating it, or resetting it): a password another person has seen is only
    good for signing in once. Accounts without a row (the demo's, `createsuperuser`) owe
    nothing.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="account_security",
        verbose_name=_("ผู้ใช้"),
    )
    must_change_password = models.BooleanField(
        _("ต้องตั้งรหัสผ่านใหม่"),
        default=False,
        help_text=_("ผู้ใช้ต้องตั้งรหัสผ่านของตนเองก่อนใช้งานระบบหลังบ้าน"),
    )

    class Meta:
        verbose_name = _("ความปลอดภัยของบัญชี")
        verbose_name_plural = _("ความปลอดภัยของบัญชี")

    def __str__(self) -> str:
        return str(self.user)


class SiteCollection(models.Model):
    """The municipality's own collection of images and documents (`services.site_collection`)."""

    site = models.OneToOneField(
        Site, primary_key=True, on_delete=models.CASCADE, related_name="collection_of_site"
    )
    collection = models.OneToOneField(
        Collection, on_delete=models.PROTECT, related_name="site_of_collection"
    )

    class Meta:
        verbose_name = _("คลังไฟล์ของเทศบาล")
        verbose_name_plural = _("คลังไฟล์ของเทศบาล")

    def __str__(self) -> str:
        return self.collection.name
