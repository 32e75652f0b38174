"""`manage.py run_nightly` (what `make run` calls) finds and runs every nightly job in a fresh process."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_run_nightly_runs_every_job_in_a_fresh_process(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}},
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'nightly.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )

    migrated = manage("migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    result = manage("run_nightly", "--as-of", "2026-11-28")
    assert result.returncode == 0, result.stdout + result.stderr
    for job in ("lifecycle.nightly", "loyalty.nightly"):
        assert f"Running {job}" in result.stdout
    bad = manage("run_nightly", "--as-of", "28/11/2026")
    assert bad.returncode != 0 and "--as-of must be a date" in bad.stderr
