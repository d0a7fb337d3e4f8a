from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from thesaban.monitoring import notifications, services
from thesaban.monitoring.tasks import check_site


class Command(BaseCommand):
    help = (
        "Check every live page and its links now (announcement 3.2), each municipality's site "
        "one after the other, or enqueue the checks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site",
            dest="hostname",
            help="Check only the municipality whose site has this host name (default: all).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Leave the checks to the background worker instead of running them here.",
        )
        parser.add_argument(
            "--no-mail",
            action="store_false",
            dest="mail",
            help="Do not send the divisions' digests after each check.",
        )

    def handle(self, *args, hostname=None, enqueue: bool = False, mail: bool = True, **options):
        sites = Site.objects.select_related("root_page").order_by("hostname", "port")
        if hostname:
            sites = sites.filter(hostname__iexact=hostname)
            if not sites:
                known = ", ".join(
                    Site.objects.order_by("hostname").values_list("hostname", flat=True)
                )
                raise CommandError(f"No site with the host name {hostname!r} (sites: {known})")
        for site in sites:
            if enqueue:
                run = services.open_run(site=site)
                result = check_site.enqueue(run_id=run.pk)
                self.stdout.write(
                    f"Enqueued site check {run.pk} of {site.hostname}: task {result.id}"
                )
                continue
            run = services.run_check(site=site)
            if run is None:
                self.stderr.write(
                    f"Another site check is running: {site.hostname} and the sites after it "
                    "not checked."
                )
                return
            self.stdout.write(
                f"Site check {run.pk} of {site.hostname}: {run.pages_checked} pages, "
                f"{run.links_checked} links, {run.findings_opened} findings opened, "
                f"{run.findings_closed} closed"
            )
            if mail:
                sent = notifications.send_digests(run=run)
                self.stdout.write(f"Digests sent: {sent}")
