"""Run the nightly loyalty job now: `manage.py loyalty_nightly [--as-of YYYY-MM-DD] [--chunk-size N]`."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from loyalty.nightly import run_nightly


class Command(BaseCommand):
    help = "Credit new sales, reverse refunds, expire lots, warn of expiry and evaluate tiers for a business date."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="Business date YYYY-MM-DD (default: today, Asia/Shanghai).")
        parser.add_argument("--chunk-size", dest="chunk_size", type=int, help="Partner ids per chunk.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")
        parser.add_argument("--full", action="store_true", help="Examine every sale, not only those new since the last run.")

    def handle(self, *args, as_of=None, chunk_size=None, no_progress=False, full=False, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError(f"--as-of must be a date like 2026-11-29, not {as_of!r}")
        if chunk_size is not None and chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        bar = None

        def progress(done, total):
            nonlocal bar
            if no_progress:
                return
            if bar is None:
                bar = tqdm(total=total, unit="chunk", desc="loyalty", file=self.stderr._out)
            bar.update(1)

        try:
            run = run_nightly(as_of=day, chunk_size=chunk_size, progress=progress, full=full)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"loyalty {run.as_of}: {run.chunks_done} chunks, {run.earned} sales credited, {run.bonuses} bonuses, "
                f"{run.reversed} reversed, {run.expired} lots expired, {run.warned} warnings, "
                f"{run.reviews_opened} tier reviews opened, {run.reviews_lapsed} lapsed"
            )
        )
