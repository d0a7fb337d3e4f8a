"""Until now one install was one municipality: what it had belongs to its (default) site.

Divisions go to the site that holds their sections; the site-wide role groups of that time
(named after the role alone) become the default site's; every member of a role group belongs
to the site of that group. Group names and rights are brought up to date after `migrate` by
`accounts.services.ensure_all_role_groups` (post_migrate).
"""

from django.db import migrations

WEB_OPERATOR = "ผู้ปฏิบัติงานเผยแพร่ข้อมูล"
IT_ADMINISTRATOR = "ผู้ดูแลระบบสารสนเทศ"


def default_site(Site):
    return Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()


def forwards(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Division = apps.get_model("accounts", "Division")
    SiteRole = apps.get_model("accounts", "SiteRole")
    StaffMembership = apps.get_model("accounts", "StaffMembership")
    Group = apps.get_model("auth", "Group")
    site = default_site(Site)
    if site is None:
        if Division.objects.exists():
            raise RuntimeError("Divisions exist but no Wagtail site: create the site first.")
        return
    sites = list(Site.objects.select_related("root_page"))
    for division in Division.objects.filter(site__isnull=True):
        section = division.sections.order_by("depth").first()
        owner = site
        if section is not None:
            holding = [s for s in sites if section.path.startswith(s.root_page.path)]
            if holding:
                owner = max(holding, key=lambda s: s.root_page.depth)
        division.site = owner
        division.save(update_fields=["site"])
    for role, name in (("web_operator", WEB_OPERATOR), ("it_administrator", IT_ADMINISTRATOR)):
        group = Group.objects.filter(name=name).first()
        if group is not None and not SiteRole.objects.filter(group=group).exists():
            SiteRole.objects.get_or_create(site=site, role=role, defaults={"group": group})
    site_of_group = {role.group_id: role.site_id for role in SiteRole.objects.all()}
    for division in Division.objects.all():
        for group_id in (division.preparers_id, division.supervisors_id):
            if group_id:
                site_of_group[group_id] = division.site_id
    User = apps.get_model(*_user_model().split("."))
    for user in User.objects.filter(groups__in=list(site_of_group)).distinct():
        group_id = user.groups.filter(pk__in=list(site_of_group)).values_list("pk", flat=True)[0]
        StaffMembership.objects.get_or_create(
            user=user, defaults={"site_id": site_of_group[group_id]}
        )


def _user_model():
    from django.conf import settings

    return settings.AUTH_USER_MODEL


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_municipality_roles_and_membership"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
