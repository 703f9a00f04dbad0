"""Keyed hashing and encryption for personal identifiers (DOMAIN.md §7, SECURITY.md E2)."""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def normalise_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def person_hmac(id_number: str) -> str:
    """The blind index that links a person across records without storing the ID number."""
    key = settings.PERSON_HMAC_KEY.encode()
    return hmac.new(key, normalise_id_number(id_number).encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=1)
def _aead(key: str) -> AESGCM:
    raw = base64.b64decode(key)
    return AESGCM(hashlib.sha256(raw).digest())


def encrypt(value: str) -> str:
    """AES-256-GCM with a random nonce; base64 text for a CharField."""
    nonce = os.urandom(12)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, value.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return _aead(settings.FIELD_ENCRYPTION_KEY).decrypt(raw[:12], raw[12:], None).decode()
