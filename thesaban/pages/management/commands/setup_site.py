from django.conf import settings
from django.core.management.base import BaseCommand

from thesaban.pages.services import setup_municipality


class Command(BaseCommand):
    help = (
        "Set up this install's (first) municipality on the default site: the announcement's "
        "structure, its address and name, its role groups and the usual divisions. Safe to "
        "run again. For each further municipality on the same install use create_municipality."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name", default="", help="The municipality's name, e.g. เทศบาลตำบลบ้านบน"
        )
        parser.add_argument(
            "--url",
            default="",
            help="Its public address (default: the SITE_URL setting), e.g. https://www.banbon.go.th",
        )
        parser.add_argument(
            "--no-divisions",
            action="store_false",
            dest="with_divisions",
            help="Do not create the usual divisions of a Thai municipality.",
        )

    def handle(self, *args, name: str, url: str, with_divisions: bool, **options):
        url = url or settings.SITE_URL
        site = setup_municipality(name=name, url=url, with_divisions=with_divisions)
        self.stdout.write(
            self.style.SUCCESS(f"Municipality ready: {site.root_url}/ ({site.site_name or site})")
        )
