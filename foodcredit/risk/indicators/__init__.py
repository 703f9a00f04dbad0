"""The indicator system per sector, declared as data (indicators/<version>.yaml), validated on load."""

import hashlib
import string
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from foodcredit.core.errors import DomainError
from foodcredit.operators.models import Operator

from ..features import FEATURES

HERE = Path(__file__).resolve().parent
SECTORS: tuple[str, ...] = tuple(Operator.Sector.values)
PARTS = ("static", "dynamic")
# Columns a sentence may name besides the features (derived in risk.explain).
TEXT_COLUMNS = frozenset(
    {"business_type", "value", "years_rounded", "years_over_3", "fail_kinds_1y", "fail_kinds_3y", "ever_inspected"}
)


@dataclass(frozen=True)
class Indicator:
    """One scored indicator: a feature, its dimension and its bands (upper bound exclusive, points)."""

    feature: str
    dimension: str
    part: str
    bounds: tuple[float, ...]  # increasing upper bounds of all bands but the last
    points: tuple[float, ...]  # one more than bounds
    source: str = ""  # the factor of the policy text the indicator stands for (v2 onwards)
    provisional: bool = False  # its points are a local proposal, not an official table's


@dataclass(frozen=True)
class Text:
    """An explanation sentence for a feature: a template with {column} fields, shown when `when` holds."""

    template: str
    when: str  # a column that must be > 0, or "!column" for = 0


@dataclass(frozen=True)
class IndicatorSystem:
    """A validated indicator system: its version, tiers, indicators per sector and sentences."""

    version: str
    sha256: str
    business_type_tiers: dict[str, int]
    sectors: dict[str, tuple[Indicator, ...]]
    texts: dict[str, Text]


def _invalid(message: Any, **context: Any) -> DomainError:
    return DomainError("risk.indicators_invalid", message, **context)


def _fields(template: str) -> list[str]:
    return [f for _lit, f, _spec, _conv in string.Formatter().parse(template) if f]


def indicator_system_parse(data: Any, *, sha256: str = "") -> IndicatorSystem:
    """Validate a parsed YAML document into an IndicatorSystem; DomainError on the first problem found."""
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        raise _invalid(_("指标体系缺少版本号"))
    limits = data.get("limits") or {"static": 40, "dynamic": 60}
    dimensions = set((data.get("dimensions") or {}).keys())
    tiers = data.get("business_type_tiers") or {}
    if not all(isinstance(v, int) and 1 <= v <= 4 for v in tiers.values()):
        raise _invalid(_("主体类型档次须为1–4"))
    sectors: dict[str, tuple[Indicator, ...]] = {}
    for sector in SECTORS:
        spec = (data.get("sectors") or {}).get(sector)
        if not isinstance(spec, dict):
            raise _invalid(_("缺少业态“%(sector)s”的指标") % {"sector": sector})
        found = []
        for part in PARTS:
            total = 0.0
            for item in spec.get(part) or []:
                feature = item.get("feature")
                if feature not in FEATURES:
                    raise _invalid(_("未知指标“%(name)s”") % {"name": feature}, feature=feature)
                if dimensions and item.get("dimension") not in dimensions:
                    raise _invalid(_("未知维度"), feature=feature)
                bands = item.get("bands") or []
                if len(bands) < 2 or bands[-1][0] is not None or any(b[0] is None for b in bands[:-1]):
                    raise _invalid(_("分档须以无上限的一档结尾"), feature=feature)
                bounds = tuple(float(b[0]) for b in bands[:-1])
                points = tuple(float(b[1]) for b in bands)
                if any(later <= earlier for earlier, later in pairwise(bounds)):
                    raise _invalid(_("分档上限须递增"), feature=feature)
                if any(p < 0 for p in points):
                    raise _invalid(_("分值不能为负"), feature=feature)
                source = str(item.get("source") or "").strip()
                if data.get("require_sources") and (not source or not isinstance(item.get("provisional"), bool)):
                    raise _invalid(
                        _("每项指标须注明来源及是否为暂定分值"),
                        feature=feature,
                        sector=sector,
                    )
                total += max(points)
                found.append(
                    Indicator(
                        feature, item.get("dimension", ""), part, bounds, points, source, bool(item.get("provisional"))
                    )
                )
            if total > float(limits[part]):
                raise _invalid(
                    _("%(part)s部分满分超过%(limit)s") % {"part": part, "limit": limits[part]},
                    sector=sector,
                )
        sectors[sector] = tuple(found)
    texts = {}
    for feature, item in (data.get("texts") or {}).items():
        if feature not in FEATURES:
            raise _invalid(_("未知指标“%(name)s”") % {"name": feature}, feature=feature)
        template, when = item.get("text", ""), item.get("when", feature)
        for name in [*_fields(template), when.lstrip("!")]:
            if name not in FEATURES and name not in TEXT_COLUMNS:
                raise _invalid(_("说明引用了未知字段“%(name)s”") % {"name": name})
        texts[feature] = Text(template, when)
    return IndicatorSystem(data["version"], sha256, dict(tiers), sectors, texts)


@cache
def indicator_system_load(name: str | None = None) -> IndicatorSystem:
    """The indicator system `name` (default settings.RISK_INDICATORS), validated."""
    path = HERE / f"{name or settings.RISK_INDICATORS}.yaml"
    raw = path.read_bytes()
    return indicator_system_parse(yaml.safe_load(raw), sha256=hashlib.sha256(raw).hexdigest())


def business_type_tiers() -> dict[str, int]:
    """Static risk tier (1–4) per business type, from the indicator system in force."""
    return indicator_system_load().business_type_tiers
