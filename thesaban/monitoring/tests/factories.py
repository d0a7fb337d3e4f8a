import factory
from django.utils import timezone
from wagtail.models import Site

from thesaban.accounts import access
from thesaban.monitoring.models import CheckRun, Finding


def default_site() -> Site:
    return Site.objects.get(is_default_site=True)


class CheckRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckRun

    site = factory.LazyFunction(default_site)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    # The municipality of its page (the default site's for a finding of no page).
    site = factory.LazyAttribute(
        lambda finding: (
            Site.objects.get(pk=access.site_id_of_page(finding.page))
            if finding.page
            else default_site()
        )
    )
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
