"""Which municipality a record made in the admin goes to.

A member of staff's own, always; the host's superusers (who belong to none) choose one with
`?site=` on the add screens, from a small form above them (`accounts/includes/site_picker.html`).
"""

from django.utils.functional import cached_property
from wagtail.models import Site

from .. import access


def chosen_site(request, *, allow_none: bool = False) -> Site | None:
    """The municipality of a new division or account: the person's own, or the host's choice
    (the default site until they choose, or none if `allow_none`)."""
    if not access.is_host_administrator(request.user):
        return access.site_of(request.user)
    sites = access.sites_managed_by(request.user).select_related("root_page")
    value = request.GET.get("site", "")
    if value.isdigit():
        site = sites.filter(pk=int(value)).first()
        if site is not None:
            return site
    if allow_none:
        return None
    return sites.filter(is_default_site=True).first() or sites.order_by("pk").first()


class SitePickerMixin:
    """For an add view: the chosen municipality, kept in the form's address, and the picker
    the host's superusers see above the form."""

    site_picker_allows_none = False

    @cached_property
    def chosen_site(self) -> Site | None:
        return chosen_site(self.request, allow_none=self.site_picker_allows_none)

    @cached_property
    def add_url(self):
        url = super().add_url
        if access.is_host_administrator(self.request.user) and self.chosen_site is not None:
            url += f"?site={self.chosen_site.pk}"
        return url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if access.is_host_administrator(self.request.user):
            context["site_picker"] = {
                "sites": access.sites_managed_by(self.request.user).order_by("hostname"),
                "chosen": self.chosen_site,
                "allows_none": self.site_picker_allows_none,
            }
        return context
