"""Small JSON records are replaced whole: the old file or the new one, never half, no leftovers."""

import datetime as dt
import json
from pathlib import Path

import pytest

from c360.atomic_json import write_json_atomically


def test_the_record_is_replaced_and_its_folder_made(tmp_path: Path):
    target = tmp_path / "state" / "record.json"
    write_json_atomically(target, {"a": 1})
    write_json_atomically(target, {"b": dt.date(2026, 12, 4)}, indent=1, sort_keys=True)
    assert json.loads(target.read_text()) == {"b": "2026-12-04"}
    assert [p.name for p in target.parent.iterdir()] == ["record.json"]


def test_a_write_that_fails_leaves_the_old_record_and_no_temporary_file(tmp_path: Path):
    target = tmp_path / "record.json"
    write_json_atomically(target, {"kept": True})
    circular: dict = {}
    circular["self"] = circular
    with pytest.raises(ValueError, match="Circular reference"):
        write_json_atomically(target, circular)
    assert json.loads(target.read_text()) == {"kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]
