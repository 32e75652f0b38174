#!/usr/bin/env python
"""Benchmark: the partner list (100,000 partners, PostgreSQL, gunicorn) against a raw-SQL baseline.

    .venv/bin/python bench/partners_list.py            # what `make bench` runs
    .venv/bin/python bench/partners_list.py --duration 5 --clients 1 32 --workers 2

Steps: make sure the database exists, is migrated and holds the benchmark data set (runs
`seed_demo --reset --partners 100000 --sales 5000000` when the counts differ: ~10 minutes once);
start gunicorn with production-like settings (bench.settings: DEBUG off, baseline URL added) on a
free loopback port; check that both endpoints answer the same JSON; count the queries of one
request of each; drive both with wrk (installed with apt-get when missing; a small Python load
generator otherwise) at each client count; print requests/s, p50, p99 and the ratio real/baseline;
stop gunicorn. Traffic goes to 127.0.0.1 only and every run is bounded in time.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/prm_bench"
FILTERS = "tier=certified&status=active&city=CD"
REAL_PATH = "/api/v1/partners/"
BASELINE_PATH = "/bench/baseline/partners/"
TOKEN_USER = "crm_ro"  # the read-only integration client seed_demo creates


def bench_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        PYTHONWARNINGS="ignore:No directory at",  # whitenoise: no collectstatic needed for an API benchmark
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    return env


def run(cmd, env, **kwargs):
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def ensure_database(database_url: str) -> None:
    import psycopg2
    from urllib.parse import urlparse

    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def prepare_data(args, env) -> None:
    ensure_database(args.database_url)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    import django

    django.setup()
    from partners.models import Partner, SaleRecord

    partners, sales = Partner.objects.count(), SaleRecord.objects.count()
    print(f"Data: {partners} partners, {sales} sales records.")
    if (partners, sales) != (args.partners, args.sales):
        if args.no_seed:
            print("(--no-seed: benchmarking the data as it is)")
        else:
            from django.db import connections

            connections.close_all()
            print(f"Building the benchmark data set ({args.partners} partners, {args.sales} sales) …")
            run([PYTHON, "manage.py", "seed_demo", "--reset", "--partners", str(args.partners),
                 "--sales", str(args.sales)], env)
            partners, sales = Partner.objects.count(), SaleRecord.objects.count()
    return partners, sales


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, token, timeout=30.0):
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def start_gunicorn(args, env, port):
    cmd = [str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn",
           "prm.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
           "--worker-class", "sync", "--log-level", "warning", "--timeout", "60"]
    print("$", " ".join(cmd), flush=True)
    return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)


def stop(process) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_ready(url, token, process, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            if get(url, token, timeout=5)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def query_counts(token) -> dict:
    """Queries of one request of each endpoint, counted in-process (after one warm-up request)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    counts = {}
    for name, path, size in (("baseline", BASELINE_PATH, 50), ("real", REAL_PATH, 50), ("real, page_size=1", REAL_PATH, 1)):
        url = f"{path}?page_size={size}&{FILTERS}"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(queries)
    return counts


# --- load generation -------------------------------------------------------------------------------
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def ensure_wrk() -> str | None:
    wrk = shutil.which("wrk")
    if wrk or not shutil.which("apt-get") or os.geteuid() != 0:
        return wrk
    print("Installing wrk (Debian package) …", flush=True)
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, text=True)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True)
    return shutil.which("wrk")


def load_wrk(wrk, url, token, clients, duration) -> dict:
    threads = 1 if clients == 1 else 2
    cmd = [wrk, f"-t{threads}", f"-c{clients}", f"-d{duration}s", "--latency", "--timeout", "10s",
           "-H", f"Authorization: Token {token}", url]
    output = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {int(p): _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if errors or socket_errors:
        print(output)
    return {"rps": rps, "p50_ms": percentiles[50], "p99_ms": percentiles[99], "requests": requests,
            "errors": int(errors.group(1)) if errors else 0}


def load_python(url, token, clients, duration, max_requests=200_000) -> dict:
    """A small bounded load generator: `clients` threads with keep-alive connections."""
    import http.client
    from urllib.parse import urlparse

    parsed = urlparse(url)
    target = parsed.path + ("?" + parsed.query if parsed.query else "")
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + duration

    def client():
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
        mine = []
        while time.monotonic() < deadline and len(latencies) + len(mine) < max_requests:
            started = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Authorization": f"Token {token}"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], "requests": len(latencies),
            "errors": errors[0]}


