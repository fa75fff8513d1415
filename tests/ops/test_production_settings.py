"""The production settings: `check --deploy` passes without a warning on the documented
environment (deploy/trainer.env.example), and unsafe production set-ups are refused."""

import secrets
import subprocess
from pathlib import Path

import pytest

from benchmarks.services import ROOT, VENV_BIN

ENV_FILE = ROOT / "deploy" / "trainer.env.example"


def documented_env(**changes) -> dict:
    """The example's variables, each CHANGE-ME replaced by a random value, as an operator would."""
    env = {"PATH": "/usr/bin:/bin"}
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value.replace("CHANGE-ME", secrets.token_urlsafe(40))
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


def check(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "python"), "manage.py", "check", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_without_a_warning_on_the_documented_environment():
    run = check(documented_env(), "--deploy", "--fail-level", "WARNING")
    assert run.returncode == 0, run.stderr + run.stdout
    assert "System check identified no issues (0 silenced)." in run.stdout


@pytest.mark.parametrize("variable", ["SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"])
def test_leaving_out_a_documented_setting_is_a_warning(variable):
    run = check(documented_env(**{variable: None}), "--deploy", "--fail-level", "WARNING")
    assert run.returncode != 0 and "security.W0" in run.stderr


def test_debug_off_on_sqlite_is_refused_unless_allowed():
    refused = check(documented_env(DATABASE_URL=None))
    assert refused.returncode != 0 and "ops.E001" in refused.stderr
    assert check(documented_env(DATABASE_URL=None, ALLOW_SQLITE="1")).returncode == 0


def test_debug_off_without_redis_is_refused_unless_allowed():
    refused = check(documented_env(REDIS_URL=None))
    assert refused.returncode != 0 and "ops.E002" in refused.stderr
    assert check(documented_env(REDIS_URL=None, ALLOW_LOCAL_CACHE="1")).returncode == 0


def test_the_examples_secret_key_is_refused():
    env = documented_env()
    env["SECRET_KEY"] = "CHANGE-ME-" + "x" * 50
    run = check(env)
    assert run.returncode != 0 and "still the example" in run.stderr


def test_development_needs_no_configuration():
    run = check({"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr


def test_production_serves_hashed_compressed_static_files():
    run = subprocess.run([str(VENV_BIN / "python"), "-c", "from django.conf import settings; "
                          "print(settings.STORAGES['staticfiles']['BACKEND'])"],
                         cwd=ROOT, env={**documented_env(), "DJANGO_SETTINGS_MODULE": "trainer.settings"},
                         capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_the_systemd_units_read_the_documented_environment():
    units = list((ROOT / "deploy" / "systemd").glob("*.service"))
    assert len(units) == 3
    for unit in units:
        assert "EnvironmentFile=/etc/trainer/trainer.env" in unit.read_text(), unit.name
    assert Path(ROOT / "deploy" / "gunicorn.conf.py").is_file()
