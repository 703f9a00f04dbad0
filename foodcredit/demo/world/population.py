"""The district's operators: who they are, where, since when, who runs them, and their licences.

Also draws the hidden persistent operator effect (shared in part by operators with the same legal
representative or the same premises), because who is revoked depends on it.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from foodcredit.operators.models import STREETS

from . import lexicon
from .business_types import SECTORS, STATUSES, TypeTable
from .common import Calendar, Params, as_date_series, pick, sigmoid, uniform_days, weighted_choice
from .ids import uscc_codes
from .licences import licences_draw
from .names import operator_names, pick_within, words_flat
from .persons import persons_draw


@dataclass
class Population:
    """Operators (arrays indexed by operator) with their public frames and hidden attributes."""

    types: TypeTable
    type_idx: np.ndarray
    sector_idx: np.ndarray
    street_idx: np.ndarray
    person_idx: np.ndarray
    venue_idx: np.ndarray  # −1: own premises
    registered: np.ndarray  # datetime64[D]
    exit: np.ndarray  # datetime64[D]; after as_of for operators still active
    status_idx: np.ndarray
    new_form: np.ndarray
    effect: np.ndarray  # persistent operator effect, log-odds
    uscc: pl.Series
    operators: pl.DataFrame
    licences: pl.DataFrame


def population_generate(*, rng: np.random.Generator, n: int, cal: Calendar, params: Params) -> Population:
    """Draw `n` operators of the district, all vectorised."""
    types = TypeTable.from_params(params)
    pop, risk = params["population"], params["risk"]
    type_idx = weighted_choice(rng, types.weight, n)

    # Owners: a share of operators belong to legal representatives with several operators (often a chain
    # of the same type); everyone else has an owner of their own.
    shared = rng.random(n) < pop["shared_owner_share"]
    n_shared = int(shared.sum())
    n_groups = max(1, round(n_shared / pop["shared_owner_group_mean"]))
    person_idx = np.empty(n, dtype=np.int64)
    person_idx[shared] = rng.integers(0, n_groups, n_shared)
    person_idx[~shared] = n_groups + np.arange(n - n_shared)
    n_persons = n_groups + n - n_shared
    present, first_of = np.unique(person_idx, return_index=True)
    leader = first_of[np.searchsorted(present, person_idx)]
    chain = shared & (rng.random(n) < pop["chain_same_type"])
    type_idx = np.where(chain, type_idx[leader], type_idx)
    sector_idx = types.sector[type_idx]

    street_rows = [params["streets"][s] for s in STREETS]
    street_pop = weighted_choice(rng, [r["population"] for r in street_rows], n)
    street_prod = weighted_choice(rng, [r["production"] for r in street_rows], n)
    street_idx = np.where(sector_idx == SECTORS.index("production"), street_prod, street_pop)

    u = rng.random(n)
    category = np.where(
        u < types.individual[type_idx], 2, np.where(u < types.individual[type_idx] + types.cooperative[type_idx], 3, 1)
    )

    # Registration: a share entered during the window, the rest before it with exponential ages.
    years = (cal.as_of - cal.start).days / 365.25
    new = rng.random(n) < min(0.9, pop["new_share_per_year"] * years)
    reg_new = uniform_days(rng, np.full(n, cal.start64), np.full(n, cal.as_of64))
    age_days = np.round(rng.exponential(pop["age_mean_years"] * 365.25, n)).astype(np.int64) + 1
    reg_old = np.maximum(cal.start64 - age_days, np.datetime64(pop["earliest_registration"], "D"))
    registered = np.where(new, reg_new, reg_old)

    # Premises shared by several operators: markets, food courts, industrial parks per street.
    in_venue = rng.random(n) < types.venue[type_idx]
    venue_kind = np.array([1, 0, 2])[sector_idx]  # catering → food court, circulation → market, production → park
    group = street_idx * 3 + venue_kind
    counts = np.bincount(group[in_venue], minlength=len(STREETS) * 3)
    per_group = np.where(counts > 0, np.maximum(1, np.round(counts / pop["venue_size_mean"])), 0).astype(np.int64)
    group_offset = np.concatenate([[0], np.cumsum(per_group)[:-1]])
    venue_idx = np.where(
        in_venue, group_offset[group] + np.floor(rng.random(n) * np.maximum(per_group[group], 1)).astype(np.int64), -1
    )
    n_venues = int(per_group.sum())

    # Persistent operator effect: part owner's, part premises', the rest the operator's own.
    z_person = rng.standard_normal(n_persons)
    z_venue = rng.standard_normal(max(n_venues, 1))
    w_owner, w_venue = risk["owner_share"], risk["venue_share"] * in_venue
    effect = risk["operator_sd"] * (
        np.sqrt(w_owner) * z_person[person_idx]
        + np.sqrt(w_venue) * z_venue[np.maximum(venue_idx, 0)]
        + np.sqrt(1.0 - w_owner - w_venue) * rng.standard_normal(n)
    )

    # Exits during the window at each type's hazard; a few are revocations, likelier for risky operators.
    active_from = np.maximum(registered, cal.start64)
    exit_days = np.ceil(rng.exponential(1.0, n) / types.exit_hazard[type_idx] * 365.25).astype(np.int64)
    exit_ = active_from + np.maximum(exit_days, 1)
    exited = exit_ <= cal.as_of64
    share = pop["revoked_share_of_exits"]
    p_revoked = sigmoid(np.log(share / (1 - share)) + pop["revoked_risk_slope"] * effect / risk["operator_sd"])
    status_idx = np.where(exited, np.where(rng.random(n) < p_revoked, 2, 1), 0)
    exit_ = np.where(exited, exit_, cal.as_of64 + 36_500)

    uscc = uscc_codes(rng, category=category, modern=registered >= np.datetime64("2016-01-01"))
    persons = persons_draw(rng, n_persons, cal)
    owner = persons[person_idx]

    # Addresses: own premises on a street's road, or the shared premises' address.
    roads, road_off, road_len = words_flat([lexicon.ROADS[s] for s in STREETS])
    street_names = pick(STREETS, street_idx)
    own_road = road_off[street_idx] + np.floor(rng.random(n) * road_len[street_idx]).astype(np.int64)
    own_address = pl.concat_str(
        [
            pl.lit("重庆市江北区"),
            street_names,
            pick(roads, own_road),
            pl.Series(rng.integers(1, 400, n)).cast(pl.String),
            pl.lit("号"),
            pick(lexicon.ADDRESS_SUFFIXES, rng.integers(0, len(lexicon.ADDRESS_SUFFIXES), n)),
        ]
    )
    v_group = np.repeat(np.arange(len(per_group)), per_group)
    v_street = v_group // 3
    v_road = road_off[v_street] + np.floor(rng.random(n_venues) * road_len[v_street]).astype(np.int64)
    v_label = pick_within(rng, [lexicon.VENUE_LABELS[k] for k in lexicon.VENUE_KINDS], v_group % 3)
    venue_address = pl.select(
        pl.concat_str(
            [
                pl.lit("重庆市江北区"),
                pick(STREETS, v_street),
                pick(roads, v_road),
                pl.Series(rng.integers(1, 300, n_venues)).cast(pl.String),
                pl.lit("号"),
                v_label,
            ]
        )
    ).to_series()
    address = pl.select(
        pl.when(pl.Series(in_venue))
        .then(venue_address.gather(np.maximum(venue_idx, 0)) if n_venues else pl.lit(""))
        .otherwise(pl.select(own_address).to_series())
    ).to_series()

    # Names from patterns; shops of individual businesses carry the owner's surname or given name.
    n_second = len(lexicon.BRAND_SECOND)
    brand_idx = owner["brand_idx"].to_numpy()
    school, unit = types.names.index("学校食堂"), types.names.index("单位食堂")
    name_kind = np.select(
        [type_idx == school, type_idx == unit, category == 2, category == 3], [3, 4, 0, 2], default=1
    )  # index into lexicon.NAME_PATTERNS: individual, company, cooperative, school, unit_canteen
    tokens = pl.DataFrame(
        {
            "brand": pick(lexicon.BRAND_FIRST, brand_idx // n_second)
            + pick(lexicon.BRAND_SECOND, brand_idx % n_second),
            "surname": pick(lexicon.SURNAMES, owner["surname_idx"].to_numpy()),
            "given": owner["given"],
            "street_short": street_names.str.replace(r"(街道|镇)$", ""),
            "shop": pick_within(rng, [lexicon.SHOP_WORDS[t] for t in types.names], type_idx),
            "industry": pick_within(rng, [lexicon.INDUSTRY_WORDS[s] for s in SECTORS], sector_idx),
            "place": pick(lexicon.PLACES, rng.integers(0, len(lexicon.PLACES), n)),
            "school": pick(lexicon.SCHOOLS, rng.integers(0, len(lexicon.SCHOOLS), n)),
            "org_kind": pick(lexicon.ORG_KINDS, rng.integers(0, len(lexicon.ORG_KINDS), n)),
            "coop_product": pick(lexicon.COOP_PRODUCTS, rng.integers(0, len(lexicon.COOP_PRODUCTS), n)),
        }
    )
    names = operator_names(rng, tokens=tokens, name_kind=name_kind)

    # Companies list a landline; individual businesses the owner's mobile. Some individuals have no ID on file.
    landline = pl.format("023-{}", pl.Series(rng.integers(6000_0000, 9000_0000, n)).cast(pl.String))
    no_id = (category == 2) & ~shared & (rng.random(n) < pop["id_missing_share"])
    new_form = rng.random(n) < types.new_form[type_idx]
    operators = pl.DataFrame(
        {
            "uscc": uscc,
            "name": names,
            "legal_rep": owner["name"],
            "legal_rep_id_no": owner["id_no"],
            "phone": owner["mobile"],
            "address": address,
            "street": street_names,
            "sector": pick(SECTORS, sector_idx),
            "business_type": pick(types.names, type_idx),
            "registered_on": as_date_series(registered),
            "status": pick(STATUSES, status_idx),
            "new_business_form": pl.Series(new_form, dtype=pl.Boolean),
        }
    ).with_columns(
        legal_rep_id_no=pl.when(pl.Series(no_id)).then(None).otherwise(pl.col("legal_rep_id_no")),
        phone=pl.when(pl.Series(category == 2)).then(pl.col("phone")).otherwise(landline),
        _row=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
    )
    licences = licences_draw(
        rng,
        types=types,
        type_idx=type_idx,
        registered=registered,
        exit_=exit_,
        status_idx=status_idx,
        uscc=uscc,
        cal=cal,
        params=params,
    )
    return Population(
        types=types,
        type_idx=type_idx,
        sector_idx=sector_idx,
        street_idx=street_idx,
        person_idx=person_idx,
        venue_idx=venue_idx,
        registered=registered,
        exit=exit_,
        status_idx=status_idx,
        new_form=new_form,
        effect=effect,
        uscc=uscc,
        operators=operators,
        licences=licences,
    )
