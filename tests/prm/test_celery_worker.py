"""A real Celery worker against the configured broker (Redis in CI) runs a task end to end."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url():
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a worker process needs a database it can reach: run with DATABASE_URL on PostgreSQL")
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def test_worker_runs_task_against_broker(partner_a, partner_b):
    broker = settings.PRM_TEST_BROKER_URL
    if not broker:
        pytest.skip("no broker configured (set REDIS_URL to run the worker integration test)")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "DJANGO_SETTINGS_MODULE": "prm.settings",
        "SECRET_KEY": "worker-integration-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "1",
    }
    queue = f"itest-{os.getpid()}-{int(time.time())}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "prm", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        client = Celery("prm-test", broker=broker, backend=broker)
        result = client.send_task("prm.health_check", queue=queue)
        answer = result.get(timeout=60)
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = ""
    assert answer["database"] == "postgresql", output
    assert answer["partners"] == 2, output
