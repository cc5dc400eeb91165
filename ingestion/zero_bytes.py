"""Zero bytes (NUL, U+0000) in a delivered file: a padded end left out, values cleaned of them.

No text a reader sees holds a NUL: PostgreSQL's `text` refuses it (the analysts' copy of the
warehouse would fail on one account name), and a browser draws nothing or a box. Two ways real
files carry them:

- **A file that ends in zeros.** A file written when the machine crashed or the disk filled, or
  copied block by block, ends with a run of zero bytes where its last blocks were allocated but
  never written. That run was read as a last record of one field (quarantined with five
  confusing reasons), or, after a last line without a line break, as the end of its last value
  (4,096 NULs loaded into a payment's method). The run is left out, and the load log says how
  long it was and asks to check the last record, which the crash may have cut short.
- **A zero byte inside a value** (a fixed-width export padding a field, a CRM's corrupted text).
  It is removed from free text, and the load log counts the values. A code keeps it, and the
  row is quarantined as a code with a control character (`ingestion.validate`): `P`, a NUL,
  `1` is not `P1`. The quarantine's copy of the line shows each one as `␀`, which text can hold.

A UTF-16 file's zero bytes are part of its characters: it is transcoded before this runs
(`ingestion.file_content`), so only a real U+0000 is seen here.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

NUL = "\x00"
JSON_NUL = "\\u0000"  # how a JSON line (or a Parquet row's raw line) writes one
SHOWN_AS = "\u2400"  # SYMBOL FOR NULL


def without_zero_tail(text: str) -> tuple[str, str]:
    """`text` without the run of NULs it ends with, and a note on the run ("" if none)."""
    kept = text.rstrip(NUL)
    if len(kept) == len(text):
        return text, ""
    zeros = len(text) - len(kept)
    return kept, (
        f"the file ends with {zeros:,} zero byte(s) (NUL), as a file not fully written does "
        "(a crash or a full disk while it was written): left out; check that its last record "
        "is whole"
    )


def zero_bytes_note(values: int) -> str:
    """The load log's note on the values cleaned by `without_zero_bytes` ("" if none)."""
    if not values:
        return ""
    return f"{values:,} value(s) held zero bytes (NUL), which no text can hold: removed"


def without_zero_bytes(
    frame: pl.DataFrame, free_text: Sequence[str], raw_line: str
) -> tuple[pl.DataFrame, int]:
    """`frame` with NULs removed from its `free_text` columns, and how many values held one.

    The `raw_line` column (the line as read, kept for the quarantine) shows each as `SHOWN_AS`;
    columns in neither list (codes) keep theirs.
    """
    if raw_line in frame.columns and not any(
        frame[raw_line].str.contains(form, literal=True).any() for form in (NUL, JSON_NUL)
    ):
        return frame, 0  # every value comes from its raw line: one column looked at, not all
    held = [pl.col(name).str.contains(NUL, literal=True).fill_null(False) for name in free_text]
    values = frame.select(pl.sum_horizontal(held).sum()).item() if held else 0
    shown = raw_line in frame.columns and frame[raw_line].str.contains(NUL, literal=True).any()
    if not values and not shown:
        return frame, 0
    cleaned = frame.with_columns(
        pl.col(name).str.replace_all(NUL, "", literal=True) for name in free_text
    )
    if shown:
        shown_line = pl.col(raw_line).str.replace_all(NUL, SHOWN_AS, literal=True)
        cleaned = cleaned.with_columns(shown_line)
    return cleaned, values
