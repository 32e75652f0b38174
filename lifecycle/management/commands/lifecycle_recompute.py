"""`manage.py lifecycle_recompute [--as-of DATE]`: recompute stages, value scores and risk flags.

    python manage.py lifecycle_recompute                   # yesterday, in this process, progress bar
    python manage.py lifecycle_recompute --as-of 2025-06-30
    python manage.py lifecycle_recompute --celery          # queue the chunks for the workers instead
    python manage.py lifecycle_recompute --history-months 12   # first install: a run a month for a year

The same run the nightly Celery task makes (recorded, visible to administrators). Running it
again for the same day leaves the same rows; a day before the latest nightly run is a back-fill
(that day's snapshots and risk hits only). `--history-months N` first runs the job for the same
day N, N−1, … 1 months earlier (forward, oldest first): a new installation then has a stage
history, and partners that exited during those months keep the value score they had before
(the win-back list), which a single first run cannot know.
"""
import datetime
import sys


from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from lifecycle.choices import RunTrigger
from lifecycle.engine import default_as_of, lifecycle_run_execute, lifecycle_run_start


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: {exc}") from exc


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Command(BaseCommand):
    help = "Recompute lifecycle stages, value scores and risk flags for all partners as of a day."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, default=None, help="Business day (YYYY-MM-DD); default yesterday.")
        parser.add_argument("--chunk-size", type=int, default=None, help="Partner ids per chunk (default from settings).")
        parser.add_argument("--celery", action="store_true", help="Queue the chunks for Celery workers and return.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument("--history-months", type=int, default=0,
                            help="First run the job monthly for this many months before the day (first install).")

    def handle(self, *args, **options):
        as_of = options["as_of"] or default_as_of()
        if as_of > timezone.localdate():
            raise CommandError("--as-of cannot be in the future.")
        size = options["chunk_size"]
        if size is not None and size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if options["celery"]:
            from lifecycle.tasks import dispatch_run

            run = lifecycle_run_start(as_of=as_of, trigger=RunTrigger.COMMAND, chunk_size=size)
            dispatch_run(run.pk)
            self.stdout.write(f"Run {run.pk} for {as_of}: {run.chunks_total} chunks queued.")
            return

        months = options["history_months"]
        if months < 0 or months > 60:
            raise CommandError("--history-months must be between 0 and 60.")
        show = not options["no_progress"] and options["verbosity"] > 0
        for back in range(months, 0, -1):
            day = _months_before(as_of, back)
            run = lifecycle_run_execute(as_of=day, chunk_size=size)
            self.stdout.write(f"History: run {run.pk} for {day}: {run.get_status_display()}, {run.stage_changes} stage changes.")
        bar = None

        def progress(event, n):
            nonlocal bar
            if not show:
                return
            if event == "chunks":
                bar = tqdm(total=n + 1, desc=f"lifecycle {as_of}", unit="chunk", file=sys.stderr)
            elif bar is not None:
                bar.update(n)

        try:
            run = lifecycle_run_execute(as_of=as_of, chunk_size=size, progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            f"Run {run.pk} ({run.get_mode_display()}) for {run.as_of}: {run.get_status_display()} in "
            f"{run.duration.total_seconds():.1f}s · {run.partners} partners · {run.stage_changes} stage changes · "
            f"{run.flags_raised} flags raised · {run.flags_cleared} cleared · {run.new_high_risk} newly high-risk · "
            f"{run.plans_reviewed} plans reviewed."
        )
