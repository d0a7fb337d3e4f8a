"""What a check finds, before it is recorded as a `Finding` (`services._record`).

Shared by the page check (`services`) and the content checks (`content_checks`), which
`services` calls: kept apart so that neither imports the other's module to name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wagtail.models import Page

    from thesaban.accounts.models import Division


@dataclass(frozen=True)
class Problem:
    kind: str
    severity: str
    target_url: str = ""
    detail: str = ""
    # The freshness rule broken (missing or stale content), recorded on the finding.
    rule_id: int | None = None


@dataclass
class PageResult:
    # None for what belongs to no page: a snippet, a file no page uses, a rule without section.
    page: Page | None
    problems: list[Problem] = field(default_factory=list)
    links: int = 0
    rendered: bool = False
    # Who must fix the problems of a result without a page; None: the web operators. A page's
    # problems always go to the division that owns the page.
    division: Division | None = None
