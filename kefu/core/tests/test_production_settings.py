"""Production settings come from the environment, and a deployment with them is checked clean.

PRODUCTION_ENV is the environment documented in README.md ("Production settings") and .env.example.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from kefu.conftest import login

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-Hk4u9Qz2mX7pW1rT6yN3bV8cJ5sL0dF",
    "ALLOWED_HOSTS": "kefu.example.internal",
    "CSRF_TRUSTED_ORIGINS": "https://kefu.example.internal",
    "KEFU_HTTPS": "1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def run(args: list[str], **env) -> subprocess.CompletedProcess:
    # Not the test run's own switches either: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in
    # this process (playwright runs an event loop), which check --deploy rightly refuses.
    test_only = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k not in test_only and not k.startswith("SECURE_")
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_documented_environment_is_the_one_in_env_example():
    example = (ROOT / ".env.example").read_text()
    for name in PRODUCTION_ENV:
        assert re.search(rf"^#? ?{name}=", example, re.MULTILINE), name


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_app_refuses_to_start_on_the_development_key_with_debug_off(module):
    production_without_key = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    refused = run(["-c", f"import {module}"], **{k: v for k, v in production_without_key.items() if v})
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "SECRET_KEY" in refused.stderr
    assert run(["-c", f"import {module}"], **PRODUCTION_ENV).returncode == 0
    assert run(["-c", f"import {module}"], DEBUG="1").returncode == 0


def test_https_settings_follow_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings"}
    on = run(["-c", "import django; django.setup(); " + code], **PRODUCTION_ENV, **env).stdout.split(maxsplit=4)
    assert on == ["True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO', 'https')\n"]
    off = run(["-c", "import django; django.setup(); " + code], DEBUG="1", **env).stdout.split(maxsplit=4)
    assert off == ["False", "False", "False", "0", "None\n"]


def test_pages_carry_a_content_security_policy_and_inline_scripts_its_nonce(agent):
    response = login(agent).get(reverse("tickets:create"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in attributes for attributes in scripts)
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy


def test_no_template_has_inline_event_handlers_or_javascript_links():
    # The policy allows no inline handlers: behaviour lives in static/js/kefu.js.
    offenders = []
    for template in (ROOT / "kefu").rglob("templates/**/*.html"):
        text = template.read_text()
        # Event filters in hx-trigger ("keyup[key=='Enter']") are evaluated: they would need 'unsafe-eval'.
        if re.search(r"\son[a-z]+=[\"']|javascript:|hx-on|hx-trigger=\"[^\"]*\[", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.parametrize(
    "url", ["/", "/customers/", "/requests/?queue=all_open", "/api/v1/customers/", "/api/v1/requests/"]
)
def test_pages_and_api_answers_with_personal_data_are_never_stored(manager, own_customer, url):
    response = login(manager).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
