"""Test settings: fast hashing, eager Celery, fixed keys."""

from .dev import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttling counts across tests would refuse requests of unrelated tests: off, and on in its own tests.
THROTTLE_ENABLED = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # never the developer's Redis
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django's flush between transactional tests is a TRUNCATE; the audit table refuses it elsewhere (core 0004).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = (
        DATABASES["default"]["OPTIONS"].get("options", "") + " -c foodcredit.allow_audit_truncate=on"
    ).strip()
