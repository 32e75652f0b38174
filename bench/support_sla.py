#!/usr/bin/env python
"""Support benchmark: the breach sweep and the staff queue API at scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prm_bench_support .venv/bin/python bench/support_sla.py

What it does:
1. Creates the database if needed, migrates it, and (unless the data is already there) generates
   500,000 tickets of which 100,000 are open, with their SLA records (two per ticket, three for
   delivery requests), 5,000 partners and the staff of the three service centres, all with COPY.
   The open set is in a steady state: clocks due in the last sweep period (`--due-now`), warnings
   due (`--warn-now`) and escalations due (`--escalate-now`); the rest are running in the future,
   paused, or breached and already escalated.
2. Sweep: the baseline is the three indexed SELECTs that only find the due rows' ids. The sweep
   (support.escalation.sla_sweep) is timed with that work to do (then its effects are undone and
   it runs again: median of --repeat), and again with nothing left to do (the steady state).
3. Staff queue API: gunicorn serves PRM plus a baseline endpoint (bench/support_wsgi.py) that
   answers the same page with hand-written SQL and orjson; wrk drives both at 32 (and 1)
   concurrent clients. Prints requests/s, p50/p99 and the ratios.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
STATE = RESULTS / "support_state.json"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/prm_bench_support"
OPEN = ["new", "acknowledged", "in_progress", "waiting_on_partner", "reopened"]
CATEGORIES = ["market", "service", "process", "regulation", "sales", "training", "technical", "capability"]


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
                             password=parts.password or None, dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def copy(cursor, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples; None is NULL) into a table in chunks."""
    total = 0
    buffer = io.StringIO()

    def flush():
        buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in row))
        buffer.write("\n")
        total += 1
        if total % 100_000 == 0:
            flush()
    flush()
    return total


