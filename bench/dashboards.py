#!/usr/bin/env python
"""Benchmark: the analysis dashboards' endpoints at 100,000 partners against a prepared-table baseline.

    make bench-dashboards                                   # prepare once if needed, then measure
    .venv/bin/python bench/dashboards.py --prepare          # migrate, demo steps, nightly jobs
    .venv/bin/python bench/dashboards.py --only ipa allocation-grid --duration 5

Database: `--database-url` (default `BENCH_DASHBOARDS_DATABASE_URL` or
postgres://postgres@127.0.0.1:5432/prm_bench_dash). The base data set is built once with

    DATABASE_URL=… manage.py migrate && manage.py seed_demo --partners 100000 --sales 2000000
    DATABASE_URL=… manage.py lifecycle_recompute --history-months 12

(`--build` does both when the database holds no partners). `--prepare` then migrates, runs the
apps' demo steps (prm.demo) that have not run on this database yet (state in
bench/results/dashboards_state.json), the nightly jobs except loyalty, and the indicator
back-fill, each timed.

Measuring: gunicorn (bench.settings: production-like, plus the baseline URL) with 2 sync workers;
a token of the staff login `admin`; for each scenario of bench/dashboard_scenarios.py whose app
is installed, both the real endpoint and its baseline (one SQL statement on the prepared table,
orjson, same middleware) must answer 200 with a plausible body, and a figure of both must agree
(the baseline reads the same data); the queries and CPU time of one request of each are counted
in-process; then wrk drives each at 32 and 1 connections (`--clients`), alternating real and
baseline, for `--duration` seconds after a short warm-up (a POST endpoint through a wrk Lua
script), and waits after each run until the workers have served what wrk left in flight.
Printed: req/s, p50, p99 of both and the ratio real/baseline throughput, with the load average.
Traffic goes to 127.0.0.1 only, every run is bounded in time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard_scenarios import SCENARIOS, SCENARIOS_BY_KEY, Scenario  # noqa: E402
from bench.partners_list import (  # noqa: E402
    PYTHON, _ms, bench_env, ensure_database, ensure_wrk, free_port, load_python, run, start_gunicorn, stop, wait_ready,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/prm_bench_dash"
RESULTS = ROOT / "bench" / "results"
STATE = RESULTS / "dashboards_state.json"
STAFF_LOGIN = "admin"
SKIP_JOBS_PREFIX = ("loyalty.",)  # the loyalty night is not needed by any dashboard and is slow
# The indicators' month-end history (the board's trend), as far back as the lifecycle history goes.
BACKFILL_COMMANDS = {"indicators_recompute": ["--history-months", "12"]}


def log(message: str) -> None:
    print(message, flush=True)


# --- preparing the data ------------------------------------------------------------------------------
def _state(database: str) -> dict:
    if STATE.exists():
        return json.loads(STATE.read_text()).get(database, {})
    return {}


def _save_state(database: str, state: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    everything = json.loads(STATE.read_text()) if STATE.exists() else {}
    everything[database] = state
    STATE.write_text(json.dumps(everything, indent=2))


def database_id() -> str:
    """Name and oid of the database: the state is per database instance, a re-created one starts over."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database() || ':' || oid FROM pg_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def build_base(env) -> None:
    """100,000 partners, 2,000,000 sales and a year of lifecycle history (once). seed_demo also
    runs the demo steps registered now: they are marked done for --prepare."""
    from prm.demo import demo_steps

    run([PYTHON, "manage.py", "seed_demo", "--partners", "100000", "--sales", "2000000", "--no-progress"], env)
    database = database_id()
    state = _state(database)
    state["demo_steps"] = sorted({*state.get("demo_steps", []), *(step.key for step in demo_steps())})
    _save_state(database, state)
    run([PYTHON, "manage.py", "lifecycle_recompute", "--history-months", "12", "--no-progress"], env)


