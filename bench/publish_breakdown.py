"""Where publishing's time goes: the file copy, the masked copy table by table, the hashing.

    C360_HOME=<a built data root> python -m bench.publish_breakdown [--top 10]

Publishing (c360.publish) copies the build's public file whole (the restricted version), writes
the masked version from it table by table (c360.personal_data), and hashes both. This runs the
same three steps on copies in a temporary folder, so the data root is left as it was, and prints
one JSON object: each step's seconds, the files' sizes, and the slowest tables of the masked copy
with their rows and whether they hold personal data. It answers which part of a refresh's
publishing step would shrink if fewer tables were rewritten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from c360.personal_data import declared_columns, write_masked_copy
from c360.settings import Settings
from c360.sql_text import sql_literal
from c360.version_integrity import fingerprint


def _seconds(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def _rows_and_personal(restricted: Path) -> dict[str, tuple[int, bool]]:
    """Rows of every table of the file, and whether it declares personal data."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_literal(restricted)} as version (read_only)")
        personal = set(declared_columns(con, "version"))
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'version'"
        ).fetchall()
        return {
            f"{s}.{t}": (
                con.execute(f'select count(*) from version."{s}"."{t}"').fetchone()[0],
                (s, t) in personal,
            )
            for s, t in tables
        }
    finally:
        con.close()


def breakdown(settings: Settings, top: int, scratch: Path | None = None) -> dict:
    """Time publishing's steps on copies of the build's public file, made in `scratch`.

    `scratch` defaults to the data root, whose disk publishing writes to.
    """
    with tempfile.TemporaryDirectory(dir=scratch or settings.home) as folder:
        restricted, masked = Path(folder) / "restricted.duckdb", Path(folder) / "masked.duckdb"
        started = time.perf_counter()
        shutil.copyfile(settings.public_db, restricted)
        copy_s = _seconds(started)
        tables: dict[str, float] = {}
        started = time.perf_counter()
        write_masked_copy(
            restricted,
            masked,
            settings.build_duckdb_settings(),
            on_table=lambda name, seconds: tables.__setitem__(name, seconds),
        )
        masked_s = _seconds(started)
        started = time.perf_counter()
        for path in (masked, restricted):
            fingerprint(path)
        hash_s = _seconds(started)
        about = _rows_and_personal(restricted)
        sizes = {
            name: round(path.stat().st_size / 2**20, 1)
            for name, path in (("restricted", restricted), ("masked", masked))
        }
    slowest = sorted(tables.items(), key=lambda item: -item[1])[:top]
    return {
        "file_copy_s": copy_s,
        "masked_copy_s": masked_s,
        "masked_tables_s": round(sum(tables.values()), 2),
        "personal_tables_s": round(sum(s for n, s in tables.items() if about[n][1]), 2),
        "hashing_s": hash_s,
        "restricted_mb": sizes["restricted"],
        "masked_mb": sizes["masked"],
        "tables": len(tables),
        "slowest": [
            {
                "table": name,
                "s": round(seconds, 2),
                "rows": about[name][0],
                "personal": about[name][1],
            }
            for name, seconds in slowest
        ],
    }


def main() -> None:
    """Print the breakdown of `C360_HOME`'s build as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10, help="slowest tables listed")
    args = parser.parse_args()
    settings = Settings.from_env()
    if not settings.public_db.is_file():
        raise SystemExit(
            f"no built warehouse to time: {settings.public_db} does not exist"
            f" (C360_HOME={settings.home}); run `c360 refresh` there first"
        )
    sys.stdout.write(json.dumps(breakdown(settings, args.top), indent=2) + "\n")


if __name__ == "__main__":
    main()
