"""The district's business types (params.yaml `business_types`) and the sector and status codes the world uses."""

from dataclasses import dataclass

import numpy as np

from .common import Params

SECTORS = ["catering", "circulation", "production"]
SECTOR_CODES = "crp"  # the letters lexicon uses for sectors
STATUSES = ["active", "deregistered", "revoked"]


@dataclass(frozen=True)
class TypeTable:
    """The business types of params.yaml as parallel arrays, in file order."""

    names: list[str]
    sector: np.ndarray
    weight: np.ndarray
    base_logit: np.ndarray
    inspections: np.ndarray
    sampling: np.ndarray
    complaints: np.ndarray
    individual: np.ndarray
    cooperative: np.ndarray
    venue: np.ndarray
    new_form: np.ndarray
    exit_hazard: np.ndarray
    licence: list[str]

    @classmethod
    def from_params(cls, params: Params) -> "TypeTable":
        """Read `business_types`, scaling weights by the sector shares."""
        rows = params["business_types"]
        names = list(rows)

        def col(key: str) -> np.ndarray:
            return np.array([float(rows[t][key]) for t in names])

        sector = np.array([SECTORS.index(rows[t]["sector"]) for t in names])
        weight = col("weight")
        for s, name in enumerate(SECTORS):
            in_sector = sector == s
            weight[in_sector] *= params["sectors"][name] / weight[in_sector].sum()
        return cls(
            names=names,
            sector=sector,
            weight=weight,
            base_logit=col("base_logit"),
            inspections=col("inspections"),
            sampling=col("sampling"),
            complaints=col("complaints"),
            individual=col("individual"),
            cooperative=col("cooperative"),
            venue=col("venue"),
            new_form=col("new_form"),
            exit_hazard=col("exit_hazard"),
            licence=[str(rows[t]["licence"]) for t in names],
        )
