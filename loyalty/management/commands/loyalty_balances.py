"""Check that every balance agrees with the ledger; `--fix` rebuilds balances and lots from it."""
from django.core.management.base import BaseCommand, CommandError

from loyalty.selectors import balance_mismatches, balances_rebuild, lot_mismatches


class Command(BaseCommand):
    help = "Compare points balances and lots with the ledger (exit 1 on a difference); --fix rebuilds them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rebuild balances and lot remainders from the ledger.")
        parser.add_argument("--show", type=int, default=20, help="How many differences to list.")

    def handle(self, *args, fix=False, show=20, **options):
        balances = balance_mismatches()
        lots = lot_mismatches(limit=max(show, 1))
        for row in balances[:show]:
            self.stdout.write(f"partner {row.partner_id}: balance {row.stored} but ledger {row.ledger}")
        for entry_id, stored, derived in lots[:show]:
            self.stdout.write(f"lot {entry_id}: remaining {stored} but points less allocations {derived}")
        if not balances and not lots:
            self.stdout.write(self.style.SUCCESS("All balances and lots agree with the ledger."))
            return
        if fix:
            changed = balances_rebuild()
            self.stdout.write(self.style.WARNING(f"Rebuilt from the ledger ({changed} balances corrected)."))
            if balance_mismatches() or lot_mismatches():
                raise CommandError("Differences remain after the rebuild.")
            return
        raise CommandError(f"{len(balances)} balances and {len(lots)} lots disagree with the ledger (use --fix).")
