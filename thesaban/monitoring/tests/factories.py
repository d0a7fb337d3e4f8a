import factory
from django.utils import timezone

from thesaban.monitoring.models import CheckRun, Finding


class CheckRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckRun


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    kind = Finding.Kind.BROKEN_LINK
    severity = Finding.Severity.MEDIUM
    target_url = factory.Sequence(lambda n: f"https://example.go.th/gone/{n}")
    detail = "HTTP 404"
    first_seen_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)
    fingerprint = factory.LazyAttribute(
        lambda finding: Finding.fingerprint_of(
            kind=finding.kind,
            page_id=finding.page.pk if finding.page else None,
            target_url=finding.target_url,
        )
    )