def prepare(args, env) -> list[dict]:
    """Migrate, run the demo steps not yet run here, the nightly jobs (but loyalty) and the back-fill."""
    from django.conf import settings
    from django.core.management import call_command, get_commands
    from django.db import connections, transaction
    from django.utils import timezone

    from partners.management.commands.seed_demo import DEFAULT_SEED
    from partners.models import Partner
    from prm.demo import DemoContext, demo_steps

    database = database_id()
    timings = []

    def timed(kind, name, fn):
        started = time.perf_counter()
        log(f"{kind} {name} … ")
        try:
            outcome = fn()
        except Exception as exc:  # report and go on: the lead wants to know what breaks at scale
            seconds = time.perf_counter() - started
            log(f"  FAILED after {seconds:.1f}s: {type(exc).__name__}: {exc}")
            timings.append({"kind": kind, "name": name, "seconds": round(seconds, 1),
                            "error": f"{type(exc).__name__}: {exc}"})
            return False
        seconds = time.perf_counter() - started
        log(f"  {seconds:.1f}s: {outcome}")
        timings.append({"kind": kind, "name": name, "seconds": round(seconds, 1), "result": str(outcome)[:300]})
        return True

    timed("migrate", "all apps", lambda: call_command("migrate", interactive=False, verbosity=0) or "ok")
    state = _state(database)
    partners = Partner.objects.count()
    today = dt.date.fromisoformat(args.today) if args.today else timezone.localdate()
    ctx = DemoContext(seed=DEFAULT_SEED, today=today, partners=partners, log=log)
    done = set(state.get("demo_steps", []))
    for step in demo_steps():
        if step.key in done and not args.rerun_steps:
            log(f"demo step {step.key}: already run on {database}")
            continue

        def run_step(step=step):
            with transaction.atomic():
                return step.run(ctx)

        if timed("demo step", step.key, run_step):
            done.add(step.key)
            state["demo_steps"] = sorted(done)
            _save_state(database, state)

    from prm.celery import app

    app.loader.import_default_modules()
    for name in getattr(settings, "PRM_NIGHTLY_JOBS", []):
        if name.startswith(SKIP_JOBS_PREFIX) or (args.jobs and name not in args.jobs):
            log(f"nightly {name}: skipped")
            continue
        task = app.tasks.get(name)
        if task is None:
            log(f"nightly {name}: not a registered task")
            continue
        if state.get("nightly", {}).get(name) == today.isoformat() and not args.rerun_jobs:
            log(f"nightly {name}: already run on {database} for {today}")
            continue

        def run_job(task=task, name=name):
            result = task.apply(kwargs={})
            if result.failed():
                raise RuntimeError(f"{name} failed: {result.result!r}\n{result.traceback}")
            return result.result

        if timed("nightly", name, run_job):
            state.setdefault("nightly", {})[name] = today.isoformat()
            _save_state(database, state)
    commands = get_commands()
    for command, command_args in BACKFILL_COMMANDS.items():
        if command not in commands:
            continue
        if state.get("backfill", {}).get(command) == today.isoformat() and not args.rerun_jobs:
            log(f"back-fill {command}: already run on {database} for {today}")
            continue

        def backfill(command=command, command_args=args.backfill_args or command_args):
            call_command(command, *command_args)
            return " ".join([command, *command_args])

        if timed("back-fill", command, backfill):
            state.setdefault("backfill", {})[command] = today.isoformat()
            _save_state(database, state)
    connections.close_all()
    return timings


# --- measuring ---------------------------------------------------------------------------------------
def staff_token() -> str:
    from rest_framework.authtoken.models import Token

    from partners.models import User

    user = User.objects.get(username=STAFF_LOGIN)
    return Token.objects.get_or_create(user=user)[0].key


def installed(scenario: Scenario) -> bool:
    from django.apps import apps

    return not scenario.requires or apps.is_installed(scenario.requires) or any(
        config.label == scenario.requires for config in apps.get_app_configs())


def baseline_path(scenario: Scenario) -> str:
    return f"/bench/baseline/dash/{scenario.key}/" + (f"?{scenario.baseline_query}" if scenario.baseline_query else "")


