"""An independent check of extract rows against their contract, line by line in plain Python.

It knows nothing of the generator or of the ingestion readers: it splits each physical line with
the csv module (or json), and tries to read every field as its contract type. Slow but obviously
right, which is what a test oracle for a few thousand rows should be.
"""

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

from ingestion.contracts import Column, Entity, load_contracts

CONTRACTS = load_contracts()


def entity_of(source: str, file_name: str) -> Entity | None:
    for entity in CONTRACTS[source].entities.values():
        if file_name in (entity.file_pattern, entity.snapshot_file):
            return entity
    return None


def _bad_value(value: str | None, column: Column, entity: Entity) -> bool:
    fmt = entity.format
    if value is None or value == "":
        return column.required
    try:
        if column.type == "integer":
            number = float(int(value))
        elif column.type == "decimal":
            mark = re.escape(fmt.decimal_mark)
            if not re.fullmatch(rf"-?\d+({mark}\d+)?", value):
                return True
            number = float(value.replace(fmt.decimal_mark, "."))
        elif column.type == "boolean":
            return value not in (*fmt.true_values, *fmt.false_values)
        elif column.type == "date":
            dt.datetime.strptime(value, fmt.date_format)
            return False
        elif column.type == "timestamp":
            dt.datetime.strptime(value, fmt.timestamp_format)
            return False
        else:
            return column.allowed is not None and value not in column.allowed
    except ValueError:
        return True
    if column.minimum is not None and number < column.minimum:
        return True
    return column.maximum is not None and number > column.maximum


def bad_lines(path: Path, entity: Entity) -> set[int]:
    """Physical line numbers (header = 1) of the rows that break the contract."""
    fmt = entity.format
    text = path.read_bytes().decode(fmt.encoding)
    columns = {c.source_name: c for c in entity.columns}
    bad: set[int] = set()
    if fmt.kind == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                bad.add(number)
                continue
            for name, column in columns.items():
                value = record.get(name)
                if _bad_value(None if value is None else str(value), column, entity):
                    bad.add(number)
        return bad
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=fmt.separator))
    if not rows:
        return bad
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            bad.add(number)
            continue
        for name, value in zip(header, row, strict=True):
            if name in columns and _bad_value(value, columns[name], entity):
                bad.add(number)
    return bad