# --- main --------------------------------------------------------------------------------------------
def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--sales", type=int, default=5_000_000)
    parser.add_argument("--no-seed", action="store_true", help="Benchmark whatever data the database holds.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2: two cores).")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measured run (default 10).")
    parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds per client count (default 3).")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up per endpoint (default 3).")
    parser.add_argument("--python-load", action="store_true", help="Use the Python load generator, not wrk.")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: give a postgres:// --database-url.")

    env = bench_env(args.database_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    partners, sales = prepare_data(args, env)

    from rest_framework.authtoken.models import Token

    token = Token.objects.get(user__username=TOKEN_USER).key
    counts = query_counts(token)
    from django.db import connections

    connections.close_all()

    wrk = None if args.python_load else ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urls = {"baseline": f"{base}{BASELINE_PATH}?page_size=50&{FILTERS}",
            "real": f"{base}{REAL_PATH}?page_size=50&{FILTERS}"}
    gunicorn = start_gunicorn(args, env, port)
    results = {}
    try:
        wait_ready(urls["real"], token, gunicorn)
        bodies = {name: json.loads(get(url, token)[1]) for name, url in urls.items()}
        for key in ("next", "previous"):  # the links differ by the path only
            if bodies["baseline"].get(key):
                bodies["baseline"][key] = bodies["baseline"][key].replace(BASELINE_PATH, REAL_PATH)
        if bodies["real"] != bodies["baseline"]:
            real, baseline = bodies["real"], bodies["baseline"]
            print("The baseline does not answer the same JSON as the real endpoint:")
            for key in sorted(set(real) | set(baseline)):
                if key != "results" and real.get(key) != baseline.get(key):
                    print(f"  {key}: real {real.get(key)!r} baseline {baseline.get(key)!r}")
            for a, b in zip(real.get("results", []), baseline.get("results", [])):
                for key in sorted(set(a) | set(b)):
                    if a.get(key) != b.get(key):
                        print(f"  results[…].{key}: real {a.get(key)!r} baseline {b.get(key)!r}")
                break
            raise SystemExit(1)
        page = bodies["real"]
        print(f"Both endpoints answer the same page: count {page['count']}, {len(page['results'])} rows, "
              f"filters {FILTERS}.")
        tool = f"wrk {wrk}" if wrk else "Python load generator"
        print(f"Load: {tool}; {args.rounds} rounds of {args.duration}s per endpoint after {args.warmup}s warm-up; gunicorn {args.workers} "
              f"sync workers; {os.cpu_count()} CPUs shared by server, database and load tool.", flush=True)
        def drive(url, clients, seconds):
            if wrk:
                return load_wrk(wrk, url, token, clients, seconds)
            return load_python(url, token, clients, seconds)

        # Rounds alternate baseline and real, so a neighbour's load on the shared machine hits
        # both alike; each figure is the median over the rounds.
        for clients in args.clients:
            if args.warmup:
                for name in ("baseline", "real"):
                    drive(urls[name], clients, args.warmup)
            rounds = {"baseline": [], "real": []}
            for number in range(1, args.rounds + 1):
                for name in ("baseline", "real"):
                    r = drive(urls[name], clients, args.duration)
                    rounds[name].append(r)
                    print(f"  round {number} {name:8} c={clients:<3} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.2f} ms"
                          f"  p99 {r['p99_ms']:7.2f} ms  ({r['requests']} requests, {r['errors']} errors)", flush=True)
            for name, runs in rounds.items():
                results[(name, clients)] = {
                    "rps": statistics.median(r["rps"] for r in runs),
                    "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                    "p99_ms": statistics.median(r["p99_ms"] for r in runs),
                    "requests": sum(r["requests"] for r in runs),
                    "errors": sum(r["errors"] for r in runs),
                    "rounds": runs,
                }
    finally:
        stop(gunicorn)

    print()
    print(f"GET {REAL_PATH}?page_size=50&{FILTERS}  (PostgreSQL, {partners} partners, {sales} sales; "
          f"median of {args.rounds} rounds of {args.duration}s)")
    print(f"{'clients':>7}  {'endpoint':8}  {'req/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  {'queries':>7}")
    for clients in args.clients:
        for name in ("baseline", "real"):
            r = results[(name, clients)]
            print(f"{clients:>7}  {name:8}  {r['rps']:8.1f}  {r['p50_ms']:7.2f}  {r['p99_ms']:7.2f}  {counts[name]:>7}")
        ratio = results[("real", clients)]["rps"] / results[("baseline", clients)]["rps"]
        print(f"{clients:>7}  ratio real/baseline throughput: {ratio:.2f}  (goal >= 0.50)")
    print(f"Queries per request: real {counts['real']} (page_size=1: {counts['real, page_size=1']}), "
          f"baseline {counts['baseline']}.")

    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"partners_list-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({
        "filters": FILTERS, "partners": partners, "sales": sales, "workers": args.workers,
        "duration": args.duration, "rounds": args.rounds, "tool": "wrk" if wrk else "python", "queries": counts,
        "runs": [{"endpoint": n, "clients": c, **r} for (n, c), r in results.items()],
    }, indent=2))
    print(f"Results saved to {out.relative_to(ROOT)}")
    failed = any(r["errors"] for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
