"""Development settings: demo accounts exist only here."""

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEY, PERSON_HMAC_KEY, SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-insecure-foodcredit-secret-key-do-not-use-in-production"
PERSON_HMAC_KEY = PERSON_HMAC_KEY or "dev-person-hmac-key"
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or "ZGV2LWZpZWxkLWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM="
DEMO_ACCOUNTS = True
DEMO_PASSWORD = "Jiangbei#2022demo"
STAFF_TWO_FACTOR = False  # the demo logins printed by `make run` are password only; production keeps it on
