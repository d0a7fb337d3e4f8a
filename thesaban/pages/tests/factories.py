import io

import factory
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from wagtail.models import Site

from thesaban.accounts.models import Division
from thesaban.core.models import SiteDocument, SiteImage
from thesaban.pages.models import Person
from thesaban.pages.sample_files import sample_pdf, sample_png


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("site", "code")

    site = factory.LazyFunction(lambda: Site.objects.get(is_default_site=True))
    name = factory.Sequence(lambda n: f"กองทดสอบ {n}")
    code = factory.Sequence(lambda n: f"division-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    site = factory.LazyFunction(lambda: Site.objects.get(is_default_site=True))
    name = factory.Sequence(lambda n: f"นายทดสอบ คนที่{n}")
    position = "นายกเทศมนตรี"
    group = "executive"
    level = 1
    phone = "0 5600 0000"
    email = factory.Sequence(lambda n: f"person{n}@example.go.th")


class SiteDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteDocument

    title = factory.Sequence(lambda n: f"เอกสารทดสอบ {n}")
    file = factory.LazyFunction(lambda: ContentFile(sample_pdf("test"), name="test.pdf"))


class SiteImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteImage

    title = factory.Sequence(lambda n: f"ภาพทดสอบ {n}")
    description = "ภาพทดสอบสำหรับผู้ใช้โปรแกรมอ่านหน้าจอ"
    file = factory.LazyFunction(
        lambda: ImageFile(io.BytesIO(sample_png(1, (64, 48))), name="test.png")
    )
