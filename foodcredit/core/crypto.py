"""Keyed hashing and encryption for personal identifiers (DOMAIN.md §7, SECURITY.md E2)."""

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def normalise_id_number(value: str) -> str:
    return value.strip().upper().replace(" ", "")


def person_hmac(id_number: str) -> str:
    """The blind index that links a person across records without storing the ID number."""
    key = settings.PERSON_HMAC_KEY.encode()
    return hmac.new(key, normalise_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def normalise_phone(value: str) -> str:
    """A phone's digits as they are searched: no separators, no +86 / 0086 country prefix."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11 and digits[len(prefix)] == "1":
            return digits[len(prefix) :]
    return digits


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact-match search of an encrypted column; one derived key per purpose, so that equal
    values in two columns do not link."""
    key = hmac.new(settings.PERSON_HMAC_KEY.encode(), f"blind-index:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def phone_index(value: str) -> str:
    """The blind index of a phone number ("" for none): 138 1234 5678 and +8613812345678 index alike."""
    digits = normalise_phone(value or "")
    return blind_index(digits, purpose="phone") if digits else ""


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