def progress(message: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {message}", flush=True)


# --- data ------------------------------------------------------------------------------------------
def generate(args) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from partners.choices import Role
    from partners.models import CityBranch, PartnerType, User
    from support.models import ServiceCentre, SlaPolicy

    rng = random.Random(20260309)
    now = timezone.now().replace(microsecond=0)
    progress("clearing old benchmark data")
    with connection.cursor() as cursor:
        # CASCADE reaches the users (through partner users) and what references them (centre
        # heads, routing rules); the reference data is loaded again below.
        cursor.execute("TRUNCATE support_ticket, partners_partner, prm_notification RESTART IDENTITY CASCADE")
    import importlib

    from django.apps import apps

    importlib.import_module("support.migrations.0002_reference_data").load(apps, None)

    centres = {c.code: c for c in ServiceCentre.objects.all()}
    with transaction.atomic():
        admin = User.objects.create_user("bench-admin", role=Role.ADMIN, is_superuser=True, is_staff=True,
                                         email="bench-admin@example.com")
        managers = [User.objects.create_user(f"bench-cm{i}", role=Role.CHANNEL_MANAGER, email=f"cm{i}@example.com")
                    for i in range(20)]
        agents = {}
        for code, centre in centres.items():
            head = User.objects.create_user(f"bench-head-{code.lower()}", role=Role.PRODUCT_MANAGER,
                                            email=f"head-{code.lower()}@example.com")
            centre.head = head
            centre.save()
            agents[code] = [User.objects.create_user(f"bench-{code.lower()}-{i}", role=Role.PRODUCT_MANAGER,
                                                     email=f"{code.lower()}{i}@example.com") for i in range(10)]
            centre.members.set(agents[code])
        token, _ = Token.objects.get_or_create(user=agents["BAS"][0])

    cities = list(CityBranch.objects.values_list("id", flat=True))
    types = list(PartnerType.objects.values_list("id", "code"))
    policies = {p.name: p for p in SlaPolicy.objects.prefetch_related("targets")}
    models = ["channel_sharing", "customer_sharing", "capability_provision", "co_operation", "co_expansion",
              "relationship_expansion"]
    tiers = ["registered"] * 6 + ["certified"] * 3 + ["gold"]

    with connection.cursor() as cursor:
        progress(f"partners: {args.partners:,}")
        partner_rows = []
        for i in range(1, args.partners + 1):
            type_id, type_code = rng.choice(types)
            partner_rows.append((i, f"{type_code}-B-{i:06d}", f"基准伙伴{i}有限公司", "", type_id, rng.choice(models),
                                 rng.choice(tiers), rng.choice(cities), "active", "2024-01-15",
                                 rng.choice(managers).pk, "C", "0.1500", "", "", "", "", now.isoformat(), now.isoformat()))
        copy(cursor, "partners_partner",
             ["id", "code", "name", "name_en", "partner_type_id", "cooperation_model", "tier", "city_id", "status",
              "joined_on", "channel_manager_id", "customer_classes", "revenue_share", "address", "phone", "website",
              "description", "created_at", "updated_at"], partner_rows)
        cursor.execute("SELECT setval(pg_get_serial_sequence('partners_partner', 'id'), %s)", [args.partners])
        partner_model = {row[0]: row[5] for row in partner_rows}

        progress(f"tickets: {args.tickets:,} ({args.open:,} open) and their SLA records")
        ticket_rows, record_rows = [], []
        record_id = 0
        period = dt.timedelta(minutes=5)
        closed = args.tickets - args.open
        specials = {"due": args.due_now, "warn": args.warn_now, "escalate": args.escalate_now}
        for ticket_id in range(1, args.tickets + 1):
            is_open = ticket_id > closed
            partner_id = rng.randint(1, args.partners)
            category = rng.choice(CATEGORIES)
            priority = rng.choices(["low", "normal", "high", "urgent"], [2, 6, 2, 1])[0]
            if category == "capability":
                policy, centre = policies["Delivery requests"], centres["COS"]
            elif priority == "urgent":
                policy, centre = policies["Urgent"], centres["BAS"]
            elif priority == "high":
                policy, centre = policies["High priority"], centres["BAS"]
            else:
                policy, centre = policies["Standard"], centres["BAS"]
            if partner_model[partner_id] in ("co_operation", "co_expansion") and category != "capability":
                centre = centres["COP"]
            assignee = rng.choice(agents[centre.code]).pk if rng.random() < 0.7 else None
            if is_open:
                opened = now - dt.timedelta(minutes=rng.randint(10, 60 * 24 * 60))
                status = rng.choices(OPEN, [15, 20, 45, 10, 2])[0]
                closed_at = resolved_at = None
            else:
                opened = now - dt.timedelta(minutes=rng.randint(60 * 24 * 60, 60 * 24 * 730))
                status = "closed"
                resolved_at = opened + dt.timedelta(hours=rng.randint(2, 400))
                closed_at = resolved_at + dt.timedelta(hours=rng.randint(1, 72))
            first_response = opened + dt.timedelta(minutes=rng.randint(5, 600)) if (not is_open or rng.random() < 0.9) else None
            ticket_rows.append((ticket_id, partner_id, category, priority, f"基准请求 {ticket_id}", "基准数据", status,
                                centre.pk, assignee, policy.pk, opened.isoformat(), now.isoformat(),
                                first_response.isoformat() if first_response else None,
                                resolved_at.isoformat() if resolved_at else None,
                                closed_at.isoformat() if closed_at else None))
            for target in policy.targets.all():
                record_id += 1
                seconds = target.amount * {"minutes": 60, "hours": 3600, "days": 7 * 3600}[target.unit]
                warn = due = met = breached = paused_since = warned = next_esc = None
                level = 0
                if not is_open:
                    met = resolved_at if target.kind != "first_response" else first_response
                    due = opened + dt.timedelta(seconds=seconds * 2)
                    state = "met" if rng.random() < 0.8 else "breached"
                    if state == "breached":
                        breached, level = due, rng.randint(1, 3)
                elif target.kind == "first_response" and first_response is not None:
                    state, met, due = "met", first_response, first_response + dt.timedelta(minutes=30)
                else:
                    kind = None
                    for name, left in specials.items():
                        if left > 0 and rng.random() < 0.05:
                            kind = name
                            specials[name] -= 1
                            break
                    if kind == "due":
                        state, due = "running", now - dt.timedelta(seconds=rng.randint(1, int(period.total_seconds())))
                        warn, warned = due - dt.timedelta(hours=1), due - dt.timedelta(hours=1)
                    elif kind == "warn":
                        state, due = "running", now + dt.timedelta(hours=rng.randint(1, 20))
                        warn = now - dt.timedelta(seconds=rng.randint(1, int(period.total_seconds())))
                    elif kind == "escalate":
                        state, level = "breached", rng.randint(1, 2)
                        due = breached = now - dt.timedelta(hours=rng.randint(5, 48))
                        next_esc = now - dt.timedelta(seconds=rng.randint(1, int(period.total_seconds())))
                    elif status == "waiting_on_partner":
                        state, paused_since = "paused", opened + dt.timedelta(hours=rng.randint(1, 20))
                    elif rng.random() < 0.15:
                        state, level = "breached", 3
                        due = breached = now - dt.timedelta(hours=rng.randint(30, 500))
                    else:
                        state = "running"
                        due = now + dt.timedelta(minutes=rng.randint(10, 60 * 24 * 10))
                        warn = due - dt.timedelta(seconds=seconds // 5)
                        if warn <= now:
                            warned = warn
                record_rows.append((
                    record_id, ticket_id, target.pk, target.code, target.kind, target.name, target.name_zh, seconds,
                    "t" if target.pauses else "f", opened.isoformat(), iso(due), iso(warn), iso(met), iso(breached), 0,
                    iso(paused_since), 0, state, iso(warned), level, iso(next_esc), now.isoformat(),
                ))
            if len(ticket_rows) >= 50_000:
                flush_tickets(cursor, ticket_rows, record_rows)
                progress(f"  {ticket_id:,} tickets")
        flush_tickets(cursor, ticket_rows, record_rows)
        cursor.execute("SELECT setval(pg_get_serial_sequence('support_ticket', 'id'), %s)", [args.tickets])
        cursor.execute("SELECT setval(pg_get_serial_sequence('support_slarecord', 'id'), %s)", [record_id])
    progress("vacuum analyze")
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        cursor.execute("VACUUM ANALYZE support_ticket")
        cursor.execute("VACUUM ANALYZE support_slarecord")
        cursor.execute("ANALYZE")
    state = {"now": now.isoformat(), "tickets": args.tickets, "open": args.open, "token": token.key,
             "records": record_id}
    RESULTS.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps(state))
    return state


def iso(value):
    return value.isoformat() if value is not None else None


def flush_tickets(cursor, ticket_rows, record_rows):
    copy(cursor, "support_ticket",
         ["id", "partner_id", "category", "priority", "subject", "description", "status", "centre_id", "assignee_id",
          "policy_id", "opened_at", "updated_at", "first_response_at", "resolved_at", "closed_at"], ticket_rows)
    copy(cursor, "support_slarecord",
         ["id", "ticket_id", "target_id", "code", "kind", "name", "name_zh", "target_seconds", "pauses", "started_at",
          "due_at", "warn_at", "met_at", "breached_at", "paused_seconds", "paused_since", "consumed_seconds",
          "status", "warned_at", "escalation_level", "next_escalation_at", "updated_at"], record_rows)
    ticket_rows.clear()
    record_rows.clear()


# --- the sweep -------------------------------------------------------------------------------------
BASELINE_SQL = [
    "SELECT id FROM support_slarecord WHERE status = 'running' AND due_at < %(now)s",
    "SELECT id FROM support_slarecord WHERE status = 'breached' AND next_escalation_at IS NOT NULL "
    "AND next_escalation_at <= %(now)s",
    "SELECT id FROM support_slarecord WHERE status = 'running' AND warned_at IS NULL AND warn_at <= %(now)s "
    "AND due_at >= %(now)s",
]
SNAPSHOT_COLUMNS = "status, breached_at, escalation_level, next_escalation_at, warned_at, updated_at"


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def sweep_bench(args, state) -> dict:
    from django.db import connection

    from support.escalation import sla_sweep

    now = dt.datetime.fromisoformat(state["now"])

    def baseline():
        found = 0
        with connection.cursor() as cursor:
            for sql in BASELINE_SQL:
                cursor.execute(sql, {"now": now})
                found += len(cursor.fetchall())
        return found

    baseline()  # warm
    base_time, due_rows = timed(baseline, 7)
    with connection.cursor() as cursor:
        ids = []
        for sql in BASELINE_SQL:
            cursor.execute(sql, {"now": now})
            ids += [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT id, {SNAPSHOT_COLUMNS} FROM support_slarecord WHERE id = ANY(%s)", [ids])
        snapshot = cursor.fetchall()

    def restore():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM prm_notification WHERE dedupe_key LIKE 'support:sla:%%'")
            cursor.execute("DELETE FROM support_ticketevent WHERE kind IN ('sla_warning', 'sla_breach', 'escalated')")
            cursor.executemany(
                "UPDATE support_slarecord SET status=%s, breached_at=%s, escalation_level=%s, next_escalation_at=%s, "
                "warned_at=%s, updated_at=%s WHERE id=%s",
                [(*row[1:], row[0]) for row in snapshot],
            )
        connection.close()

    restore()
    work_times, result = [], None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = sla_sweep(now=now)
        work_times.append(time.perf_counter() - start)
        restore()
    work_time = statistics.median(work_times)
    sla_sweep(now=now)
    idle_time, idle = timed(lambda: sla_sweep(now=now), 5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM prm_notification WHERE dedupe_key LIKE 'support:sla:%%'")
        notifications = cursor.fetchone()[0]
    restore()
    moved = result.warned + result.breached + result.escalated
    return {
        "due_rows": due_rows, "baseline_ms": base_time * 1000, "sweep_ms": work_time * 1000,
        "sweep_idle_ms": idle_time * 1000, "moved": moved, "result": result, "idle": idle,
        "notifications": notifications,
    }


# --- the staff queue API ---------------------------------------------------------------------------
def wrk(url: str, token: str, connections: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-H", f"Authorization: Token {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout

    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"), "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def api_bench(args, state) -> dict:
    if not shutil.which("wrk"):
        print("  wrk not found: skipping the API benchmark (apt-get install wrk)")
        return {}
    port = args.port
    env = dict(os.environ, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
               ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0", DEBUG="0", LOG_LEVEL="WARNING",
               DB_CONN_MAX_AGE="600")
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "bench.support_wsgi:application", "--chdir", str(ROOT), "-b", f"127.0.0.1:{port}",
         "-w", str(args.workers), "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    real_url = f"{base}/api/v1/support/tickets/?centre=BAS&open=true&page_size=50"
    baseline_url = f"{base}/bench/support-queue-baseline/?centre=BAS&page_size=50"
    try:
        for _ in range(150):
            try:
                probe = urllib.request.Request(f"{base}/api/v1/support/centres/",
                                               headers={"Authorization": f"Token {state['token']}"})
                urllib.request.urlopen(probe, timeout=2)
                break
            except Exception:
                time.sleep(0.2)

        def fetch(url):
            request = urllib.request.Request(url, headers={"Authorization": f"Token {state['token']}"})
            return json.loads(urllib.request.urlopen(request, timeout=30).read())

        real, baseline = fetch(real_url), fetch(baseline_url)
        assert real["count"] == baseline["count"], (real["count"], baseline["count"])
        assert [r["id"] for r in real["results"]] == [r["id"] for r in baseline["results"]]
        results = {"count": real["count"]}
        for clients in (1, 32):
            wrk(real_url, state["token"], clients, 3)  # warm every worker
            results[f"real_{clients}"] = wrk(real_url, state["token"], clients, args.seconds)
            wrk(baseline_url, state["token"], clients, 3)
            results[f"baseline_{clients}"] = wrk(baseline_url, state["token"], clients, args.seconds)
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--tickets", type=int, default=500_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--due-now", type=int, default=1_000, help="clocks that fell due in the last sweep period")
    parser.add_argument("--warn-now", type=int, default=1_000, help="warnings that fell due in the last period")
    parser.add_argument("--escalate-now", type=int, default=300, help="escalations that fell due in the last period")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration per measurement")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data even if it is there")
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("the benchmark needs PostgreSQL: set DATABASE_URL or --database-url")

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
    # The sweep's e-mails go out after commit through the configured backend; the benchmark
    # measures the database work, so mail goes nowhere (an SMTP server is not part of it).
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"PRM support benchmark on {urlparse(args.database_url).path.lstrip('/')}")
    call_command("migrate", verbosity=0)
    state = json.loads(STATE.read_text()) if STATE.exists() else None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status <> 'closed') FROM support_ticket")
        have = cursor.fetchone()
    if args.rebuild or state is None or tuple(have) != (args.tickets, args.open):
        start = time.perf_counter()
        state = generate(args)
        print(f"  generated in {time.perf_counter() - start:.1f} s")
    print(f"data: {state['tickets']:,} tickets, {state['open']:,} open, {state['records']:,} SLA records; now = {state['now']}")

    sweep = sweep_bench(args, state)
    print("\nBreach sweep")
    print(f"  baseline (indexed SELECT of the due ids only): {sweep['baseline_ms']:8.1f} ms  ({sweep['due_rows']:,} rows)")
    print(f"  sla_sweep with that work to do:               {sweep['sweep_ms']:8.1f} ms  "
          f"({sweep['result'].breached:,} breached, {sweep['result'].escalated:,} escalated, {sweep['result'].warned:,} warned; "
          f"{sweep['notifications']:,} notifications)")
    print(f"  sla_sweep with nothing due (steady state):     {sweep['sweep_idle_ms']:8.1f} ms")
    print(f"  ratio sweep / baseline: {sweep['sweep_ms'] / sweep['baseline_ms']:.1f}x with work "
          f"({sweep['sweep_ms'] / max(sweep['moved'], 1):.2f} ms per record moved), "
          f"{sweep['sweep_idle_ms'] / sweep['baseline_ms']:.1f}x idle")

    if not args.skip_api:
        api = api_bench(args, state)
        if api:
            print(f"\nStaff queue API: GET /api/v1/support/tickets/?centre=BAS&open=true&page_size=50 ({api['count']:,} matching)")
            for clients in (1, 32):
                real, base = api[f"real_{clients}"], api[f"baseline_{clients}"]
                print(f"  {clients:>2} clients  API:      {real['rps']:8.1f} req/s  p50 {real['p50']:7.1f} ms  p99 {real['p99']:7.1f} ms"
                      f"  (non-2xx: {real['errors']})")
                print(f"  {clients:>2} clients  baseline: {base['rps']:8.1f} req/s  p50 {base['p50']:7.1f} ms  p99 {base['p99']:7.1f} ms"
                      f"  (non-2xx: {base['errors']})")
                print(f"  {clients:>2} clients  ratio API / baseline throughput: {real['rps'] / base['rps']:.2f}")


if __name__ == "__main__":
    main()
