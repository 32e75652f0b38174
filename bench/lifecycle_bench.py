"""Benchmark of the nightly lifecycle job (stages, value scores, risk flags) on PostgreSQL.

    # once per size: a database of its own, migrated and seeded
    createdb prm_bench_lc10k
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prm_bench_lc10k DEBUG=1 python manage.py migrate
    DATABASE_URL=... DEBUG=1 python manage.py seed_demo --partners 10000 --sales 500000 --today 2026-11-28
    createdb prm_bench_lc100k   # the same with --partners 100000 --sales 5000000
    # then, both sizes in one run (prints a table and the ratios):
    DEBUG=1 python bench/lifecycle_bench.py --db prm_bench_lc10k --db prm_bench_lc100k --as-of 2026-11-28

Each part runs in a fresh process, so its peak RSS is its own (Python side; PostgreSQL's own
memory is bounded by work_mem per sort/hash and is not counted):

* `baseline`: ONE hand-written SQL statement computing the same per-partner aggregates as the
  job (sales of the last 90 days, the 90 before, 12 months, first and last sale, distinct
  products and customers, and the RANK within the partner type that the percentile comes from)
  into a temporary table. Its figures are then compared with the job's snapshot rows (not timed):
  any difference is reported.
* `first`: the job on empty lifecycle tables (the first night: every partner's first
  classification, stage change and flags).
* `next`: the job the next day (the steady state: a handful of stage changes and flags).
* `rerun`: the next day again (idempotent: the same rows are recomputed and replaced).

The job runs exactly as the management command does (in-process, chunk after chunk, default
chunk size). Goals from the issue: within 2x the baseline, memory flat as data grows, time
growing no worse than linearly.
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
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

LIFECYCLE_TABLES = [
    "lifecycle_planevent", "lifecycle_plannote", "lifecycle_retentionaction", "lifecycle_retentionplan",
    "lifecycle_riskflag", "lifecycle_riskhit", "lifecycle_stagechange", "lifecycle_partnerlifecycle",
    "lifecycle_lifecyclesnapshot", "lifecycle_stageoverride", "lifecycle_lifecyclerunchunk",
    "lifecycle_lifecyclerun",
]


def setup():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: give --db (or DATABASE_URL).")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- parts (each in its own process) -------------------------------------------------------------
def part_reset(as_of):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(LIFECYCLE_TABLES)} CASCADE")
        cursor.execute("SELECT COUNT(*) FROM partners_partner")
        partners = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM partners_salerecord")
        sales = cursor.fetchone()[0]
        for table in ("partners_partner", "partners_salerecord", "partners_partnerchange"):
            cursor.execute(f"ANALYZE {table}")
    return {"partners": partners, "sales": sales}


BASELINE_SQL = """
CREATE TEMP TABLE bench_lifecycle_baseline AS
SELECT p.id AS partner_id, p.partner_type_id,
       COALESCE(a.t90, 0) AS t90, COALESCE(a.p90, 0) AS p90, COALESCE(a.t12, 0) AS t12,
       a.first_sale, a.last_sale, COALESCE(a.products, 0) AS products, COALESCE(a.customers, 0) AS customers,
       RANK() OVER (PARTITION BY p.partner_type_id ORDER BY COALESCE(a.t12, 0)) AS rank_in_type,
       COUNT(*) OVER (PARTITION BY p.partner_type_id) AS partners_in_type
FROM partners_partner p
LEFT JOIN (
    SELECT partner_id,
           SUM(CASE WHEN sold_on > %(d90)s THEN amount ELSE 0 END) AS t90,
           SUM(CASE WHEN sold_on > %(d180)s AND sold_on <= %(d90)s THEN amount ELSE 0 END) AS p90,
           SUM(CASE WHEN sold_on > %(d365)s THEN amount ELSE 0 END) AS t12,
           MIN(sold_on) AS first_sale, MAX(sold_on) AS last_sale,
           COUNT(DISTINCT CASE WHEN sold_on > %(d365)s THEN product_id END) AS products,
           COUNT(DISTINCT CASE WHEN sold_on > %(d365)s THEN customer_name END) AS customers
    FROM partners_salerecord
    WHERE sold_on <= %(d)s AND status = 'booked'
    GROUP BY partner_id
) a ON a.partner_id = p.id
WHERE p.joined_on <= %(d)s
"""

COMPARE_SQL = """
SELECT COUNT(*) FILTER (WHERE s.partner_id IS NULL),
       COUNT(*) FILTER (WHERE s.partner_id IS NOT NULL AND (
           s.sales_90d_cents <> b.t90 * 100 OR s.sales_prev_90d_cents <> b.p90 * 100 OR s.sales_12m_cents <> b.t12 * 100
           OR s.first_sale_on IS DISTINCT FROM b.first_sale OR s.last_sale_on IS DISTINCT FROM b.last_sale
           OR s.products_12m <> b.products OR s.customers_12m <> b.customers)),
       COUNT(*)
