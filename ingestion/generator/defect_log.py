"""The defect log's rows: one per injected defect, with the file, line and record it lands on.

Row defects are tagged on the generated rows and only get a file and a physical line number
when the writer places them; file defects are logged when a file is emptied, truncated, given a
changed header or delivered again. Both land in the one table the ground truth publishes.
"""

from __future__ import annotations

import polars as pl

from ingestion.contracts import Entity
from ingestion.generator.file_defects import EXPECTED_OUTCOME
from ingestion.generator.tags import CODE_SEPARATOR, DEFECT, DETAIL, DETAIL_SEPARATOR

_POSITION = "_position"
DEFECT_SCHEMA: dict[str, pl.DataType] = {
    "defect": pl.String(),
    "source": pl.String(),
    "entity": pl.String(),
    "file": pl.String(),
    "row_number": pl.Int64(),
    "record_key": pl.String(),
    "expected_outcome": pl.String(),
    "detail": pl.String(),
}


def record_key(entity: Entity) -> pl.Expr:
    """The business key as text, parts joined by `|`."""
    return pl.concat_str([pl.col(k).cast(pl.String) for k in entity.key], separator="|")


def row_defects(
    part: pl.DataFrame, entity: Entity, file: str, first_line: int
) -> pl.DataFrame | None:
    """The defects tagged on `part`'s rows, which start at `first_line` of `file`; None if none."""
    if DEFECT not in part.columns:
        return None
    tagged = (
        part.with_row_index(_POSITION)
        .filter(pl.col(DEFECT).is_not_null())
        .select(
            pl.col(DEFECT).str.split(CODE_SEPARATOR),
            pl.col(DETAIL).str.split(DETAIL_SEPARATOR),
            (pl.col(_POSITION).cast(pl.Int64) + first_line).alias("row_number"),
            record_key(entity).alias("record_key"),
        )
        .explode(DEFECT, DETAIL)
    )
    if tagged.height == 0:
        return None
    return tagged.select(
        defect=pl.col(DEFECT),
        source=pl.lit(entity.source),
        entity=pl.lit(entity.name),
        file=pl.lit(file),
        row_number="row_number",
        record_key="record_key",
        expected_outcome=pl.col(DEFECT).replace_strict(EXPECTED_OUTCOME),
        detail=pl.col(DETAIL),
    )


def file_defect(
    code: str,
    entity: Entity,
    file: str,
    detail: str,
    row_number: int | None = None,
    key: str | None = None,
) -> pl.DataFrame:
    """One defect of a whole file (or of its last line, when `row_number` names it)."""
    return pl.DataFrame(
        {
            "defect": [code],
            "source": [entity.source],
            "entity": [entity.name],
            "file": [file],
            "row_number": [row_number],
            "record_key": [key],
            "expected_outcome": [EXPECTED_OUTCOME[code]],
            "detail": [detail],
        },
        schema=DEFECT_SCHEMA,
    )


def one_row_per_defect(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per injected defect: a record tagged in several files counts where first sent."""
    if not parts:
        return pl.DataFrame(schema=DEFECT_SCHEMA)
    frame = pl.concat(parts).with_columns(_date=pl.col("file").str.split("/").list.get(1))
    keyed = (
        frame.filter(pl.col("record_key").is_not_null())
        .sort("_date", "file", "row_number")
        .unique(["defect", "source", "entity", "record_key"], keep="first", maintain_order=True)
    )
    files = frame.filter(pl.col("record_key").is_null())
    return (
        pl.concat([keyed, files])
        .sort("_date", "source", "file", "row_number", "defect", nulls_last=True)
        .drop("_date")
    )
