"""`manage.py seed_demo`: demo data (a few hundred partners) or benchmark data (100,000 and 5M sales).

    python manage.py seed_demo                       # 300 partners, 20,000 sales, demo logins
    python manage.py seed_demo --partners 100000 --sales 5000000   # benchmark scale (PostgreSQL)
    python manage.py seed_demo --reset               # wipe partners, sales and demo logins first

Deterministic: the same --seed, sizes and --today give the same data. Idempotent: when partners
already exist nothing is generated (say --reset to rebuild); the demo logins are ensured and printed.
"""
import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token
from tqdm import tqdm

from partners import demo_data as d
from partners.choices import Role
from partners.demo_seed import ROLE_LABELS, BulkLoader, DemoDataGenerator, demo_partner_for, ensure_products
from partners.models import CityBranch, Contact, Partner, PartnerChange, PartnerCodeSequence, SaleRecord, User
from prm.demo import DemoContext, demo_steps

DEFAULT_SEED = 20090901


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today: {exc}") from exc


class Command(BaseCommand):
    help = "Create deterministic demo data for Sichuan partners, sales and one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins", action="store_true", help="Only print the demo logins and integration tokens, then stop."
        )
        parser.add_argument("--partners", type=int, default=300, help="Partners to create (default 300).")
        parser.add_argument("--sales", type=int, default=20_000, help="Sales records to create (default 20,000).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (default fixed).")
        parser.add_argument("--reset", action="store_true", help="Delete all partners, their data and the demo logins first.")
        parser.add_argument("--today", type=_date, default=None, help="Business date the data ends on (YYYY-MM-DD).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args, **options):
        n_partners, n_sales = options["partners"], options["sales"]
        if n_partners < 0 or n_sales < 0:
            raise CommandError("--partners and --sales must be zero or more.")
        if not CityBranch.objects.exists():
            raise CommandError("No city branches: run `manage.py migrate` first.")
        if options["logins"]:
            self._print_logins()
            return
        self.show_progress = not options["no_progress"] and options["verbosity"] > 0
        started = time.monotonic()
        if options["reset"]:
            self._reset()
            self.stdout.write(f"Reset: partners, sales, history and demo logins deleted ({time.monotonic() - started:.1f}s).")

        ensure_products()
        users = self._ensure_staff()
        existing = Partner.objects.count()
        if existing:
            self.stdout.write(self.style.WARNING(
                f"{existing} partners already exist: no demo data generated. Use --reset to rebuild it."
            ))
        else:
            self._generate(options, users, n_partners, n_sales)
        self._ensure_partner_logins()
        if not existing:
            self._run_app_steps(options, n_partners)
        self._print_logins()
        self.stdout.write(f"Done in {time.monotonic() - started:.1f}s.")

    # --- generation ------------------------------------------------------------------------------
    def _generate(self, options, users, n_partners, n_sales):
        today = options["today"] or timezone.localdate()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # bulk load: no need to wait for each chunk's WAL flush
                cursor.execute("SET synchronous_commit TO OFF")
        generator = DemoDataGenerator(
            seed=options["seed"], today=today, partners=n_partners, sales=n_sales, users=users, progress=self._bar,
            log=self.stdout.write if options["verbosity"] > 0 else None,
        )
        t0 = time.monotonic()
        generator.generate_partners()
        t1 = time.monotonic()
        generator.generate_sales()
        t2 = time.monotonic()
        generator.loader.analyze()
        t3 = time.monotonic()
        stats = generator.stats
        self.stdout.write(self.style.SUCCESS(
            f"Created {stats.partners} partners, {stats.contacts} contacts and {stats.changes} history rows "
            f"in {t1 - t0:.1f}s; {stats.sales} sales ({stats.refunded} refunded) in {t2 - t1:.1f}s"
            + (f"; VACUUM/ANALYZE {t3 - t2:.1f}s" if generator.loader.postgres else "")
            + f" (database: {generator.loader.seconds:.1f}s COPY/INSERT"
            + (f", {generator.loader.rebuild_seconds:.1f}s index rebuild" if generator.loader.rebuild_seconds else "")
            + ")"
            + f". Seed {options['seed']}, data up to {today}."
        ))
        if stats.by_profile:
            profiles = ", ".join(f"{name} {count}" for name, count in sorted(stats.by_profile.items()))
            self.stdout.write(f"Selling partners by sales trend: {profiles}.")

    def _run_app_steps(self, options, n_partners):
        """The other apps' demo data (prm/demo.py), once partners, sales and the demo logins exist."""
        ctx = DemoContext(seed=options["seed"], today=options["today"] or timezone.localdate(), partners=n_partners,
                          log=self.stdout.write if options["verbosity"] > 0 else None)
        for step in demo_steps():
            t0 = time.monotonic()
            with transaction.atomic():
                summary = step.run(ctx)
            self.stdout.write(self.style.SUCCESS(f"{step.key}: {summary} ({time.monotonic() - t0:.1f}s)."))

    def _bar(self, total, desc):
        return tqdm(
            total=total, desc=desc, unit=" rows", unit_scale=True, file=sys.stderr, mininterval=0.5,
            disable=not self.show_progress or total == 0,
        )

    # --- reset -----------------------------------------------------------------------------------
    def _reset(self):
        """Delete every partner with everything that hangs off it, and the demo logins."""
        through = Partner.authorised_products.through
        dependants = [through, Contact, PartnerChange, SaleRecord]
        for rel in Partner._meta.related_objects + SaleRecord._meta.related_objects:
            model = rel.related_model
            if model is not User and model not in dependants:
                dependants.append(model)  # later apps' rows about partners and sales
        existing = set(connection.introspection.table_names())
        dependants = [m for m in dependants if m._meta.db_table in existing]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in dependants)
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending checks
                    cursor.execute(f"TRUNCATE {tables} CASCADE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for model in reversed(dependants):
                    model._base_manager.all().delete()
            User.objects.filter(role=Role.PARTNER).delete()
            # Nothing refers to a partner any more: delete them all without a check per row.
            with BulkLoader().without_references(Partner), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(Partner._meta.db_table)}")
            PartnerCodeSequence.objects.all().delete()
            User.objects.filter(username__in=d.DEMO_USERNAMES).delete()

    # --- logins ----------------------------------------------------------------------------------
    def _user(self, username, *, role, password=None, last_name="", first_name="", **extra):
        """Create a demo login once; an existing login (and its password) is left as it is."""
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        user = User(username=username, role=role, last_name=last_name, first_name=first_name,
                    email=f"{username}@prm.example.com", **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user

    @transaction.atomic
    def _ensure_staff(self):
        cities = {c.code: c for c in CityBranch.objects.all()}
        admin = self._user(d.ADMIN_USERNAME, role=Role.ADMIN, password=d.ADMIN_PASSWORD, last_name="系统",
                           first_name="管理员", is_staff=True, is_superuser=True)
        username, last, first = d.PRODUCT_MANAGER
        pm = self._user(username, role=Role.PRODUCT_MANAGER, password=d.PRODUCT_MANAGER_PASSWORD, last_name=last,
                        first_name=first)
        cms, cm_cities = [], {}
        for username, last, first, codes in d.CHANNEL_MANAGERS:
            cm = self._user(username, role=Role.CHANNEL_MANAGER, password=d.CHANNEL_MANAGER_PASSWORD,
                            last_name=last, first_name=first)
            if not cm.covered_cities.exists():
                cm.covered_cities.set([cities[c] for c in codes if c in cities])
            if cm.role == Role.CHANNEL_MANAGER and cm.is_active:
                cms.append(cm)
                cm_cities[cm.username] = list(cm.covered_cities.values_list("code", flat=True))
        for username, write in d.INTEGRATION_CLIENTS:
            client = self._user(username, role=Role.INTEGRATION, api_write=write,
                                last_name="CRM", first_name="read-write" if write else "read-only")
            Token.objects.get_or_create(user=client)
        return {"admin": admin, "pm": pm, "cms": cms, "cm_cities": cm_cities}

    @transaction.atomic
    def _ensure_partner_logins(self):
        for username, type_code in d.PARTNER_LOGINS:
            if User.objects.filter(username=username).exists():
                continue
            partner = demo_partner_for(type_code)
            if partner is None:
                continue
            contact = partner.contacts.filter(is_primary=True).first()
            name = contact.name if contact else ""
            self._user(username, role=Role.PARTNER, password=d.PARTNER_PASSWORD, partner=partner,
                       last_name=name[:1], first_name=name[1:])

    def _print_logins(self):
        users = {u.username: u for u in User.objects.filter(username__in=d.DEMO_USERNAMES).select_related("partner")}
        passwords = {Role.ADMIN: d.ADMIN_PASSWORD, Role.CHANNEL_MANAGER: d.CHANNEL_MANAGER_PASSWORD,
                     Role.PRODUCT_MANAGER: d.PRODUCT_MANAGER_PASSWORD, Role.PARTNER: d.PARTNER_PASSWORD}
        rows = []
        for username in d.DEMO_USERNAMES:
            user = users.get(username)
            if user is None:
                continue
            role = user.effective_role
            if role == Role.ADMIN:
                sees = "everything, and the Django admin at /admin/"
            elif role == Role.CHANNEL_MANAGER:
                codes = ", ".join(user.covered_cities.order_by("sort_order").values_list("code", flat=True))
                sees = f"all partners; changes own partners and those in {codes or 'no city'}"
            elif role == Role.PRODUCT_MANAGER:
                sees = "all partners, read-only; reviews tiers"
            elif role == Role.INTEGRATION:
                sees = "API token: " + ("reads and writes everything" if user.api_write else "reads everything")
            else:
                sees = f"only {user.partner.code} {user.partner.name}" if user.partner else "nothing"
            password = passwords.get(role, "(API token only)") if user.has_usable_password() else "(API token only)"
            rows.append((username, password, ROLE_LABELS.get(role, role), sees))
        if not rows:
            return
        widths = [max(len(r[i]) for r in rows + [("username", "password", "role", "")]) for i in range(3)]
        self.stdout.write("")
        self.stdout.write("Demo logins (http://127.0.0.1:8000/accounts/login/); an existing login keeps its password:")
        self.stdout.write(f"  {'username':<{widths[0]}}  {'password':<{widths[1]}}  {'role':<{widths[2]}}  sees")
        for username, password, role, sees in rows:
            self.stdout.write(f"  {username:<{widths[0]}}  {password:<{widths[1]}}  {role:<{widths[2]}}  {sees}")
        tokens = Token.objects.filter(user__username__in=[n for n, _w in d.INTEGRATION_CLIENTS]).select_related("user")
        if tokens:
            self.stdout.write("Integration tokens (header `Authorization: Token <key>`):")
            for token in sorted(tokens, key=lambda t: t.user.username):
                self.stdout.write(f"  {token.user.username:<{widths[0]}}  {token.key}")
        self.stdout.write("")
