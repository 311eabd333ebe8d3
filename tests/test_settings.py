"""Settings safety: production refuses unsafe configuration, and passes check --deploy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k3y-" + "x7Qp9LmZ2vR8sT4w" * 4

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "stancewatch.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://stancewatch.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (if they ran first) is not a deployment's.
    inherited = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_nothing_reported():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env=PRODUCTION | {"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is missing or insecure and DEBUG is off" in result.stderr


def test_production_refuses_the_development_key_and_short_keys():
    for key in (
        "django-insecure-stancewatch-development-only",
        "change-me",
        "short-but-random-Zq8",
    ):
        result = manage("check", env=PRODUCTION | {"SECRET_KEY": key})
        assert result.returncode != 0, key
        assert "SECRET_KEY is missing or insecure" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env=PRODUCTION | {"ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is empty and DEBUG is off" in result.stderr


def test_a_misspelt_boolean_is_an_error_not_a_silent_default():
    result = manage("check", env=PRODUCTION | {"DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG must be true/false" in result.stderr


def test_development_starts_with_no_configuration_at_all():
    result = manage("check", env={"DEBUG": "true", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_without_redis_celery_tasks_run_in_process_and_with_it_they_queue():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )

    def probe(env: dict[str, str]) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert probe({}) == "True memory://"
    assert probe({"REDIS_URL": "redis://127.0.0.1:6379/3"}) == "False redis://127.0.0.1:6379/3"
