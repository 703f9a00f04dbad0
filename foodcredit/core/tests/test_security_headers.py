"""SECURITY.md A5: headers on sample pages, no stack trace on a server error, `check --deploy` clean in production."""

import os
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

ROOT = Path(__file__).resolve().parents[3]
PAGES = ["/", "/office/login/", "/api/v1/openapi.json", "/api/v1/planning/public/plans"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _boom(request):
    raise RuntimeError("SELECT secret FROM audit WHERE password = 'x'")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_shows_no_trace(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500 and "Traceback" not in body and "SELECT" not in body


def test_production_settings_pass_the_deploy_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # a test's, not production's
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": b64encode(os.urandom(48)).decode(),
        "FOODCREDIT_FIELD_ENCRYPTION_KEY": b64encode(os.urandom(32)).decode(),
        "FOODCREDIT_PERSON_HMAC_KEY": b64encode(os.urandom(32)).decode(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
