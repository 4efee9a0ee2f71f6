"""Production settings: with KFQ_HTTPS and a real secret, ``manage.py check --deploy`` has no HTTPS/HSTS
warning; the proxy header is trusted only when KFQ_BEHIND_PROXY says a proxy sets it. Each case runs
in a subprocess, since settings are read from the environment once per process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SECURITY = ("security.W004", "security.W008", "security.W012", "security.W016", "security.W021")


def run(args, tmp_path, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("KFQ_", "DJANGO_")) and k != "DATABASE_URL"}
    environ.update(
        KFQ_SECRET_KEY=secrets.token_urlsafe(50),
        KFQ_VAR_DIR=str(tmp_path),
        KFQ_ALLOWED_HOSTS="kfq.example.cn",
        DJANGO_SETTINGS_MODULE="kaifaqu.settings",
        **env,
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300, check=False
    )


def settings_of(tmp_path, **env) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({n: getattr(s, n)"
        " for n in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        " 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    result = run(["-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_with_https_has_no_https_or_hsts_warning(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, KFQ_HTTPS="1")
    output = result.stdout + result.stderr
    assert not [code for code in SECURITY if code in output], output
    assert result.returncode == 0, output


def test_without_https_check_deploy_warns(tmp_path):
    output = run(["manage.py", "check", "--deploy"], tmp_path).stderr
    assert "security.W004" in output and "security.W008" in output


def test_https_settings(tmp_path):
    s = settings_of(tmp_path, KFQ_HTTPS="1")
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_HSTS_PRELOAD"] is False  # the operator opts in (KFQ_HSTS_PRELOAD)
    assert s["SECURE_PROXY_SSL_HEADER"] is None  # no proxy said so: X-Forwarded-Proto is not trusted


def test_behind_a_proxy_its_header_is_trusted(tmp_path):
    s = settings_of(tmp_path, KFQ_HTTPS="1", KFQ_BEHIND_PROXY="1", KFQ_HSTS_PRELOAD="1")
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_HSTS_PRELOAD"] is True
