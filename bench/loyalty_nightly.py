"""Benchmark of the nightly loyalty job and the ledger API, on PostgreSQL.

    # once: a database of its own, migrated and seeded (100,000 partners, 5,000,000 sales)
    createdb prm_bench_loyalty
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prm_bench_loyalty DEBUG=1 python manage.py migrate
    DATABASE_URL=... DEBUG=1 python manage.py seed_demo --partners 100000 --sales 5000000 --today 2026-11-28
    # then
    DATABASE_URL=... DEBUG=1 python bench/loyalty_nightly.py --as-of 2026-11-28

What it measures, each part in a fresh process (wall time and peak RSS of that process):

* `baseline`: one hand-written SQL statement computing, per partner, the same sums the job
  arrives at (points earned under the same rule map, points expired, qualifying points in the
  12-month window, and the qualified tier), into a temporary table; nothing is written.
* `catchup`: the real job on an empty ledger (the first night: every sale credited, expired
  lots expired, every partner's tier evaluated and reviews opened), chunked by partner id.
* `night`: the real job the next night after a day's new sales (the steady state).
* `rerun`: the job again for the same night (idempotency: nothing to do).
* the ledger API (`/api/v1/loyalty/ledger/?page_size=50`): the first page against a page about
  4,000,000 rows deep (cursor pagination), both for all partners and for one partner.

It prints each figure and the ratios; the job's sums are checked against the baseline's.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")
os.environ.setdefault("DEBUG", "1")


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL.")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- parts (each runs in its own process) -------------------------------------------------------
def part_reset(as_of):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE loyalty_lotallocation, loyalty_ledgerentry, loyalty_pointsbalance, loyalty_tierreview, "
            "loyalty_expirywarning, loyalty_accrualchunk, loyalty_accrualrun, loyalty_redemption, "
            "loyalty_pointsadjustment RESTART IDENTITY CASCADE"
        )
        cur.execute("DELETE FROM partners_salerecord WHERE source_system = 'bench-night'")
        cur.execute("DELETE FROM prm_notification WHERE kind LIKE 'loyalty.%%'")
        cur.execute("ANALYZE partners_salerecord")
    return {}


def baseline_sql(as_of):
    from loyalty.nightly import (
        B, L, P, S, T, _expiry_sql, _values_cte, build_rule_maps, window_bounds,
    )

    base_rows, _promo = build_rule_maps()
    cte, params = _values_cte("rule_map", base_rows)
    window_start, _end = window_bounds(as_of)
    sql = f"""
        CREATE TEMP TABLE loyalty_baseline AS
        WITH {cte},
        credits AS (
            SELECT s.partner_id, s.sold_on, s.status, s.customer_name, {_expiry_sql('s.sold_on')} AS expires_on,
                   (CAST(ROUND(s.amount * 100) AS BIGINT) * m.pts * COALESCE(t.earn_multiplier_pct, 100))
                     / (m.unit_cents * 100) AS raw, m.cap_sale
            FROM {S} s
            JOIN {P} p ON p.id = s.partner_id
            JOIN rule_map m ON m.product_id = s.product_id AND m.partner_type_id = p.partner_type_id
                           AND s.sold_on >= m.valid_from AND s.sold_on <= m.valid_to
            LEFT JOIN {T} t ON t.tier = p.tier
            WHERE s.sold_on <= %s AND s.status = 'booked'
        ),
        pts AS (
            SELECT partner_id, sold_on, expires_on, customer_name,
                   CASE WHEN cap_sale >= 0 AND raw > cap_sale THEN cap_sale ELSE raw END AS pts
            FROM credits
        ),
        sums AS (
            SELECT partner_id,
                   SUM(pts) AS earned,
                   SUM(pts) FILTER (WHERE expires_on < %s) AS expired,
                   SUM(pts) FILTER (WHERE sold_on > %s) AS qualifying,
                   COUNT(DISTINCT customer_name) FILTER (WHERE sold_on > %s) AS customers
            FROM pts WHERE pts > 0 GROUP BY partner_id
        )
        SELECT s.*, (SELECT t.tier FROM {T} t WHERE COALESCE(s.qualifying, 0) >= t.min_points
                       AND 0 >= t.min_trained_people AND s.customers >= t.min_active_customers
                     ORDER BY t.rank DESC LIMIT 1) AS tier
        FROM sums s
    """
    return sql, params + [as_of, as_of, window_start, window_start]


def part_baseline(as_of):
    from django.db import connection

    sql, params = baseline_sql(as_of)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        cur.execute("SELECT COUNT(*), COALESCE(SUM(earned), 0), COALESCE(SUM(expired), 0), "
                    "COALESCE(SUM(qualifying), 0) FROM loyalty_baseline")
        partners, earned, expired, qualifying = cur.fetchone()
    return {"seconds": time.perf_counter() - started, "partners": partners, "earned": int(earned),
            "expired": int(expired), "qualifying": int(qualifying)}


def part_job(as_of):
    from django.db import connection

    from loyalty.nightly import run_nightly, window_bounds

    started = time.perf_counter()
    run = run_nightly(as_of=as_of)
    seconds = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(SUM(points), 0) FROM loyalty_ledgerentry WHERE kind = 'earn'")
        earned = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(SUM(points), 0) FROM loyalty_ledgerentry WHERE kind = 'earn' AND effective_on > %s",
                    [window_bounds(as_of)[0]])
        qualifying_base = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(-SUM(points), 0) FROM loyalty_ledgerentry WHERE kind = 'expire'")
        expired = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(SUM(qualifying_points), 0), COUNT(*) FROM loyalty_pointsbalance")
        qualifying, balances = cur.fetchone()
        cur.execute("SELECT COUNT(*) FROM loyalty_ledgerentry")
        entries = cur.fetchone()[0]
    return {"seconds": seconds, "chunks": run.chunks_done, "earned_rows": run.earned, "bonus_rows": run.bonuses,
            "expired_rows": run.expired, "reviews": run.reviews_opened, "warned": run.warned,
            "earned": int(earned), "expired": int(expired), "qualifying": int(qualifying_base),
            "qualifying_with_bonus": int(qualifying), "balances": balances,
            "ledger_rows": entries}


def part_add_day(as_of):
    """A day's new sales (10,000) for the next night, some back-dated."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO partners_salerecord (partner_id, product_id, customer_name, customer_class, amount, sold_on,
                                             status, source_system, external_id, created_at, updated_at)
            SELECT partner_id, product_id, customer_name, customer_class, amount,
                   CASE WHEN id %% 10 = 0 THEN sold_on ELSE %s END, 'booked', 'bench-night', 'N' || id, now(), now()
            FROM partners_salerecord WHERE source_system <> 'bench-night' ORDER BY id DESC LIMIT 10000
            """,
            [as_of],
        )
        cur.execute(
            "UPDATE partners_salerecord SET status = 'refunded' WHERE id IN "
            "(SELECT id FROM partners_salerecord WHERE status = 'booked' AND source_system <> 'bench-night' "
            "ORDER BY id LIMIT 500)"
        )
    return {}


def _time_get(client, url, repeat=15):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    return statistics.median(times) * 1000


def part_api(as_of):
    import base64
    from urllib.parse import urlencode

    from django.db import connection
    from rest_framework.test import APIClient

    from partners.choices import Role
    from partners.models import User

    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN, "is_superuser": True,
                                                                             "is_staff": True})
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(admin)

    def cursor_at(offset, partner=None):
        with connection.cursor() as cur:
            where = "WHERE partner_id = %s" if partner else ""
            cur.execute(f"SELECT id FROM loyalty_ledgerentry {where} ORDER BY id DESC OFFSET %s LIMIT 1",
                        ([partner] if partner else []) + [offset])
            row = cur.fetchone()
        return base64.b64encode(urlencode({"p": row[0]}).encode()).decode() if row else None

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM loyalty_ledgerentry")
        total = cur.fetchone()[0]
        cur.execute("SELECT partner_id FROM loyalty_ledgerentry GROUP BY partner_id ORDER BY COUNT(*) DESC LIMIT 1")
        busiest = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM loyalty_ledgerentry WHERE partner_id = %s", [busiest])
        busiest_rows = cur.fetchone()[0]
    url = "/api/v1/loyalty/ledger/?page_size=50"
    deep_offset = min(4_000_000, max(total - 100, 0))
    first = _time_get(client, url)
    deep = _time_get(client, f"{url}&cursor={cursor_at(deep_offset)}")
    purl = f"{url}&partner={busiest}"
    pfirst = _time_get(client, purl)
    pdeep = _time_get(client, f"{purl}&cursor={cursor_at(max(busiest_rows - 60, 0), busiest)}")
    return {"ledger_rows": total, "deep_offset": deep_offset, "first_ms": first, "deep_ms": deep,
            "partner_rows": busiest_rows, "partner_first_ms": pfirst, "partner_deep_ms": pdeep}


PARTS = {"reset": part_reset, "baseline": part_baseline, "job": part_job, "add_day": part_add_day, "api": part_api}


def run_part(name, as_of):
    """Run one part in a fresh interpreter; return its figures plus wall time and peak RSS."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--part", name, "--as-of", as_of.isoformat()],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as-of", default="2026-11-28")
    parser.add_argument("--part", choices=sorted(PARTS))
    args = parser.parse_args()
    as_of = datetime.date.fromisoformat(args.as_of)
    if args.part:
        setup()
        result = PARTS[args.part](as_of)
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(result, default=str))
        return

    next_day = as_of + datetime.timedelta(days=1)
    run_part("reset", as_of)
    base = run_part("baseline", as_of)
    print(f"baseline (one SQL statement, per-partner sums): {base['seconds']:.1f} s, peak RSS {base['peak_rss_mb']} MB "
          f"({base['partners']} partners)")
    catchup = run_part("job", as_of)
    print(f"nightly job, first night (catch-up, {catchup['earned_rows']:,} sales credited, {catchup['expired_rows']:,} "
          f"lots expired, {catchup['reviews']:,} reviews, {catchup['chunks']} chunks): {catchup['seconds']:.1f} s, "
          f"peak RSS {catchup['peak_rss_mb']} MB")
    print(f"  sums agree with the baseline (base-rule points): earned {catchup['earned'] == base['earned']} "
          f"({catchup['earned']:,} vs {base['earned']:,}), expired {catchup['expired'] == base['expired']}, "
          f"qualifying {catchup['qualifying'] == base['qualifying']}")
    rerun = run_part("job", as_of)
    print(f"nightly job re-run, same night (idempotent: {rerun['earned_rows']} credited, ledger rows "
          f"{rerun['ledger_rows']:,} = {catchup['ledger_rows']:,}): {rerun['seconds']:.1f} s, "
          f"peak RSS {rerun['peak_rss_mb']} MB")
    run_part("add_day", next_day)
    night = run_part("job", next_day)
    base_next = run_part("baseline", next_day)
    print(f"nightly job, next night (10,000 new sales, 500 refunds; {night['earned_rows']:,} credited): "
          f"{night['seconds']:.1f} s, peak RSS {night['peak_rss_mb']} MB; baseline {base_next['seconds']:.1f} s")
    api = run_part("api", next_day)
    print(f"ledger API ({api['ledger_rows']:,} rows), page_size=50: first page {api['first_ms']:.1f} ms, "
          f"{api['deep_offset']:,} rows deep {api['deep_ms']:.1f} ms; one partner ({api['partner_rows']} rows): "
          f"first {api['partner_first_ms']:.1f} ms, deep {api['partner_deep_ms']:.1f} ms")
    print("ratios:")
    print(f"  catch-up night / baseline: {catchup['seconds'] / base['seconds']:.2f}x (goal <= 2x)")
    print(f"  steady night / baseline:   {night['seconds'] / base_next['seconds']:.2f}x (goal <= 2x)")
    print(f"  peak RSS catch-up / steady night: {catchup['peak_rss_mb'] / night['peak_rss_mb']:.2f} (flat = 1)")
    print(f"  deep page / first page: {api['deep_ms'] / api['first_ms']:.2f}x all partners, "
          f"{api['partner_deep_ms'] / api['partner_first_ms']:.2f}x one partner (goal <= 1.5x)")


if __name__ == "__main__":
    main()
