"""Row-level defects of the extracts, applied to a block's entity tables before they are written.

- unknown references: an invoice or order (line) naming an SKU or customer number the ERP does
  not have; syntactically valid, so loaded and reported as a sync error;
- malformed rows (unparseable date or number, missing key, negative quantity), each a small share
  of the files that can carry them; a quarter are re-sent clean in the next extract ("corrected
  later"), the others are lost to quarantine. Only records sent exactly once are spoiled, so a
  quarantined row never has a clean twin elsewhere unless it is the correction;
- rows repeated unchanged in the next day's extract;
- the records of a day whose file arrives empty, moved to the next day's extract.

Every choice has its own random stream per block, so `none` and `typical` share their business.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ingestion.contracts import Entity, SourceContract
from ingestion.generator.blocks import Block
from ingestion.generator.defect_profiles import DefectProfile
from ingestion.generator.tags import tag, untagged, with_tag_columns
from ingestion.generator.timeline import Timeline

EXTRACT_ON = "_extract_on"
COPY = "_copy"  # a clean re-send of a malformed row: not a defect, but not a unique record either
# (defect, column) pairs each entity's malformed rows are drawn from, in equal shares
MALFORMED_TARGETS: dict[str, tuple[tuple[str, str], ...]] = {
    "erp.payments": (
        ("bad_date", "payment_date"),
        ("bad_number", "amount"),
        ("missing_key", "payment_id"),
    ),
    "erp.timesheets": (
        ("bad_date", "work_date"),
        ("bad_number", "hours"),
        ("missing_key", "timesheet_id"),
    ),
    "erp.invoice_lines": (
        ("bad_number", "net_amount"),
        ("missing_key", "invoice_number"),
        ("negative_quantity", "quantity"),
    ),
    "erp.sales_order_lines": (
        ("negative_quantity", "quantity"),
        ("bad_number", "unit_price"),
        ("missing_key", "order_number"),
    ),
    "crm.activities": (("bad_date", "activity_at"), ("missing_key", "activity_id")),
}
# records updated over time, whose versions a source may send twice
REPEATED_TARGETS: tuple[str, ...] = (
    "crm.accounts",
    "crm.contacts",
    "crm.opportunities",
    "crm.leads",
    "crm.cases",
    "erp.customers",
    "erp.invoices",
    "erp.sales_orders",
)
UNKNOWN_SKUS: tuple[str, ...] = ("GD-0999", "GD-1299", "SB-2999", "SV-3999")
BAD_TEXT: dict[str, tuple[str, ...]] = {
    "date": ("31/02/2026", "00/00/0000", "2026-09-03", "32/13/2025", "n/a"),
    "timestamp": ("2026-02-30T10:00:00Z", "03/09/2026 10:15", "not a date", "2026-09-03T25:61:00Z"),
    "decimal": ("#VALUE!", "N/A", "12,5,0", "1O0,00", "--"),
}


def apply_row_defects(
    tables: dict[str, pl.DataFrame],
    contracts: dict[str, SourceContract],
    profile: DefectProfile,
    empty_days: dict[str, list[int]],
    timeline: Timeline,
    block: Block,
) -> dict[str, pl.DataFrame]:
    """The block's tables with this profile's row defects; `empty_days` per "source.entity"."""
    if profile.is_clean:
        return tables
    out = dict(tables)
    for name in ("erp.invoice_lines", "erp.sales_order_lines"):
        out[name] = _unknown_skus(out[name], profile, block.rng(f"defects.unknown_sku.{name}"))
    for name in ("erp.invoices", "erp.sales_orders"):
        key = "invoice_number" if name == "erp.invoices" else "order_number"
        rng = block.rng(f"defects.unknown_customer.{name}")
        out[name] = _unknown_customers(out[name], key, profile, rng)
    for name, targets in MALFORMED_TARGETS.items():
        entity = _entity(contracts, name)
        rng = block.rng(f"defects.malformed.{name}")
        out[name] = _malformed(out[name], entity, targets, profile, empty_days, timeline, rng)
    for name in REPEATED_TARGETS:
        entity = _entity(contracts, name)
        rng = block.rng(f"defects.repeated.{name}")
        out[name] = _repeated(out[name], entity, profile, empty_days, timeline, rng)
    for name, days in empty_days.items():
        out[name] = _move_to_next_day(out[name], _entity(contracts, name), days)
    return out


def _entity(contracts: dict[str, SourceContract], name: str) -> Entity:
    source, entity = name.split(".")
    return contracts[source].entities[entity]


def _days(frame: pl.DataFrame) -> np.ndarray:
    return frame[EXTRACT_ON].cast(pl.Date).cast(pl.Int64).to_numpy()


def _unknown_skus(
    frame: pl.DataFrame, profile: DefectProfile, rng: np.random.Generator
) -> pl.DataFrame:
    """Some lines name an SKU missing from the catalogue (a retired or mistyped product)."""
    chosen = (rng.random(frame.height) < profile.unknown_reference) & untagged(frame)
    unknown = pl.Series(UNKNOWN_SKUS).gather(rng.integers(0, len(UNKNOWN_SKUS), frame.height))
    frame = tag(
        frame,
        chosen,
        "unknown_sku",
        pl.concat_str(pl.lit("SKU "), pl.lit(unknown), pl.lit(" instead of "), pl.col("sku")),
    )
    return frame.with_columns(sku=pl.when(pl.Series(chosen)).then(unknown).otherwise("sku"))


def _unknown_customers(
    frame: pl.DataFrame, key: str, profile: DefectProfile, rng: np.random.Generator
) -> pl.DataFrame:
    """Some documents name a customer number the ERP extract never sent, in every version."""
    records = frame.select(key).unique(maintain_order=True)
    chosen = records.filter(pl.Series(rng.random(records.height) < profile.unknown_reference))
    numbers = pl.Series(rng.integers(9_000_000, 9_999_999, chosen.height)).cast(pl.String)
    chosen = chosen.with_columns(_unknown=pl.concat_str(pl.lit("C"), numbers))
    frame = frame.join(chosen, on=key, how="left", maintain_order="left")
    hit = pl.col("_unknown").is_not_null()
    frame = tag(
        frame,
        hit,
        "unknown_customer",
        pl.concat_str(
            pl.lit("customer "), pl.col("_unknown"), pl.lit(" instead of "), "customer_number"
        ),
    )
    return frame.with_columns(
        customer_number=pl.when(hit).then("_unknown").otherwise("customer_number")
    ).drop("_unknown")


def _sent_once(frame: pl.DataFrame, entity: Entity, timeline: Timeline) -> np.ndarray:
    """True for rows whose record is written exactly once (in the full extract or one delta)."""
    day = _days(frame)
    flags = frame.select(entity.key).with_columns(
        _delta=pl.Series((day > timeline.start) & (day <= timeline.end)).cast(pl.Int64),
        _full=pl.Series(day <= timeline.start).cast(pl.Int64),
    )
    counts = flags.select(
        pl.col("_delta").sum().over(entity.key) + pl.col("_full").max().over(entity.key)
    ).to_series()
    return (counts == 1).to_numpy() & (day <= timeline.end)


def _malformed(
    frame: pl.DataFrame,
    entity: Entity,
    targets: tuple[tuple[str, str], ...],
    profile: DefectProfile,
    empty_days: dict[str, list[int]],
    timeline: Timeline,
    rng: np.random.Generator,
) -> pl.DataFrame:
    n = frame.height
    day = _days(frame)
    blocked = np.isin(day, empty_days.get(f"{entity.source}.{entity.name}", []))
    chosen = (rng.random(n) < profile.malformed_row) & untagged(frame) & ~blocked
    chosen &= _sent_once(frame, entity, timeline)
    kind = rng.integers(0, len(targets), n)
    corrected = (rng.random(n) < profile.malformed_corrected) & (day < timeline.end)
    corrected &= ~np.isin(day + 1, empty_days.get(f"{entity.source}.{entity.name}", []))
    corrected &= chosen
    bad_pick = rng.integers(0, 5, n)
    columns = {c.name: c for c in entity.columns}
    for i, (code, column) in enumerate(targets):
        rows = chosen & (kind == i)
        col_type = columns[column].type
        if code == "missing_key":
            value: pl.Expr | str | None = ""
            what = pl.lit(f"{column} left empty")
        elif code == "negative_quantity":
            value = None
            what = pl.lit(f"{column} sent negative")
        else:
            choices = BAD_TEXT["decimal" if col_type in ("decimal", "integer") else col_type]
            value = pl.lit(pl.Series(choices).gather(bad_pick % len(choices)))
            what = pl.concat_str(pl.lit(f"{column} is '"), value, pl.lit("'"))
        detail = (
            pl.when(pl.Series(corrected))
            .then(pl.concat_str(what, pl.lit("; re-sent clean in the next extract")))
            .otherwise(what)
        )
        frame = tag(frame, rows, code, detail, column=column, value=value)
    copies = frame.filter(pl.Series(corrected)).with_columns(
        pl.col(EXTRACT_ON).cast(pl.Date).dt.offset_by("1d"),
        *(pl.lit(None, dtype=pl.String).alias(c) for c in ("_defect", "_defect_detail")),
        *(pl.lit(None, dtype=pl.String).alias(c) for c in ("_defect_column", "_defect_value")),
        pl.lit(True).alias(COPY),
    )
    return pl.concat([frame.with_columns(pl.lit(False).alias(COPY)), copies])


def _repeated(
    frame: pl.DataFrame,
    entity: Entity,
    profile: DefectProfile,
    empty_days: dict[str, list[int]],
    timeline: Timeline,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Send some delta rows again, unchanged, in the next day's extract."""
    frame = with_tag_columns(frame)
    day = _days(frame)
    blocked = empty_days.get(f"{entity.source}.{entity.name}", [])
    candidate = (day > timeline.start) & (day < timeline.end) & untagged(frame)
    candidate &= ~np.isin(day, blocked) & ~np.isin(day + 1, blocked)
    if "is_deleted" in frame.columns:
        candidate &= ~frame["is_deleted"].fill_null(False).to_numpy()
    chosen = candidate & (rng.random(frame.height) < profile.repeated_row)
    copies = frame.filter(pl.Series(chosen)).with_columns(
        pl.col(EXTRACT_ON).cast(pl.Date).dt.offset_by("1d")
    )
    # a record with its own next version that day is not repeated: the extract holds one row
    taken = frame.select(*entity.key, pl.col(EXTRACT_ON).cast(pl.Date))
    copies = copies.join(
        taken, on=[*entity.key, EXTRACT_ON], how="anti", maintain_order="left", nulls_equal=True
    )
    copies = tag(
        copies,
        np.ones(copies.height, dtype=bool),
        "repeated_row",
        pl.concat_str(
            pl.lit("same row as in the extract of "),
            pl.col(EXTRACT_ON).dt.offset_by("-1d").cast(pl.String),
        ),
    )
    return pl.concat([frame, copies], how="diagonal_relaxed")


def _move_to_next_day(frame: pl.DataFrame, entity: Entity, days: list[int]) -> pl.DataFrame:
    """Records of an empty file's day arrive with the next file that is not empty.

    Two empty days in a row push them two days; a record whose newer version arrives that day
    too is not moved.
    """
    frame = frame.with_columns(pl.col(EXTRACT_ON).cast(pl.Date))
    day = _days(frame)
    moving = np.isin(day, days)
    if not moving.any():
        return frame
    empty = set(days)
    shift = {}
    for empty_day in empty:
        target = empty_day + 1
        while target in empty:
            target += 1
        shift[empty_day] = target - empty_day
    stay = frame.filter(pl.Series(~moving))
    moved = frame.filter(pl.Series(moving))
    offsets = pl.Series([shift[int(d)] for d in day[moving]], dtype=pl.Int64)
    moved = moved.with_columns(
        (pl.col(EXTRACT_ON) + pl.duration(days=offsets)).cast(pl.Date).alias(EXTRACT_ON)
    )
    moved = moved.join(
        stay.select(*entity.key, EXTRACT_ON),
        on=[*entity.key, EXTRACT_ON],
        how="anti",
        maintain_order="left",
        nulls_equal=True,
    )
    return pl.concat([stay, moved])
