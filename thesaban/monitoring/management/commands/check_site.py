from django.core.management.base import BaseCommand

from thesaban.monitoring import notifications, services
from thesaban.monitoring.tasks import check_site


class Command(BaseCommand):
    help = "Check every live page and its links now (announcement 3.2), or enqueue the check."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Leave the check to the background worker instead of running it here.",
        )
        parser.add_argument(
            "--no-mail",
            action="store_false",
            dest="mail",
            help="Do not send the divisions' digests after the check.",
        )

    def handle(self, *args, enqueue: bool = False, mail: bool = True, **options):
        if enqueue:
            result = check_site.enqueue()
            self.stdout.write(f"Enqueued site check: task {result.id}")
            return
        run = services.run_check()
        if run is None:
            self.stderr.write("Another site check is running: nothing done.")
            return
        self.stdout.write(
            f"Site check {run.pk}: {run.pages_checked} pages, {run.links_checked} links, "
            f"{run.findings_opened} findings opened, {run.findings_closed} closed"
        )
        if mail:
            sent = notifications.send_digests(run=run)
            self.stdout.write(f"Digests sent: {sent}")
