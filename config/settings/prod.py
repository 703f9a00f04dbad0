"""Production settings: every secret comes from the environment; no demo accounts."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEY, PERSON_HMAC_KEY, SECRET_KEY

for _name, _value in {
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "FOODCREDIT_PERSON_HMAC_KEY": PERSON_HMAC_KEY,
    "FOODCREDIT_FIELD_ENCRYPTION_KEY": FIELD_ENCRYPTION_KEY,
}.items():
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production")

DEMO_ACCOUNTS = False
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
