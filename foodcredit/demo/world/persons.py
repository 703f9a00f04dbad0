"""Legal representatives: who runs the district's operators (names, ID numbers, mobile phones)."""

import numpy as np
import polars as pl

from . import lexicon
from .common import Calendar, pick, weighted_choice
from .ids import id_numbers


def persons_draw(rng: np.random.Generator, n: int, cal: Calendar) -> pl.DataFrame:
    """Legal representatives: name (surname index kept for shop names), ID number and mobile phone."""
    surname_w = 1.0 / (np.arange(len(lexicon.SURNAMES)) + 4.0)
    surname = weighted_choice(rng, surname_w, n)
    g1 = rng.integers(0, len(lexicon.GIVEN_CHARS), n)
    g2 = rng.integers(0, len(lexicon.GIVEN_CHARS), n)
    one_char = pl.Series(rng.random(n) < 0.3)
    first, second = pick(lexicon.GIVEN_CHARS, g1), pick(lexicon.GIVEN_CHARS, g2)
    given_s = pl.select(pl.when(one_char).then(first).otherwise(first + second)).to_series()
    as_of = cal.as_of64
    births = as_of - (rng.uniform(22, 66, n) * 365.25).astype(np.int64)
    areas = [a for a, _ in lexicon.ID_AREAS]
    id_no = id_numbers(rng, areas=areas, area_weights=[w for _, w in lexicon.ID_AREAS], births=births)
    prefix = np.array(
        [
            130,
            131,
            132,
            133,
            135,
            136,
            137,
            138,
            139,
            150,
            151,
            152,
            155,
            158,
            159,
            166,
            177,
            180,
            181,
            182,
            183,
            185,
            186,
            187,
            188,
            189,
            191,
            199,
        ]
    )
    mobile = prefix[rng.integers(0, len(prefix), n)].astype(np.int64) * 10**8 + rng.integers(0, 10**8, n)
    return pl.DataFrame(
        {
            "surname_idx": surname,
            "name": pick(lexicon.SURNAMES, surname) + given_s,
            "given": given_s,
            "id_no": id_no,
            "mobile": pl.Series(mobile).cast(pl.String),
            "brand_idx": rng.integers(0, len(lexicon.BRAND_FIRST) * len(lexicon.BRAND_SECOND), n),
        }
    )
