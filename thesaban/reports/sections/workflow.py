"""How the three-step process performed, read from Wagtail's workflow states and task states.

- Submission: the moment the preparer asked for publication (`WorkflowState.created_at`, as
  the publication record dates the request). Changes asked for and made again stay in the same
  workflow state, so the times below include the rework.
- Supervisor approval: the first approval of the supervisor's step (`DivisionApprovalTask`) of
  that workflow state, counted in the fiscal year in which it was given, whenever the item was
  submitted.
- Publication: the web operator's approval that finished the workflow (`PublicationTask`): the
  moment the item was published, or scheduled if its go-live time was later; a go-live time
  chosen for the future is the preparer's choice, not a delay of the process.
- Requests for changes: task states rejected ("ขอให้แก้ไข") in the year, with their comment.
- Waiting at year end: task states started before the end of the period and not finished by
  then (whatever happened to them later).

Pages and the snippets under the workflow (people) are counted alike, those of the
municipality only: its pages (below its home page) and the snippets whose `site` is it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from wagtail.models import Page, Site, TaskState, WorkflowState

from thesaban.core.thai_dates import format_thai_date, format_thai_datetime
from thesaban.publishing import rules
from thesaban.publishing.models import DivisionApprovalTask, PublicationTask

from . import DivisionNames, ReportPeriod, hours, median, percentile, register, rounded


def _keys(queryset: QuerySet) -> QuerySet:
    # A workflow state names its object by a text id (Wagtail's generic relation).
    return queryset.annotate(key=Cast("pk", output_field=CharField())).values("key")


def _has_site(model) -> bool:
    try:
        model._meta.get_field("site")
    except FieldDoesNotExist:
        return False
    return True


def workflow_states_of(site: Site) -> QuerySet[WorkflowState]:
    """The workflow states of `site`'s pages and of its site-scoped snippets (a snippet model
    without a site cannot be placed in a municipality and is left out)."""
    page_type = ContentType.objects.get_for_model(Page)
    condition = Q(
        base_content_type=page_type,
        object_id__in=_keys(Page.objects.filter(path__startswith=site.root_page.path)),
    )
    other_types = (
        WorkflowState.objects.exclude(base_content_type=page_type)
        .values_list("base_content_type", flat=True)
        .distinct()
    )
    for content_type in ContentType.objects.filter(pk__in=other_types):
        model = content_type.model_class()
        if model is not None and _has_site(model):
            condition |= Q(
                base_content_type=content_type,
                object_id__in=_keys(model._default_manager.filter(site=site)),
            )
    return WorkflowState.objects.filter(condition)


class _Owners:
    """The division answerable for the object of each workflow state: the pages' in bulk
    (`DivisionNames`), a snippet's (a person's) one object at a time, each asked once."""

    def __init__(self, site: Site, workflow_states: Iterable[WorkflowState]) -> None:
        self._page_type_id = ContentType.objects.get_for_model(Page).pk
        self._pages = DivisionNames(site)
        self._pages.load(
            int(state.object_id)
            for state in workflow_states
            if state.base_content_type_id == self._page_type_id
        )
        self._by_object: dict[tuple[int, str], str] = {}

    def name(self, workflow_state: WorkflowState) -> str:
        key = (workflow_state.base_content_type_id, workflow_state.object_id)
        if key not in self._by_object:
            if workflow_state.base_content_type_id == self._page_type_id:
                division = self._pages.of_page(int(workflow_state.object_id))
            else:
                obj = workflow_state.content_object
                division = rules.owning_division(obj) if obj is not None else None
            self._by_object[key] = DivisionNames.name(division)
        return self._by_object[key]


def _step_name(task_id: int, supervisor_ids: set[int], operator_ids: set[int], name: str) -> str:
    if task_id in supervisor_ids:
        return _("ผู้บังคับบัญชา")
    if task_id in operator_ids:
        return _("ผู้ปฏิบัติงานเผยแพร่ข้อมูล")
    return name


@register("workflow", order=200)
def workflow_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict:
    start, end = period.start_moment, period.end_moment
    states = workflow_states_of(site)
    task_states = TaskState.objects.filter(workflow_state__in=states)
    supervisor_ids = set(DivisionApprovalTask.objects.values_list("pk", flat=True))
    operator_ids = set(PublicationTask.objects.values_list("pk", flat=True))

    # First supervisor approval of each workflow state (any year), then those given this year.
    first_approvals: dict[int, TaskState] = {}
    for state in (
        task_states.filter(
            task_id__in=supervisor_ids, status=TaskState.STATUS_APPROVED, finished_at__lt=end
        )
        .select_related("workflow_state")
        .order_by("finished_at", "pk")
    ):
        first_approvals.setdefault(state.workflow_state_id, state)
    to_supervisor = [
        hours(state.finished_at - state.workflow_state.created_at)
        for state in first_approvals.values()
        if period.contains(state.finished_at)
    ]
    to_publication = [
        hours(state.finished_at - state.workflow_state.created_at)
        for state in task_states.filter(
            task_id__in=operator_ids,
            status=TaskState.STATUS_APPROVED,
            workflow_state__status=WorkflowState.STATUS_APPROVED,
            finished_at__gte=start,
            finished_at__lt=end,
        ).select_related("workflow_state")
    ]
    submitted = states.filter(created_at__gte=start, created_at__lt=end).count()

    rejected_states = list(
        task_states.filter(
            status=TaskState.STATUS_REJECTED, finished_at__gte=start, finished_at__lt=end
        )
        .select_related("workflow_state", "revision", "task")
        .order_by("finished_at", "pk")
    )
    waiting_states = list(
        task_states.filter(started_at__lt=end)
        .exclude(finished_at__lt=end)
        .exclude(status=TaskState.STATUS_SKIPPED)
        .select_related("workflow_state", "revision", "task")
        .order_by("workflow_state__created_at", "pk")
    )
    owners = _Owners(site, (state.workflow_state for state in (*rejected_states, *waiting_states)))
    changes = [
        [
            format_thai_datetime(state.finished_at),
            state.revision.object_str if state.revision else "",
            owners.name(state.workflow_state),
            _step_name(state.task_id, supervisor_ids, operator_ids, state.task.name),
            state.comment.strip() or _("(ไม่ได้ระบุเหตุผล)"),
        ]
        for state in rejected_states
    ]
    waiting = [
        [
            state.revision.object_str if state.revision else "",
            owners.name(state.workflow_state),
            _step_name(state.task_id, supervisor_ids, operator_ids, state.task.name),
            format_thai_date(state.workflow_state.created_at),
            (end - state.workflow_state.created_at).days,
        ]
        for state in waiting_states
    ]

    blocks: list[dict] = [
        {
            "type": "paragraph",
            "text": _(
                "ทุกรายการที่เผยแพร่ผ่านขั้นตอนการขออนุญาตเผยแพร่ ๓ ขั้นตอน คือ ผู้จัดทำข้อมูลจัดทำและยืนยันความถูกต้อง "
                "ผู้บังคับบัญชาของส่วนราชการให้ความเห็นชอบ และผู้ปฏิบัติงานเผยแพร่ข้อมูลตรวจทานและเผยแพร่ "
                "ระยะเวลานับจากวันที่ผู้จัดทำส่งขออนุญาต"
            ),
        },
        {
            "type": "figures",
            "items": [
                {"label": _("ส่งขออนุญาตเผยแพร่"), "value": submitted, "unit": _("รายการ")},
                {
                    "label": _("ผู้บังคับบัญชาให้ความเห็นชอบ"),
                    "value": len(to_supervisor),
                    "unit": _("รายการ"),
                },
                {
                    "label": _("ผู้ปฏิบัติงานเผยแพร่ข้อมูลอนุมัติเผยแพร่"),
                    "value": len(to_publication),
                    "unit": _("รายการ"),
                },
                {"label": _("ขอให้แก้ไข"), "value": len(changes), "unit": _("ครั้ง")},
                {
                    "label": _("รอการพิจารณา ณ สิ้นปีงบประมาณ"),
                    "value": len(waiting),
                    "unit": _("รายการ"),
                },
            ],
        },
        {
            "type": "table",
            "title": _("ระยะเวลาดำเนินการ"),
            "columns": [
                _("ช่วงเวลา"),
                _("จำนวนรายการ"),
                _("มัธยฐาน (ชั่วโมง)"),
                _("เปอร์เซ็นไทล์ที่ 90 (ชั่วโมง)"),
                _("มัธยฐาน (วัน)"),
                _("เปอร์เซ็นไทล์ที่ 90 (วัน)"),
            ],
            "rows": [
                _duration_row(_("ตั้งแต่ส่งขออนุญาตจนผู้บังคับบัญชาให้ความเห็นชอบ"), to_supervisor),
                _duration_row(_("ตั้งแต่ส่งขออนุญาตจนอนุมัติเผยแพร่"), to_publication),
            ],
            "numeric": [False, True, True, True, True, True],
            "total_row": False,
        },
    ]
    if changes:
        blocks.append(
            {
                "type": "table",
                "title": _("การขอให้แก้ไขและเหตุผล"),
                "columns": [_("วันที่"), _("เรื่อง"), _("ส่วนราชการ"), _("ขั้นตอน"), _("เหตุผล")],
                "rows": changes,
                "numeric": [False] * 5,
                "total_row": False,
            }
        )
    else:
        blocks.append({"type": "paragraph", "text": _("ไม่มีการขอให้แก้ไขในปีงบประมาณนี้")})
    if waiting:
        blocks.append(
            {
                "type": "table",
                "title": _("รายการที่รอการพิจารณา ณ สิ้นปีงบประมาณ (%(date)s)")
                % {"date": format_thai_date(period.end)},
                "columns": [
                    _("เรื่อง"),
                    _("ส่วนราชการ"),
                    _("รอขั้นตอน"),
                    _("ส่งขออนุญาตเมื่อ"),
                    _("รอมาแล้ว (วัน)"),
                ],
                "rows": waiting,
                "numeric": [False, False, False, False, True],
                "total_row": False,
            }
        )
    else:
        blocks.append({"type": "paragraph", "text": _("ไม่มีรายการที่รอการพิจารณา ณ สิ้นปีงบประมาณ")})
    return {"title": _("การดำเนินการตามขั้นตอนการขออนุญาตเผยแพร่ข้อมูล"), "blocks": blocks}


def _duration_row(label: str, durations: list[float]) -> list:
    middle, high = median(durations), percentile(durations, 0.9)
    return [
        label,
        len(durations),
        rounded(middle, 1),
        rounded(high, 1),
        rounded(middle / 24 if middle is not None else None, 2),
        rounded(high / 24 if high is not None else None, 2),
    ]
