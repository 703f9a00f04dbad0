"""Celery application. Without REDIS_URL the tasks run eagerly in process (settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("foodcredit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
