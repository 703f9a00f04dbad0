"""Vectorised identifiers: USCC (GB 32100-2015 with a GB 11714 inner code) and PRC ID numbers (GB 11643).

The same algorithms as foodcredit.core.ids (which checks one code at a time); the tests cross-check every
generated code against it.
"""

import numpy as np
import polars as pl

from foodcredit.core.ids import USCC_ALPHABET, USCC_WEIGHTS

_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_USCC_CHARS = np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
_USCC_VALUE[_USCC_CHARS] = np.arange(len(_USCC_CHARS))
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_REGION = np.frombuffer(b"500105", dtype=np.uint8)


def _strings(chars: np.ndarray) -> pl.Series:
    """Rows of ASCII codes (n × width, uint8) as a string Series."""
    width = chars.shape[1]
    return pl.Series(np.ascontiguousarray(chars).view(f"S{width}").ravel()).cast(pl.String)


def _duplicates(keys: np.ndarray) -> np.ndarray:
    """Positions of rows whose key already occurred at a lower position (rows of uint8)."""
    flat = np.ascontiguousarray(keys).view(f"S{keys.shape[1]}").ravel()
    order = np.argsort(flat, kind="stable")
    repeat = flat[order][1:] == flat[order][:-1]
    return np.sort(order[1:][repeat])


def _org_check(base: np.ndarray) -> np.ndarray:
    """GB 11714 check characters for rows of 8 characters from 0-9A-Z."""
    values = np.where(base >= ord("A"), base.astype(np.int64) - ord("A") + 10, base.astype(np.int64) - ord("0"))
    c9 = 11 - (values @ _ORG_WEIGHTS) % 11
    return np.where(c9 == 10, ord("X"), np.where(c9 == 11, ord("0"), c9 + ord("0"))).astype(np.uint8)


def uscc_codes(rng: np.random.Generator, *, category: np.ndarray, modern: np.ndarray) -> pl.Series:
    """Unique Jiangbei USCCs: 9 + category (1 企业, 2 个体工商户, 3 合作社) + 500105 + a GB 11714 code + check.

    `modern` codes (registered from 2016) carry an "MA…" organisation code as issued since the reform; older
    ones a numeric code. Duplicates are redrawn until every code is unique.
    """
    n = len(category)
    chars = np.empty((n, 18), dtype=np.uint8)
    chars[:, 0] = ord("9")
    chars[:, 1] = ord("0") + category
    chars[:, 2:8] = _REGION
    todo = np.arange(n)
    while len(todo):
        m = modern[todo]
        body = np.where(
            m[:, None],
            _USCC_CHARS[rng.integers(0, len(_USCC_CHARS), size=(len(todo), 8))],
            _DIGITS[rng.integers(0, 10, size=(len(todo), 8))],
        )
        body[m, 0] = ord("M")
        body[m, 1] = ord("A")
        chars[todo, 8:16] = body
        chars[todo, 16] = _org_check(body)
        todo = _duplicates(chars[:, :17])
    values = _USCC_VALUE[chars[:, :17]]
    total = values @ np.array(USCC_WEIGHTS, dtype=np.int64)
    chars[:, 17] = _USCC_CHARS[(31 - total % 31) % 31]
    return _strings(chars)


def _digits(out: np.ndarray, values: np.ndarray, width: int) -> None:
    """Write `values` as zero-padded decimal digits into the columns of `out` (n × width)."""
    for k in range(width):
        out[:, width - 1 - k] = ord("0") + (values // 10**k) % 10


def id_numbers(
    rng: np.random.Generator, *, areas: list[str], area_weights: list[float], births: np.ndarray
) -> pl.Series:
    """Unique 18-character PRC ID numbers: area code, birth date, sequence, ISO 7064 MOD 11-2 check character."""
    n = len(births)
    chars = np.empty((n, 18), dtype=np.uint8)
    area_codes = np.array([[ord(c) for c in a] for a in areas], dtype=np.uint8)
    w = np.asarray(area_weights, dtype=np.float64)
    chars[:, 0:6] = area_codes[rng.choice(len(areas), size=n, p=w / w.sum())]
    years = births.astype("datetime64[Y]").astype(np.int64) + 1970
    months = births.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (births - births.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    _digits(chars[:, 6:14], years * 10_000 + months * 100 + days, 8)
    todo = np.arange(n)
    while len(todo):
        seq = np.empty((len(todo), 3), dtype=np.uint8)
        _digits(seq, rng.integers(0, 1000, size=len(todo)), 3)
        chars[todo, 14:17] = seq
        todo = _duplicates(chars[:, :17])
    total = (chars[:, :17].astype(np.int64) - ord("0")) @ _ID_WEIGHTS
    chars[:, 17] = _ID_CHECK[total % 11]
    return _strings(chars)
