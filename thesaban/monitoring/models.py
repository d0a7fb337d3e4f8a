import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckRun(models.Model):
    """One run of the site check: when, how much it looked at, what it opened and closed.

    A run that stops half way (the worker killed, the machine restarted) stays RUNNING with
    the tree path of the last page it finished; the next run carries on after that page.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("กำลังตรวจ")
        FINISHED = "finished", _("ตรวจเสร็จ")
        # Stopped half way and replaced by the next day's run; what it found is kept.
        ABANDONED = "abandoned", _("ตรวจไม่เสร็จ")

    # Each municipality's site is checked on its own, and its staff see its runs only.
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("เทศบาล"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    started_at = models.DateTimeField(_("เริ่ม"), default=timezone.now)
    finished_at = models.DateTimeField(_("เสร็จ"), null=True, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    # Pages are checked in tree order; everything up to and including this path is done.
    progress_path = models.CharField(max_length=255, blank=True, editable=False)
    # Moved on after every batch: a RUNNING run whose heartbeat stopped has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    pages_checked = models.PositiveIntegerField(_("จำนวนหน้า"), default=0)
    links_checked = models.PositiveIntegerField(_("จำนวนลิงก์"), default=0)
    findings_opened = models.PositiveIntegerField(_("ข้อบกพร่องใหม่"), default=0)
    findings_closed = models.PositiveIntegerField(_("ข้อบกพร่องที่หมดไป"), default=0)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        verbose_name = _("การตรวจเว็บไซต์ประจำวัน")
        verbose_name_plural = _("การตรวจเว็บไซต์ประจำวัน")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.started_at:%Y-%m-%d %H:%M}"


class FindingQuerySet(models.QuerySet):
    def unresolved(self):
        """Open or accepted: the problem was still there at the last look."""
        return self.exclude(status=Finding.Status.RESOLVED)

    def open(self):
        return self.filter(status=Finding.Status.OPEN)

    def for_divisions(self, divisions):
        return self.filter(division__in=divisions)


class Finding(models.Model):
    """A problem the check found (ข้อบกพร่องที่ตรวจพบ), from first sight until it is gone.

    The same problem (kind, page, target) has the same fingerprint; seen again on a later run it
    updates `last_seen_at` of the one unresolved finding rather than opening another.
    """

    class Kind(models.TextChoices):
        PAGE_ERROR = "page_error", _("หน้าเว็บแสดงผลไม่ได้")
        BROKEN_LINK = "broken_link", _("ลิงก์เสีย")
        UNREACHABLE_LINK = "unreachable_link", _("ติดต่อปลายทางของลิงก์ไม่ได้")
        REDIRECTED_LINK = "redirected_link", _("ลิงก์ถูกเปลี่ยนเส้นทาง")
        MISSING_CONTENT = "missing_content", _("ไม่มีข้อมูลที่ต้องเผยแพร่")
        STALE_CONTENT = "stale_content", _("ข้อมูลไม่เป็นปัจจุบัน")
        WORKFLOW_OVERDUE = "workflow_overdue", _("รอการพิจารณานานเกินกำหนด")
        SCHEDULE_MISSED = "schedule_missed", _("ไม่ได้เผยแพร่หรือถอนตามเวลาที่ตั้งไว้")
        EXPIRING_SOON = "expiring_soon", _("จะหมดเวลาเผยแพร่ภายใน 7 วัน")
        DOCUMENT_METADATA = "document_metadata", _("เอกสารไม่มีชื่อหรือคำอธิบาย")
        IMAGE_ALT = "image_alt", _("รูปภาพไม่มีข้อความแทนภาพ")
        # robots.txt and the sitemap, as an outside checker reads them (site_files).
        ROBOTS_MISSING = "robots_missing", _("ไม่มีไฟล์ robots.txt")
        ROBOTS_NO_SITEMAP = "robots_no_sitemap", _("robots.txt ไม่ระบุแผนผังเว็บไซต์")
        SITEMAP_UNREACHABLE = "sitemap_unreachable", _("เปิดแผนผังเว็บไซต์ไม่ได้")
        SITEMAP_MALFORMED = "sitemap_malformed", _("แผนผังเว็บไซต์มีรูปแบบไม่ถูกต้อง")
        SITEMAP_WRONG_HOST = "sitemap_wrong_host", _("แผนผังเว็บไซต์ระบุที่อยู่ที่ไม่ใช่ของเว็บไซต์")
        SITEMAP_DEAD_URL = "sitemap_dead_url", _("ที่อยู่ในแผนผังเว็บไซต์เปิดไม่ได้")
        SITEMAP_REDIRECT = "sitemap_redirect", _("ที่อยู่ในแผนผังเว็บไซต์ถูกเปลี่ยนเส้นทาง")

    class Severity(models.TextChoices):
        HIGH = "high", _("สูง")
        MEDIUM = "medium", _("ปานกลาง")
        LOW = "low", _("ต่ำ")

    class Status(models.TextChoices):
        OPEN = "open", _("ยังไม่แก้ไข")
        ACCEPTED = "accepted", _("ยอมรับได้")
        RESOLVED = "resolved", _("แก้ไขแล้ว")

    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    kind = models.CharField(_("ประเภท"), max_length=30, choices=Kind.choices)
    severity = models.CharField(_("ความรุนแรง"), max_length=10, choices=Severity.choices)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("เทศบาล"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("หน้า"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    division = models.ForeignKey(
        "accounts.Division",
        verbose_name=_("ส่วนราชการ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    target_url = models.CharField(_("ปลายทาง"), max_length=2000, blank=True)
    # The freshness rule a missing or stale content finding broke.
    rule = models.ForeignKey(
        "monitoring.FreshnessRule",
        verbose_name=_("เกณฑ์ความเป็นปัจจุบัน"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    detail = models.TextField(_("รายละเอียด"), blank=True)
    first_seen_at = models.DateTimeField(_("พบครั้งแรก"))
    last_seen_at = models.DateTimeField(_("พบล่าสุด"))
    last_seen_run = models.ForeignKey(
        CheckRun, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_at = models.DateTimeField(_("แก้ไขเมื่อ"), null=True, blank=True)
    # Empty when the check itself saw the problem gone.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้แก้ไข"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้ยอมรับ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_reason = models.TextField(_("เหตุผลที่ยอมรับ"), blank=True)
    # Kept when the problem later goes away: the annual report asks what stood accepted, not
    # open, at the end of a year (reports.sections.site_checks).
    accepted_at = models.DateTimeField(_("ยอมรับเมื่อ"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("ข้อบกพร่องที่ตรวจพบ")
        verbose_name_plural = _("ข้อบกพร่องที่ตรวจพบ")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "fingerprint"],
                condition=~Q(status="resolved"),
                name="monitoring_one_unresolved_finding_per_problem",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target_url or self.page}"

    @staticmethod
    def fingerprint_of(*, kind: str, page_id: int | None, target_url: str) -> str:
        return hashlib.sha256(f"{kind}\n{page_id}\n{target_url}".encode()).hexdigest()

    @property
    def time_to_resolve(self):
        """How long the problem stood, from first sight to resolution."""
        if self.resolved_at is None:
            return None
        return self.resolved_at - self.first_seen_at


# Severity is stored as text; this puts "high" before "medium" before "low" in a query.
SEVERITY_RANK = models.Case(
    models.When(severity=Finding.Severity.HIGH, then=models.Value(0)),
    models.When(severity=Finding.Severity.MEDIUM, then=models.Value(1)),
    models.When(severity=Finding.Severity.LOW, then=models.Value(2)),
    default=models.Value(3),
    output_field=models.IntegerField(),
)


class ExternalLinkResult(models.Model):
    """The last answer of an outside address, reused for a day so a site is asked once a day."""

    class Outcome(models.TextChoices):
        OK = "ok", _("ใช้งานได้")
        REDIRECTED = "redirected", _("ถูกเปลี่ยนเส้นทาง")
        BROKEN = "broken", _("เสีย")
        UNREACHABLE = "unreachable", _("ติดต่อไม่ได้")

    url = models.CharField(max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.CharField(max_length=2000, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ผลการตรวจลิงก์ภายนอก")
        verbose_name_plural = _("ผลการตรวจลิงก์ภายนอก")

    def __str__(self) -> str:
        return f"{self.url}: {self.outcome}"

    @staticmethod
    def hash_of(url: str) -> str:
        return hashlib.sha256(url.encode()).hexdigest()


class FreshnessRule(models.Model):
    """What must be on the site, and how fresh (เกณฑ์ความเป็นปัจจุบันของข้อมูล), per section.

    Data, not code: the rules of the announcement and of the ITA/OIT items ship with the
    software (`freshness_rules.py`, keyed by `key`) and staff edit them or add their own.
    Evaluated by the site check (`content_checks`); a rule broken becomes a finding on its
    section, routed to the division that owns the section.
    """

    class Requirement(models.TextChoices):
        PRESENT = "present", _("มีข้อมูลเผยแพร่อยู่")
        RECENT = "recent", _("มีรายการใหม่ภายในจำนวนวันที่กำหนด")
        FISCAL_YEAR = "fiscal_year", _("มีรายการของปีงบประมาณที่กำหนด")
        MONTHLY = "monthly", _("มีรายการครบทุกเดือนของปีงบประมาณ")

    class Period(models.IntegerChoices):
        CURRENT = 0, _("ปีงบประมาณปัจจุบัน")
        PREVIOUS = -1, _("ปีงบประมาณที่ผ่านมา")

    # Shipped rules carry a key so that loading them again updates rather than duplicates;
    # rules staff add have none.
    key = models.SlugField(max_length=100, null=True, blank=True, editable=False)  # noqa: DJ001 (many keyless rules)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("เทศบาล"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    name = models.CharField(_("ชื่อรายการ"), max_length=255)
    reference = models.CharField(
        _("อ้างอิง"),
        max_length=100,
        blank=True,
        help_text=_("เช่น ITA O11 หรือ ประกาศ ข้อ 1"),
    )
    section = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("หมวดของเว็บไซต์"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("หน้าที่รวมรายการ เช่น หน้ารายการเอกสารหรือหน้ารวมข่าว"),
    )
    requirement = models.CharField(
        _("ข้อกำหนด"), max_length=20, choices=Requirement.choices, default=Requirement.PRESENT
    )
    max_age_days = models.PositiveSmallIntegerField(
        _("รายการล่าสุดต้องไม่เก่ากว่า (วัน)"), null=True, blank=True
    )
    fiscal_year = models.SmallIntegerField(
        _("ปีงบประมาณ"), choices=Period.choices, default=Period.CURRENT
    )
    grace_days = models.PositiveSmallIntegerField(
        _("ผ่อนผัน (วัน)"),
        default=0,
        help_text=_(
            "จำนวนวันหลังเริ่มปีงบประมาณ (หรือหลังสิ้นเดือน สำหรับรายการรายเดือน) "
            "ก่อนที่จะถือว่าขาด เช่น สรุปผลการจัดซื้อจัดจ้างของเดือนที่แล้วภายในวันที่ 15"
        ),
    )
    severity = models.CharField(
        _("ความรุนแรง"),
        max_length=10,
        choices=Finding.Severity.choices,
        default=Finding.Severity.MEDIUM,
    )
    active = models.BooleanField(_("ใช้งาน"), default=True)
    note = models.TextField(_("คำอธิบาย"), blank=True)

    class Meta:
        ordering = ["reference", "name"]
        verbose_name = _("เกณฑ์ความเป็นปัจจุบันของข้อมูล")
        verbose_name_plural = _("เกณฑ์ความเป็นปัจจุบันของข้อมูล")
        constraints = [
            models.UniqueConstraint(fields=["site", "key"], name="one_shipped_rule_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}".strip()

    def clean(self):
        super().clean()
        if self.requirement == self.Requirement.RECENT and not self.max_age_days:
            raise ValidationError(
                {"max_age_days": _("กรุณากำหนดจำนวนวันสำหรับเกณฑ์ “มีรายการใหม่ภายในจำนวนวันที่กำหนด”")}
            )
