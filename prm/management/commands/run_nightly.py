"""Run every nightly job once, in order, in this process (what `make run` does after seeding).

The jobs are the tasks named in settings.PRM_NIGHTLY_JOBS; each app adds its own there and to
CELERY_BEAT_SCHEDULE. Each job takes an optional `as_of` ISO date.
"""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from prm.celery import app


class Command(BaseCommand):
    help = "Run every nightly job once, in-process, for the given business date (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="Business date YYYY-MM-DD (default: today, Asia/Shanghai).")

    def handle(self, *args, as_of=None, **options):
        if as_of:
            try:
                datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of must be a date like 2026-11-29, not {as_of!r}")
        jobs = getattr(settings, "PRM_NIGHTLY_JOBS", [])
        if not jobs:
            self.stdout.write("No nightly jobs are configured.")
            return
        app.loader.import_default_modules()  # autodiscovery is lazy: load every app's tasks.py
        for name in jobs:
            task = app.tasks.get(name)
            if task is None:
                raise CommandError(f"Nightly job {name!r} is not a registered task.")
            self.stdout.write(f"Running {name} …")
            result = task.apply(kwargs={"as_of": as_of} if as_of else {})
            if result.failed():
                raise CommandError(f"{name} failed: {result.result!r}")
            self.stdout.write(self.style.SUCCESS(f"  {name}: {result.result}"))