FROM bench_lifecycle_baseline b
LEFT JOIN lifecycle_lifecyclesnapshot s ON s.partner_id = b.partner_id AND s.as_of = %(d)s
"""


def part_baseline(as_of):
    from django.db import connection, transaction

    params = {
        "d": as_of,
        "d90": as_of - datetime.timedelta(days=90),
        "d180": as_of - datetime.timedelta(days=180),
        "d365": as_of - datetime.timedelta(days=365),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # same footing as the job
        started = time.perf_counter()
        cursor.execute(BASELINE_SQL, params)
        wall = time.perf_counter() - started
        cursor.execute(COMPARE_SQL, {"d": as_of})
        missing, different, total = cursor.fetchone()
        cursor.execute("DROP TABLE bench_lifecycle_baseline")
    return {"wall": wall, "rows": total, "job_rows_missing": missing, "job_rows_different": different}


def part_job(as_of):
    import tracemalloc

    from django.urls import reverse

    from lifecycle.engine import lifecycle_run_execute

    reverse("lifecycle:early-warning")  # a worker has its URLconf loaded (notifications link to pages)

    tracemalloc.start()
    started = time.perf_counter()
    run = lifecycle_run_execute(as_of=as_of)
    wall = time.perf_counter() - started
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "wall": wall,
        "status": run.status,
        "mode": run.mode,
        "chunks": run.chunks_total,
        "partners": run.partners,
        "stage_changes": run.stage_changes,
        "flags_raised": run.flags_raised,
        "flags_cleared": run.flags_cleared,
        "new_high_risk": run.new_high_risk,
        "python_alloc_peak_mb": traced_peak / 1024 / 1024,
    }


PARTS = {"reset": part_reset, "baseline": part_baseline, "job": part_job}


def child(part: str, as_of: datetime.date) -> None:
    setup()
    result = PARTS[part](as_of)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))


def run_part(db: str, part: str, as_of: datetime.date) -> dict:
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}")
    out = subprocess.run(
        [sys.executable, __file__, "--child", part, "--as-of", as_of.isoformat()],
        env=env, check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_db(db: str, as_of: datetime.date) -> dict:
    next_day = as_of + datetime.timedelta(days=1)
    print(f"== {db}", flush=True)
    size = run_part(db, "reset", as_of)
    print(f"   {size['partners']:,} partners, {size['sales']:,} sales", flush=True)
    baselines = [run_part(db, "baseline", as_of)]  # also warms the cache
    print(f"   baseline (warm-up) {baselines[0]['wall']:.2f}s", flush=True)
    first = run_part(db, "job", as_of)
    print(f"   job, first night   {first['wall']:.2f}s  {first}", flush=True)
    check = run_part(db, "baseline", as_of)
    baselines.append(check)
    print(f"   baseline           {check['wall']:.2f}s  (job rows missing {check['job_rows_missing']}, "
          f"different {check['job_rows_different']} of {check['rows']:,})", flush=True)
    nxt = run_part(db, "job", next_day)
    print(f"   job, next night    {nxt['wall']:.2f}s  {nxt}", flush=True)
    rerun = run_part(db, "job", next_day)
    print(f"   job, re-run        {rerun['wall']:.2f}s", flush=True)
    baselines.append(run_part(db, "baseline", next_day))
    print(f"   baseline           {baselines[-1]['wall']:.2f}s", flush=True)
    return {"db": db, **size, "baseline": baselines, "first": first, "next": nxt, "rerun": rerun, "check": check}


def report(results: list[dict]) -> None:
    print()
    header = f"{'partners':>9} {'sales':>10} | {'baseline s':>10} {'rss MB':>7} | {'first s':>8} {'ratio':>6} {'rss MB':>7} | " \
             f"{'next s':>7} {'ratio':>6} {'rss MB':>7} | {'rerun s':>7} {'ratio':>6} | check"
    print(header)
    print("-" * len(header))
    for r in results:
        base = statistics.median(b["wall"] for b in r["baseline"])
        base_rss = max(b["peak_rss_mb"] for b in r["baseline"])
        ok = "ok" if not (r["check"]["job_rows_missing"] or r["check"]["job_rows_different"]) else "DIFFERENT"
        print(
            f"{r['partners']:>9,} {r['sales']:>10,} | {base:>10.2f} {base_rss:>7.0f} | "
            f"{r['first']['wall']:>8.2f} {r['first']['wall'] / base:>6.2f} {r['first']['peak_rss_mb']:>7.0f} | "
            f"{r['next']['wall']:>7.2f} {r['next']['wall'] / base:>6.2f} {r['next']['peak_rss_mb']:>7.0f} | "
            f"{r['rerun']['wall']:>7.2f} {r['rerun']['wall'] / base:>6.2f} | {ok}"
        )
    if len(results) >= 2:
        small, big = results[0], results[-1]
        growth = big["partners"] / small["partners"]
        for key in ("first", "next"):
            print(f"{key}: {growth:.0f}x the partners took {big[key]['wall'] / small[key]['wall']:.1f}x the time; "
                  f"peak RSS {small[key]['peak_rss_mb']:.0f} -> {big[key]['peak_rss_mb']:.0f} MB, "
                  f"Python allocations peak {small[key]['python_alloc_peak_mb']:.1f} -> {big[key]['python_alloc_peak_mb']:.1f} MB")
        base_small = statistics.median(b["wall"] for b in small["baseline"])
        base_big = statistics.median(b["wall"] for b in big["baseline"])
        print(f"baseline: {growth:.0f}x the partners took {base_big / base_small:.1f}x the time")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", help="Database name (repeat for several sizes, smallest first).")
    parser.add_argument("--as-of", default="2026-11-28", help="The business day the data ends on (seed_demo --today).")
    parser.add_argument("--child", choices=sorted(PARTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    as_of = datetime.date.fromisoformat(args.as_of)
    if args.child:
        child(args.child, as_of)
        return
    if not args.db:
        parser.error("give at least one --db")
    results = [bench_db(db, as_of) for db in args.db]
    report(results)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"lifecycle-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nfigures saved to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
