from django.core.management.base import BaseCommand

from thesaban.demo.services import load_demo


class Command(BaseCommand):
    help = "Load the demo municipality (idempotent): site structure, content, people, accounts."

    def handle(self, *args, **options):
        created_accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo municipality is ready."))
        if created_accounts:
            self.stdout.write("Demo accounts (demo only, never use these passwords elsewhere):")
            for username, password in created_accounts:
                self.stdout.write(f"  {username:12} {password}")
