import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, Site

from thesaban.accounts.services import ensure_role_groups

PASSWORD = "รหัสผ่าน-ทดสอบ-2569"

# What the IT administrator types into the "add user" form.
NEW_USER = {
    "username": "somying",
    "email": "somying@example.go.th",
    "first_name": "สมหญิง",
    "last_name": "ใจงาม",
    "password1": "รหัสชั่วคราว-2569",
    "password2": "รหัสชั่วคราว-2569",
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.th")
    first_name = "สมหญิง"
    last_name = "ทดสอบระบบ"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted, **_kwargs) -> None:
        if create and extracted:
            self.groups.add(*extracted)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "โทรศัพท์"
    confirmed = True


def role_groups(site: Site | None = None) -> dict[str, Group]:
    """The municipality's role groups with their real rights, as setup creates them (of the
    default site unless told)."""
    return ensure_role_groups(site=site or Site.objects.get(is_default_site=True))


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def municipality(hostname: str | None = None) -> Site:
    """A municipality with a section ("ข่าวสาร" › "ข่าวจัดซื้อจัดจ้าง") below its home page: the
    default site, or a new one at `hostname` built with the same titles and slugs."""
    if hostname is None:
        site = Site.objects.get(is_default_site=True)
    else:
        home = Page.get_first_root_node().add_child(
            instance=Page(title="หน้าหลัก", slug=f"home-{hostname.split('.')[0]}")
        )
        site = Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=hostname)
    home = site.root_page
    news = home.get_children().filter(slug="news").first() or home.add_child(
        instance=Page(title="ข่าวสาร", slug="news")
    )
    if not news.get_children().filter(slug="procurement").exists():
        news.add_child(instance=Page(title="ข่าวจัดซื้อจัดจ้าง", slug="procurement"))
    ensure_role_groups(site=site)
    return site


def section(site: Site, slug: str = "procurement") -> Page:
    """A page of `site` by its slug (the sections `municipality` builds)."""
    return Page.objects.descendant_of(site.root_page, inclusive=True).get(slug=slug)
