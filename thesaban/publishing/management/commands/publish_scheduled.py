"""`manage.py publish_scheduled`, Thesaban's version of Wagtail's command of the same name.

It takes the place of Wagtail's (this app comes before `wagtail` in INSTALLED_APPS), so the
cron line of Wagtail's documentation gets the same run as the worker's scheduler: the fix for
Wagtail #13896, the lock against a concurrent run and the page cache cleared. `--dryrun`
still lists what is due, with Wagtail's own code.
"""

from wagtail.management.commands.publish_scheduled import Command as WagtailCommand

from thesaban.publishing.windows import publish_scheduled


class Command(WagtailCommand):
    help = "Publish and take down the items whose publication window starts or ends now"

    def handle(self, *args, **options) -> None:
        if options["dryrun"]:
            super().handle(*args, **options)
            return
        run = publish_scheduled()
        if run.skipped:
            self.stdout.write("Another scheduler run is in progress; nothing done.")
            return
        self.stdout.write(
            f"Published: {len(run.went_live)}, expired: {len(run.expired)}, "
            f"failed: {len(run.failed)}"
        )
        for label in run.failed:
            self.stderr.write(f"Failed: {label}")
