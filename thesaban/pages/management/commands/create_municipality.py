from django.core.management.base import BaseCommand, CommandError

from thesaban.pages.services import create_municipality


class Command(BaseCommand):
    help = (
        "Add a municipality to this install (the hosting provider's step): a new site with its "
        "own home page, the announcement's structure, role groups and the usual divisions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. เทศบาลตำบลบ้านบน")
        parser.add_argument("--url", required=True, help="e.g. https://www.banbon.go.th")
        parser.add_argument(
            "--no-divisions",
            action="store_false",
            dest="with_divisions",
            help="Do not create the usual divisions of a Thai municipality.",
        )

    def handle(self, *args, name: str, url: str, with_divisions: bool, **options):
        try:
            site = create_municipality(name=name, url=url, with_divisions=with_divisions)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Municipality created: {site.root_url}/ ({name})"))
