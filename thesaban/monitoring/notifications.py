"""Thai e-mail after each site check: a digest to each division's staff, a summary to its
supervisors (announcement 3.2: an error is fixed at once and reported to the superior).

Sent from the worker that ran the check, one message per person, for one municipality at a
time: its findings, to its staff, in its name. Findings of pages no division owns go to its web
operators.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.urls import reverse

from thesaban.accounts.models import Division
from thesaban.core.mail import personal_messages, send_mail, site_link
from thesaban.core.thai_dates import format_thai_date, format_thai_datetime

from .models import SEVERITY_RANK, CheckRun, Finding


def send_digests(*, run: CheckRun) -> int:
    """Mail every division of the run's municipality with open findings; returns the number
    of messages sent. Only that municipality's findings, to its own staff, in its name, with
    links to its own address."""
    site = run.site
    by_division: dict[Division | None, list[Finding]] = defaultdict(list)
    for finding in (
        Finding.objects.open()
        .filter(site=site)
        .select_related("page", "division")
        # The worst first: a person reading the top of the mail sees what matters most.
        .annotate(severity_rank=SEVERITY_RANK)
        .order_by("division_id", "severity_rank", "page__path", "kind", "target_url")
    ):
        by_division[finding.division].append(finding)
    if not by_division:
        return 0
    admin_base_url = site_link(site)
    report_url = site_link(site, reverse("monitoring_findings"))
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    messages = []
    for division, findings in by_division.items():
        context = {
            "division": division,
            "findings": [_row(finding, admin_base_url=admin_base_url) for finding in findings],
            "count": len(findings),
            "new": sum(finding.first_seen_at >= run.started_at for finding in findings),
            "high": sum(finding.severity == Finding.Severity.HIGH for finding in findings),
            "kinds": _count_by_kind(findings),
            "run_date": format_thai_date(run.started_at, style="long"),
            "report_url": report_url,
        }
        if division is None or division.site_id != site.pk:
            # Pages no division of the municipality owns: its web operators'.
            staff = users.filter(
                groups__site_role__site=site, groups__site_role__role="web_operator"
            )
            supervisors = users.none()
        else:
            staff = users.filter(groups=division.preparers_id)
            supervisors = users.filter(groups=division.supervisors_id)
        messages += _messages("digest", context, staff, site=site)
        messages += _messages("summary", context, supervisors, site=site)
    return send_mail(messages) if messages else 0


def _row(finding: Finding, *, admin_base_url: str) -> dict[str, str]:
    target_url, edit_url = finding.target_url, ""
    if target_url.startswith("/"):
        # A content problem's target is the admin screen where it is put right (the document,
        # the image, the snippet): a link to it, not a link that is broken. A rule's screen is
        # the web operators': a division puts a rule right on its section's page, named above.
        target_url = ""
        if not (finding.rule_id and finding.page_id):
            edit_url = admin_base_url + finding.target_url
    return {
        "title": finding.page.title if finding.page else "",
        "url": (finding.page.get_full_url() or "") if finding.page else "",
        "kind": finding.get_kind_display(),
        "severity": finding.get_severity_display(),
        "target_url": target_url,
        "edit_url": edit_url,
        "detail": finding.detail,
        "first_seen": format_thai_datetime(finding.first_seen_at),
    }


def _count_by_kind(findings: list[Finding]) -> list[dict[str, object]]:
    """How many of each kind, in the order the kinds are declared, for the supervisors."""
    counts = Counter(finding.kind for finding in findings)
    return [
        {"label": label, "count": counts[kind]}
        for kind, label in Finding.Kind.choices
        if counts[kind]
    ]


def _messages(template: str, context: dict, recipients, *, site) -> list[list]:
    addresses = recipients.values_list("email", flat=True)
    return personal_messages(f"monitoring/email/{template}", context, addresses, site=site)
