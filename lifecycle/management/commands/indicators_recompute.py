"""`manage.py indicators_recompute [--as-of DATE] [--history-months N]`: the three-contradictions
indicators (lifecycle/indicator_job.py).

    python manage.py indicators_recompute                      # yesterday
    python manage.py indicators_recompute --as-of 2026-06-30
    python manage.py indicators_recompute --history-months 12  # first install: 12 month ends, then the day

Each day is computed from facts up to that day only; running it again replaces the same rows.
With --history-months, a past month end the lifecycle job has no figures for (it keeps its daily
snapshots a few weeks) is first back-filled by the lifecycle job (snapshots and risk levels only),
unless --no-lifecycle-backfill.
"""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lifecycle.engine import default_as_of
from lifecycle.indicator_job import indicators_backfill


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {exc}") from exc


class Command(BaseCommand):
    help = "Compute the three-contradictions indicators as of a day (and, optionally, past month ends)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, default=None, help="Business day (YYYY-MM-DD); default yesterday.")
        parser.add_argument("--history-months", type=int, default=0,
                            help="First compute the month ends of this many months before the day.")
        parser.add_argument("--no-lifecycle-backfill", action="store_true",
                            help="With --history-months: do not back-fill missing lifecycle figures first.")

    def handle(self, *args, **options):
        as_of = options["as_of"] or default_as_of()
        if as_of > timezone.localdate():
            raise CommandError("--as-of cannot be in the future.")
        months = options["history_months"]
        if months < 0 or months > 60:
            raise CommandError("--history-months must be between 0 and 60.")
        runs = indicators_backfill(as_of=as_of, months=months, lifecycle=not options["no_lifecycle_backfill"],
                                   log=self.stdout.write)
        failed = 0
        for run in runs:
            failed += run.failed
            self.stdout.write(
                f"Indicators for {run.as_of}: {run.get_status_display()}, {run.computed} computed, {run.failed} failed."
            )
            for key, error in run.errors.items():
                self.stderr.write(f"  {key}: {error}")
        if failed:
            # Recorded on the runs; the other indicators' rows are stored, so this only warns.
            self.stderr.write(self.style.WARNING(f"{failed} indicator computation(s) failed; see above."))
