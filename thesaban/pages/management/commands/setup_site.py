from django.core.management.base import BaseCommand

from thesaban.pages.services import ensure_site_structure


class Command(BaseCommand):
    help = "Create the site structure of the announcement (every category and item), empty."

    def handle(self, *args, **options):
        home = ensure_site_structure()
        self.stdout.write(self.style.SUCCESS(f"Site structure ready under {home.url_path}"))
