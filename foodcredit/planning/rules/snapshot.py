"""The snapshot: the frozen directory as a canonical listing, hashed; the seed commitment."""

import hashlib
import io
import json
import zlib
from dataclasses import dataclass
from typing import Any

import polars as pl

from .params import CONFLICT_SCHEMA, INSPECTOR_SCHEMA, OBJECT_SCHEMA, DrawParams


@dataclass(frozen=True)
class Snapshot:
    """The frozen directory: the canonical listing (bytes), its SHA-256, and the frames parsed back from it."""

    listing: bytes
    sha256: str
    params: DrawParams
    objects: pl.DataFrame  # OBJECT_SCHEMA, sorted by uscc
    inspectors: pl.DataFrame  # INSPECTOR_SCHEMA, sorted by id; sectors "catering,production"
    conflicts: pl.DataFrame  # CONFLICT_SCHEMA, sorted


def _csv(frame: pl.DataFrame) -> bytes:
    if frame.height == 0:
        return b""
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, line_terminator="\n", quote_style="never")
    return buf.getvalue()


def snapshot_build(
    *, params: DrawParams, objects: pl.DataFrame, inspectors: pl.DataFrame, conflicts: pl.DataFrame
) -> Snapshot:
    """The canonical listing: a params line, then objects (by USCC), inspectors and conflicts (by id), as CSV."""
    objects = _texts_filled(objects.select([pl.col(c).cast(t) for c, t in OBJECT_SCHEMA.items()])).sort("uscc")
    inspectors = inspectors.select([pl.col(c).cast(t) for c, t in INSPECTOR_SCHEMA.items()]).sort("inspector_id")
    conflicts = conflicts.select([pl.col(c).cast(t) for c, t in CONFLICT_SCHEMA.items()]).sort(
        ["inspector_id", "operator_id"]
    )
    parts = [
        f"#params {params.canonical()}\n".encode(),
        f"#objects {objects.height}\n".encode(),
        _csv(objects),
        f"#inspectors {inspectors.height}\n".encode(),
        _csv(inspectors.with_columns(pl.col("sectors").str.replace_all(",", ";"))),
        f"#conflicts {conflicts.height}\n".encode(),
        _csv(conflicts),
    ]
    listing = b"".join(parts)
    return Snapshot(listing, hashlib.sha256(listing).hexdigest(), params, objects, inspectors, conflicts)


def _texts_filled(frame: pl.DataFrame) -> pl.DataFrame:
    """Missing text is the empty string (a CSV field cannot tell them apart)."""
    return frame.with_columns([pl.col(c).fill_null("") for c, t in frame.schema.items() if t == pl.Utf8])


def _read_section(data: bytes, schema: dict[str, Any]) -> pl.DataFrame:
    if not data:
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(io.BytesIO(data), has_header=False, new_columns=list(schema), schema=schema, quote_char=None)
    return _texts_filled(frame)


def snapshot_parse(listing: bytes) -> Snapshot:
    """Read a listing back (for plan_verify): the frames the draw runs on are always parsed from the listing."""
    header_end = listing.index(b"\n")
    raw_params = json.loads(listing[len(b"#params ") : header_end])
    params = DrawParams(
        ratios=raw_params["ratios"],
        inspectors_per_task=raw_params["inspectors_per_task"],
        inspector_cap=raw_params["inspector_cap"],
        street_quotas=raw_params["street_quotas"],
    )
    i_obj = listing.index(b"#objects ", header_end)
    i_ins = listing.index(b"\n#inspectors ", i_obj) + 1
    i_con = listing.index(b"\n#conflicts ", i_ins) + 1
    objects = _read_section(listing[listing.index(b"\n", i_obj) + 1 : i_ins], OBJECT_SCHEMA)
    inspectors = _read_section(listing[listing.index(b"\n", i_ins) + 1 : i_con], INSPECTOR_SCHEMA)
    inspectors = inspectors.with_columns(pl.col("sectors").fill_null("").str.replace_all(";", ","))
    conflicts = _read_section(listing[listing.index(b"\n", i_con) + 1 :], CONFLICT_SCHEMA)
    return Snapshot(listing, hashlib.sha256(listing).hexdigest(), params, objects, inspectors, conflicts)


def snapshot_compress(listing: bytes) -> bytes:
    return zlib.compress(listing, 1)


def snapshot_decompress(content: bytes) -> bytes:
    return zlib.decompress(content)


def seed_commitment(seed: str) -> str:
    """The published commitment to a seed: SHA-256 of its hex text."""
    return hashlib.sha256(seed.encode()).hexdigest()
