"""A year of activity for the annual report's tests, seeded at exact moments.

The town is the publication record's (`publishing.tests.test_records.set_up_town`): the whole
site of the announcement, กองคลัง owning the procurement news, สำนักปลัดเทศบาล the rest (and so
the annual-report section). Fiscal year 2569 runs from 1 October 2025 00:00 to 30 September
2026 24:00, Bangkok time; the events below sit on both sides of both ends of it. The expected
figures are worked out by hand in `test_sections.py`.
"""

from __future__ import annotations

from datetime import datetime

import time_machine
from django.test import TestCase
from wagtail.log_actions import log
from wagtail.models import Page, Site, WorkflowState

from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.accounts.testing import log_in
from thesaban.core.models import MunicipalitySettings
from thesaban.monitoring.models import CheckRun, Finding
from thesaban.pages.models import DocumentPage, NewsPage, Person, PersonGroup
from thesaban.publishing.services import take_down
from thesaban.publishing.tests.test_records import (
    STATEMENT,
    draft,
    forget_cached_sites,
    make_user,
    publish_directly,
    set_up_town,
)

from ..models import ProblemReport

FISCAL_YEAR = 2569


def bangkok(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    from thesaban.core.thai_dates import BANGKOK

    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


# --- The three-step workflow, step by step at given moments ------------------------------------
def submit(page: NewsPage, preparer, *, at: datetime) -> WorkflowState:
    with time_machine.travel(at, tick=False):
        revision = page.save_revision(user=preparer)
        workflow_state = page.get_workflow().start(page, preparer)
        log(
            instance=page,
            action="thesaban.attest",
            user=preparer,
            revision=revision,
            data={"statement": STATEMENT, "workflow_state_id": workflow_state.pk},
        )
    return workflow_state


def act(workflow_state: WorkflowState, user, action: str, *, at: datetime, comment: str = ""):
    with time_machine.travel(at, tick=False):
        workflow_state.refresh_from_db()
        task_state = workflow_state.current_task_state
        task_state.task.specific.on_action(task_state, user, action, comment=comment)


def resubmit(page: NewsPage, workflow_state: WorkflowState, preparer, *, at: datetime) -> None:
    """The preparer makes the changes asked for and sends the item again (same workflow)."""
    with time_machine.travel(at, tick=False):
        page.refresh_from_db()
        page.summary = f"{page.summary} (แก้ไขแล้ว)"
        page.save_revision(user=preparer)
        workflow_state.refresh_from_db()
        workflow_state.resume(user=preparer)


# --- The year ----------------------------------------------------------------------------------
def seed_year(cls) -> None:
    """The town, then its year."""
    with time_machine.travel(bangkok(2025, 6, 1, 9), tick=False):
        set_up_town(cls)
    seed_events(cls)


def seed_events(cls) -> None:
    """Publications, workflows, a takedown, check runs, findings and register entries."""
    cls.site = cls.home.get_site()
    cls.plans = Page.objects.get(url_path=f"{cls.home.url_path}plans/operating/")
    finance = {"preparer": cls.preparer, "supervisor": cls.supervisor}
    office = {"preparer": cls.office_preparer, "supervisor": cls.office_supervisor}

    def news(parent, title, people):
        return draft(parent, people["preparer"], title)

    # A: submitted in FY 2568, approved by the supervisor after 12 hours and published after 14,
    # both in FY 2569 (1 October 2025).
    cls.page_a = news(cls.procurement, "ประกาศ ก", finance)
    state = submit(cls.page_a, cls.preparer, at=bangkok(2025, 9, 30, 20))
    act(state, cls.supervisor, "approve", at=bangkok(2025, 10, 1, 8))
    act(state, cls.operator, "approve", at=bangkok(2025, 10, 1, 10))

    # B: all of it in FY 2568; taken down in an emergency in FY 2569.
    cls.page_b = news(cls.activities, "ข่าว ข", office)
    state = submit(cls.page_b, cls.office_preparer, at=bangkok(2025, 9, 29, 9))
    act(state, cls.office_supervisor, "approve", at=bangkok(2025, 9, 29, 15))
    act(state, cls.operator, "approve", at=bangkok(2025, 9, 30, 9))
    with time_machine.travel(bangkok(2025, 10, 5, 10), tick=False):
        take_down(cls.page_b, cls.operator, "ภาพมีข้อมูลส่วนบุคคล")

    # C: the supervisor asks for changes, the preparer resubmits, approved after 48 hours
    # (counted from the first submission), published after 60.
    cls.page_c = news(cls.procurement, "ประกาศ ค", finance)
    state = submit(cls.page_c, cls.preparer, at=bangkok(2026, 3, 10, 9))
    act(state, cls.supervisor, "reject", at=bangkok(2026, 3, 10, 13), comment="แก้เลขที่ประกาศ")
    resubmit(cls.page_c, state, cls.preparer, at=bangkok(2026, 3, 11, 9))
    act(state, cls.supervisor, "approve", at=bangkok(2026, 3, 12, 9))
    act(state, cls.operator, "approve", at=bangkok(2026, 3, 12, 21))

    # D: the supervisor approves on the last evening of FY 2569 (after an hour); the web
    # operator only after midnight, in FY 2570: waiting at year end.
    cls.page_d = news(cls.activities, "ข่าว ง", office)
    state = submit(cls.page_d, cls.office_preparer, at=bangkok(2026, 9, 30, 22))
    act(state, cls.office_supervisor, "approve", at=bangkok(2026, 9, 30, 23))
    act(state, cls.operator, "approve", at=bangkok(2026, 10, 1, 1))

    # E: still with the supervisor at year end (and after).
    cls.page_e = news(cls.procurement, "ประกาศ จ", finance)
    submit(cls.page_e, cls.preparer, at=bangkok(2026, 9, 20, 10))

    # F: approved by the supervisor after an hour, then the web operator asks for changes.
    cls.page_f = news(cls.activities, "ข่าว ฉ", office)
    state = submit(cls.page_f, cls.office_preparer, at=bangkok(2026, 5, 1, 9))
    act(state, cls.office_supervisor, "approve", at=bangkok(2026, 5, 1, 10))
    act(state, cls.operator, "reject", at=bangkok(2026, 5, 1, 11), comment="รูปภาพไม่มีคำอธิบาย")

    # Published directly by a superuser: G in January, H in the last minute of the year, the
    # plan (another category) in December; I a minute after the year ended.
    publish_directly(
        news(cls.activities, "ข่าว ช", office), cls.superuser, at=bangkok(2026, 1, 15, 10)
    )
    publish_directly(
        news(cls.procurement, "ประกาศ ซ", finance), cls.superuser, at=bangkok(2026, 9, 30, 23, 59)
    )
    publish_directly(
        news(cls.activities, "ข่าว ฌ", office), cls.superuser, at=bangkok(2026, 10, 1, 0, 1)
    )
    plan = DocumentPage(title="แผนการดำเนินงาน ประจำปี 2569", owner=cls.superuser, live=False)
    with time_machine.travel(bangkok(2025, 12, 1, 9), tick=False):
        cls.plans.add_child(instance=plan)
    publish_directly(plan, cls.superuser, at=bangkok(2025, 12, 1, 10))

    seed_site_checks(cls)
    seed_register(cls)


def make_finding(
    site, name, kind, division, first_seen, resolved=None, *, status=None, accepted=None
) -> Finding:
    """A finding of `site` at `name`, first seen and (if given) resolved at those moments."""
    return Finding.objects.create(
        site=site,
        fingerprint=Finding.fingerprint_of(kind=kind, page_id=None, target_url=name),
        kind=kind,
        severity=Finding.Severity.MEDIUM,
        division=division,
        target_url=name,
        first_seen_at=first_seen,
        last_seen_at=resolved or first_seen,
        resolved_at=resolved,
        accepted_at=accepted,
        status=status or (Finding.Status.RESOLVED if resolved else Finding.Status.OPEN),
    )


def seed_site_checks(cls) -> None:
    for started, status in (
        (bangkok(2025, 9, 30, 6), CheckRun.Status.FINISHED),
        (bangkok(2025, 10, 1, 6), CheckRun.Status.FINISHED),
        (bangkok(2026, 4, 1, 6), CheckRun.Status.ABANDONED),
        (bangkok(2026, 9, 30, 6), CheckRun.Status.FINISHED),
        (bangkok(2026, 10, 1, 6), CheckRun.Status.FINISHED),
    ):
        CheckRun.objects.create(site=cls.site, started_at=started, status=status)

    def finding(name, kind, division, first_seen, resolved=None, status=None, accepted=None):
        return make_finding(
            cls.site, name, kind, division, first_seen, resolved, status=status, accepted=accepted
        )

    kind = Finding.Kind
    # Found in FY 2568, fixed in FY 2569 after 13 days.
    finding("f1", kind.BROKEN_LINK, cls.finance, bangkok(2025, 9, 20, 6), bangkok(2025, 10, 3, 6))
    # Found and fixed in FY 2569, after 2 days and half a day.
    finding("f2", kind.BROKEN_LINK, cls.office, bangkok(2025, 11, 1, 6), bangkok(2025, 11, 3, 6))
    finding("f3", kind.PAGE_ERROR, cls.finance, bangkok(2026, 2, 1, 6), bangkok(2026, 2, 1, 18))
    # Found in FY 2569 and fixed only after it: open at year end.
    cls.finding_fixed_later = finding(
        "f4", kind.STALE_CONTENT, cls.office, bangkok(2026, 9, 1, 6), bangkok(2026, 10, 2, 6)
    )
    # Found in FY 2569, no division, never fixed.
    cls.finding_open = finding("f5", kind.IMAGE_ALT, None, bangkok(2026, 6, 1, 6))
    # Found in FY 2570: nothing to do with FY 2569.
    finding("f6", kind.BROKEN_LINK, cls.finance, bangkok(2026, 10, 5, 6))
    # Found and accepted in FY 2568, never resolved: accepted, not open, at the end of FY 2569.
    finding(
        "f7",
        kind.REDIRECTED_LINK,
        cls.office,
        bangkok(2025, 8, 1, 6),
        status=Finding.Status.ACCEPTED,
        accepted=bangkok(2025, 8, 5, 9),
    )
    # Found in FY 2569, accepted only in FY 2570: open at the end of FY 2569.
    finding(
        "f8",
        kind.UNREACHABLE_LINK,
        cls.finance,
        bangkok(2026, 7, 1, 6),
        status=Finding.Status.ACCEPTED,
        accepted=bangkok(2026, 10, 10, 9),
    )


def seed_register(cls) -> None:
    kind = ProblemReport.Kind
    for division, day, entry_kind, text in (
        (cls.finance, bangkok(2025, 9, 30), kind.PROBLEM, "ระบบช้าในปีที่แล้ว"),
        (cls.finance, bangkok(2025, 10, 1), kind.PROBLEM, "เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ"),
        (cls.office, bangkok(2026, 9, 30), kind.SUGGESTION, "ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง"),
        (cls.office, bangkok(2026, 10, 1), kind.OBSTACLE, "อุปสรรคของปีถัดไป"),
    ):
        ProblemReport.objects.create(
            site=division.site,
            division=division,
            date=day.date(),
            kind=entry_kind,
            text=text,
            recorded_by=cls.preparer,
        )


# When the admin tests run: FY 2569 has ended, its report may be approved.
ADMIN_NOW = bangkok(2026, 10, 20, 14)


class AdminClientMixin:
    """Admin tests at `ADMIN_NOW`, signed in as one person after another."""

    def setUp(self):
        super().setUp()
        traveller = time_machine.travel(ADMIN_NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def as_user(self, user):
        self.client.logout()
        log_in(self.client, user)


class SeededYearTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        forget_cached_sites()
        seed_year(cls)

    def setUp(self):
        self.addCleanup(forget_cached_sites)


# --- A second municipality on the same install -------------------------------------------------
# Everything of B's that a person can read carries this marker; B's titles, slugs, division
# names and codes are otherwise A's own.
MARKER = "เทศบาลบี"
MUNICIPALITY_B = f"{MARKER}ทดสอบ"


def set_up_second_town(cls) -> None:
    """Municipality B beside A's town: A's site tree copied (the same titles and slugs under
    its own home page), its own role groups, the same two divisions and people in each role."""
    root = Page.get_first_root_node()
    cls.home_b = cls.home.copy(
        recursive=True,
        to=root,
        update_attrs={"slug": "home-b"},
        copy_revisions=False,
        log_action=None,
    )
    cls.site_b = Site.objects.create(hostname="b.example.go.th", port=80, root_page=cls.home_b)
    ensure_role_groups(site=cls.site_b)
    municipality = MunicipalitySettings.for_site(cls.site_b)
    municipality.name = MUNICIPALITY_B
    municipality.save()
    cls.procurement_b = Page.objects.get(url_path=f"{cls.home_b.url_path}news/procurement/")
    cls.activities_b = Page.objects.get(url_path=f"{cls.home_b.url_path}news/activities/")
    cls.finance_b = Division.objects.create(site=cls.site_b, name="กองคลัง", code="finance")
    cls.finance_b.sections.add(cls.procurement_b)
    cls.office_b = Division.objects.create(site=cls.site_b, name="สำนักปลัดเทศบาล", code="office")
    cls.office_b.sections.add(cls.home_b)
    cls.finance_b.refresh_from_db()
    cls.office_b.refresh_from_db()
    cls.preparer_b = make_user("b-preparer", cls.finance_b.preparers)
    cls.supervisor_b = make_user("b-supervisor", cls.finance_b.supervisors)
    cls.office_preparer_b = make_user("b-office-preparer", cls.office_b.preparers)
    cls.office_supervisor_b = make_user("b-office-supervisor", cls.office_b.supervisors)
    cls.operator_b = make_user("b-operator", role_group(cls.site_b, "web_operator"))


def seed_second_year(cls) -> None:
    """B's fiscal year 2569 (figures worked out in `test_municipalities`)."""
    # B1: the same title as A's first notice; through the three steps in January (supervisor
    # after 2 hours, published after 6), taken down in an emergency in March.
    cls.page_b1 = draft(cls.procurement_b, cls.preparer_b, "ประกาศ ก")
    state = submit(cls.page_b1, cls.preparer_b, at=bangkok(2026, 1, 10, 9))
    act(state, cls.supervisor_b, "approve", at=bangkok(2026, 1, 10, 11))
    act(state, cls.operator_b, "approve", at=bangkok(2026, 1, 10, 15))
    with time_machine.travel(bangkok(2026, 3, 1, 10), tick=False):
        take_down(cls.page_b1, cls.operator_b, f"เหตุผลถอดของ{MARKER}")
    # B2: sent back by the supervisor.
    cls.page_b2 = draft(cls.activities_b, cls.office_preparer_b, f"ข่าวของ{MARKER}")
    state = submit(cls.page_b2, cls.office_preparer_b, at=bangkok(2026, 2, 2, 9))
    act(
        state,
        cls.office_supervisor_b,
        "reject",
        at=bangkok(2026, 2, 2, 10),
        comment=f"เหตุผลขอแก้ของ{MARKER}",
    )
    # B3 and a person's details: waiting for their supervisors at year end.
    cls.page_b3 = draft(cls.procurement_b, cls.preparer_b, f"ประกาศรอของ{MARKER}")
    submit(cls.page_b3, cls.preparer_b, at=bangkok(2026, 9, 25, 9))
    cls.person_b = Person(
        site=cls.site_b,
        name=f"บุคคลของ{MARKER}",
        position="นักวิชาการ",
        group=PersonGroup.STAFF,
        division=cls.office_b,
        live=False,
    )
    with time_machine.travel(bangkok(2026, 9, 28, 8), tick=False):
        cls.person_b.save()
    submit(cls.person_b, cls.office_preparer_b, at=bangkok(2026, 9, 28, 9))
    # B4: published directly (by the host's superuser) in February.
    publish_directly(
        draft(cls.activities_b, cls.office_preparer_b, f"ข่าวตรงของ{MARKER}"),
        cls.superuser,
        at=bangkok(2026, 2, 15, 10),
    )

    # Four check runs, all finished; one finding fixed after a day, one still open.
    for month in (11, 12, 1, 2):
        year = 2025 if month > 9 else 2026
        CheckRun.objects.create(
            site=cls.site_b, started_at=bangkok(year, month, 1, 6), status=CheckRun.Status.FINISHED
        )
    make_finding(
        cls.site_b,
        "b1",
        Finding.Kind.BROKEN_LINK,
        cls.finance_b,
        bangkok(2026, 1, 5, 6),
        bangkok(2026, 1, 6, 6),
    )
    make_finding(cls.site_b, "b2", Finding.Kind.PAGE_ERROR, None, bangkok(2026, 4, 1, 6))

    kind = ProblemReport.Kind
    cls.entry_b = ProblemReport.objects.create(
        site=cls.site_b,
        division=cls.finance_b,
        date=bangkok(2026, 3, 1).date(),
        kind=kind.PROBLEM,
        text=f"ปัญหาของ{MARKER}",
        recorded_by=cls.preparer_b,
    )
    ProblemReport.objects.create(
        site=cls.site_b,
        division=cls.office_b,
        date=bangkok(2026, 4, 1).date(),
        kind=kind.OBSTACLE,
        text=f"อุปสรรคของ{MARKER}",
        recorded_by=cls.office_preparer_b,
    )
