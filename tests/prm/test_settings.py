"""Settings come from the environment; production values pass Django's deployment checks."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "q8Zr!vN3k@Lw7pX#c2Tg9mB$e5Hy0aJ^s4Fd6uK&n1Wo*R7iE(t3Ylx-Pz_Gb+M"


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="prm.example.com", DEBUG="0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_without_debug():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="prm.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_default_is_sqlite_and_in_process_celery():
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.TIME_ZONE)"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='prm.settings'; django.setup(); {code}"],
        cwd=ROOT, env={**base, "DEBUG": "1"}, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "Asia/Shanghai"], result.stderr