def fetch(url, token, method="GET", body=None, timeout=120.0):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Token {token}", **({"Content-Type": "application/json"} if data else {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def requests_of(scenario: Scenario):
    """(kind, path, method, body) of the real endpoint and of its baseline."""
    return (("real", scenario.path, scenario.method, scenario.body),
            ("baseline", baseline_path(scenario), "GET", None))


def load_wrk(wrk, url, token, clients, duration, method="GET", body=None) -> dict:
    """wrk for `duration` seconds at `clients` connections; a POST's body goes through a Lua script."""
    threads = 1 if clients == 1 else 2
    cmd = [wrk, f"-t{threads}", f"-c{clients}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-H", f"Authorization: Token {token}"]
    script = None
    if method != "GET":
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(f'wrk.method = "{method}"\nwrk.body = {json.dumps(json.dumps(body or {}))}\n'
                     'wrk.headers["Content-Type"] = "application/json"\n')
        script.close()
        cmd += ["-s", script.name]
    try:
        output = subprocess.run(cmd + [url], capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    finally:
        if script:
            os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {int(p): _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if errors or socket_errors:
        print(output)
    return {"rps": rps, "p50_ms": percentiles[50], "p99_ms": percentiles[99], "requests": requests,
            "errors": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else ""}


def resolve(scenarios) -> list[Scenario]:
    """Fill the {placeholders} of paths and baseline query strings from each scenario's resolve_sql."""
    from dataclasses import replace

    from django.db import connection

    out = []
    for scenario in scenarios:
        if scenario.resolve_sql:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(scenario.resolve_sql)
                    row = cursor.fetchone()
                    values = dict(zip([c.name for c in cursor.description], row)) if row else {}
            except Exception as exc:  # e.g. the app's tables are not migrated on this database
                log(f"{scenario.key}: not measured: {type(exc).__name__}: {exc}")
                continue
            if not values or any(v is None for v in values.values()):
                log(f"{scenario.key}: not measured, its data is missing ({scenario.resolve_sql.strip()[:80]} → {values})")
                continue
            scenario = replace(scenario, path=scenario.path.format(**values),
                               baseline_query=scenario.baseline_query.format(**values))
        out.append(scenario)
    return out


def query_counts(scenarios, token) -> dict:
    """Queries of one request of each endpoint, counted in-process after one warm-up request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", raise_request_exception=False)
    counts = {}
    for scenario in scenarios:
        for kind, path, method, body in requests_of(scenario):
            def call(path=path, method=method, body=body):
                if body is None:
                    return client.generic(method, path)
                return client.generic(method, path, json.dumps(body), content_type="application/json")

            call()
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                response = call()
                cpu = time.process_time() - started
            counts[(scenario.key, kind)] = {"queries": len(queries), "status": response.status_code,
                                            "cpu_ms": round(cpu * 1000, 1), "bytes": len(response.content)}
    return counts


def check_answers(scenarios, base, token) -> dict:
    """Each endpoint answers 200 with a plausible body; returns a summary per scenario."""
    summaries = {}
    for scenario in scenarios:
        summary, bodies = {}, {}
        for kind, path, method, payload in requests_of(scenario):
            try:
                status, body = fetch(f"{base}{path}", token, method, payload)
            except Exception as exc:  # urllib raises on 4xx/5xx
                summary[kind] = f"ERROR {exc}"
                continue
            data = bodies[kind] = json.loads(body)
            if kind == "real" and scenario.check:
                try:
                    summary[kind] = scenario.check(data)
                except AssertionError as exc:
                    summary[kind] = f"IMPLAUSIBLE: {exc}"
            else:
                summary[kind] = f"{len(data)} rows" if isinstance(data, list) else f"{len(body)} bytes"
        if scenario.agree and len(bodies) == 2:
            try:
                real, baseline = scenario.agree(bodies["real"], bodies["baseline"])
            except Exception as exc:
                real, baseline = f"{type(exc).__name__}: {exc}", None
            if real != baseline:
                summary["baseline"] = f"IMPLAUSIBLE: does not agree with the endpoint: real {real!r} baseline {baseline!r}"
            else:
                summary["baseline"] += " (agrees)"
        summaries[scenario.key] = summary
    return summaries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DASHBOARDS_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--build", action="store_true", help="Build the base data set if there are no partners.")
    parser.add_argument("--prepare", action="store_true", help="Migrate, run demo steps and nightly jobs, then stop.")
    parser.add_argument("--rerun-steps", action="store_true", help="With --prepare: run demo steps already run.")
    parser.add_argument("--rerun-jobs", action="store_true", help="With --prepare: run nightly jobs already run today.")
    parser.add_argument("--jobs", nargs="*", default=None, help="With --prepare: only these nightly jobs.")
    parser.add_argument("--backfill-args", nargs="*", default=[],
                        help="Arguments of the back-fill (default --history-months 12).")
    parser.add_argument("--today", help="Demo steps' business date (default today, local time zone).")
    parser.add_argument("--only", nargs="*", help="Scenario keys to measure (default all installed).")
    parser.add_argument("--list", action="store_true", help="List the scenarios and stop.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2: two cores).")
    parser.add_argument("--clients", type=int, nargs="+", default=[32, 1])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measured run (default 10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up per endpoint (default 2).")
    parser.add_argument("--rounds", type=int, default=1, help="Alternating rounds per client count (default 1).")
    parser.add_argument("--python-load", action="store_true", help="Use the Python load generator, not wrk.")
    args = parser.parse_args()
    if args.list:
        for s in SCENARIOS:
            log(f"{s.key:24} {s.path}\n{'':24} baseline reads {s.tables}")
        return 0
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: give a postgres:// --database-url.")

    env = bench_env(args.database_url)
    env.pop("CELERY_BROKER_URL", None)  # nightly jobs run in-process (eager), never on a broker
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # the jobs' notices go nowhere
    os.environ.update(env)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for an API bench
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.db import connections

    from partners.models import Partner

    if args.build:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        if not Partner.objects.exists():
            build_base(env)
    if args.prepare:
        timings = prepare(args, env)
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"dashboards-prepare-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
        out.write_text(json.dumps(timings, indent=2))
        log("\nPreparation (seconds):")
        for t in timings:
            log(f"  {t['kind']:10} {t['name']:36} {t['seconds']:8.1f}  {t.get('error') or ''}")
        log(f"Saved to {out.relative_to(ROOT)}")
        return 1 if any("error" in t for t in timings) else 0

    partners = Partner.objects.count()
    scenarios = [s for s in SCENARIOS if (not args.only or s.key in args.only)]
    missing = [s.key for s in scenarios if not installed(s)]
    scenarios = [s for s in scenarios if installed(s)]
    if missing:
        log(f"Skipped (app not installed): {', '.join(missing)}")
    if args.only:
        unknown = set(args.only) - set(SCENARIOS_BY_KEY)
        if unknown:
            raise SystemExit(f"Unknown scenarios: {', '.join(sorted(unknown))}")
    if not scenarios:
        raise SystemExit("No scenario to measure.")
    scenarios = resolve(scenarios)
    if not scenarios:
        raise SystemExit("No scenario to measure.")
    token = staff_token()
    counts = query_counts(scenarios, token)
    connections.close_all()

    wrk = None if args.python_load else ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = start_gunicorn(args, env, port)
    results, summaries = {}, {}
    try:
        wait_ready(f"{base}{baseline_path(scenarios[0])}", token, gunicorn)
        summaries = check_answers(scenarios, base, token)
        broken = []
        for s in scenarios:
            c = counts[(s.key, "real")], counts[(s.key, "baseline")]
            log(f"{s.key:24} real: {summaries[s.key].get('real')}; {c[0]['queries']} queries, "
                f"{c[0]['cpu_ms']} ms CPU in-process | baseline: {summaries[s.key].get('baseline')}; "
                f"{c[1]['queries']} queries, {c[1]['cpu_ms']} ms CPU")
            if any(str(v).startswith(("ERROR", "IMPLAUSIBLE")) for v in summaries[s.key].values()):
                broken.append(s.key)
        scenarios = [s for s in scenarios if s.key not in broken]
        if broken:
            log(f"Not measured (error or implausible answer): {', '.join(broken)}")
        tool = f"wrk {wrk}" if wrk else "Python load generator"
        log(f"Load: {tool}; {args.rounds} round(s) of {args.duration}s after {args.warmup}s warm-up; gunicorn "
            f"{args.workers} sync workers; {os.cpu_count()} CPUs shared by server, database, load tool and neighbours.")

        def drive(name, s, clients, seconds):
            if name == "baseline":
                url, method, body = f"{base}{baseline_path(s)}", "GET", None
            else:
                url, method, body = f"{base}{s.path}", s.method, s.body
            if wrk:
                result = load_wrk(wrk, url, token, clients, seconds, method, body)
            elif method != "GET":
                raise SystemExit(f"{s.key}: the Python load generator only sends GET; install wrk")
            else:
                result = load_python(url, token, clients, seconds)
            # The sync workers still owe the requests wrk left in flight when it stopped: one more
            # request waits behind them, so the next run starts on an idle server.
            started = time.perf_counter()
            try:
                fetch(f"{base}{baseline_path(s)}", token, timeout=300)
            except Exception as exc:
                log(f"  (drain request failed: {exc})")
            result["drain_s"] = round(time.perf_counter() - started, 2)
            return result

        for s in scenarios:
            for clients in args.clients:
                if args.warmup:
                    for name in ("baseline", "real"):
                        drive(name, s, clients, args.warmup)
                rounds = {"baseline": [], "real": []}
                for number in range(1, args.rounds + 1):
                    for name in ("baseline", "real"):
                        r = drive(name, s, clients, args.duration)
                        r["load"] = round(os.getloadavg()[0], 2)
                        rounds[name].append(r)
                        log(f"  {s.key:24} {name:8} c={clients:<3} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:8.1f} ms  "
                            f"p99 {r['p99_ms']:8.1f} ms  ({r['requests']} requests, {r['errors']} errors, "
                            f"load {r['load']}, drained in {r['drain_s']}s)")
                for name, runs in rounds.items():
                    results[(s.key, name, clients)] = {
                        "rps": statistics.median(r["rps"] for r in runs),
                        "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
                        "errors": sum(r["errors"] for r in runs),
                        "load": statistics.median(r["load"] for r in runs),
                        "rounds": runs,
                    }
    finally:
        stop(gunicorn)

    log(f"\nDashboards at {partners:,} partners (PostgreSQL, gunicorn {args.workers} workers, "
        f"{args.duration}s per run, median of {args.rounds} round(s)); "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}")
    header = (f"{'endpoint':24} {'c':>3} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} | {'base r/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} | {'ratio':>5} {'load':>5} {'queries':>7}")
    log(header)
    log("-" * len(header))
    for s in scenarios:
        for clients in args.clients:
            real, baseline = results[(s.key, "real", clients)], results[(s.key, "baseline", clients)]
            ratio = real["rps"] / baseline["rps"] if baseline["rps"] else float("nan")
            queries = f"{counts[(s.key, 'real')]['queries']}/{counts[(s.key, 'baseline')]['queries']}"
            log(f"{s.key:24} {clients:>3} {real['rps']:7.1f} {real['p50_ms']:8.1f} {real['p99_ms']:8.1f} | "
                f"{baseline['rps']:8.1f} {baseline['p50_ms']:8.1f} {baseline['p99_ms']:8.1f} | {ratio:5.2f} "
                f"{real['load']:5.1f} {queries:>7}")
    log("ratio = real / baseline throughput; queries = real/baseline per request; load = 1-min load average.")

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dashboards-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    out.write_text(json.dumps({
        "partners": partners, "workers": args.workers, "duration": args.duration, "rounds": args.rounds,
        "tool": "wrk" if wrk else "python", "summaries": summaries,
        "scenarios": {s.key: {"path": s.path, "baseline": baseline_path(s), "tables": s.tables} for s in scenarios},
        "queries": {f"{k}:{kind}": v for (k, kind), v in counts.items()},
        "runs": [{"scenario": k, "endpoint": n, "clients": c, **r} for (k, n, c), r in results.items()],
    }, indent=2, default=str))
    log(f"Results saved to {out.relative_to(ROOT)}")
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
