"""Baseline: dlt's filesystem source loading the landing files into DuckDB.

Run by the harness with the Python of a throwaway venv under bench/.data (dlt is not a project
dependency): `<venv>/bin/python dlt_load.py <landing> <workdir>`. One resource per source and
entity (`<source>/*/<entity>.<ext>`), files listed by dlt's `filesystem`, read with dlt's readers
(CSV: the same pandas-in-chunks reader, tolerant of unreadable files; the ERP's `;`, decimal
comma and Windows-1252), loaded by one `pipeline.run`. Standalone: no c360 imports.
Prints one JSON line: rows loaded, files, the process's peak MB.
"""

import json
import resource
import sys
from pathlib import Path

import dlt
from dlt.sources.filesystem import FileItemDict, filesystem, read_jsonl, read_parquet

FAILED: list[str] = []
# Address-space cap: past it dlt fails with MemoryError instead of the kernel's OOM killer
# choosing a victim on a machine shared with other work.
MEMORY_LIMIT = 6 * 2**30


@dlt.transformer(standalone=True)
def tolerant_csv(items: list[FileItemDict], **pandas_options):
    """The same reader as dlt's `read_csv` (pandas, chunks, records), counting unreadable files.

    The typical defects include truncated and header-only files: dlt's own reader aborts the
    whole pipeline on the first; c360 quarantines them and DuckDB's baseline counts them failed.
    """
    import pandas as pd

    for file_obj in items:
        try:
            with file_obj.open() as handle:
                for frame in pd.read_csv(handle, chunksize=100_000, dtype=str, **pandas_options):
                    yield frame.to_dict(orient="records")
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
            FAILED.append(file_obj["file_name"])


def resources(landing: Path) -> tuple[list, int]:
    """A dlt resource per source and entity, and the number of files they read."""
    groups: dict[tuple[str, str, str], int] = {}
    for path in landing.glob("*/*/*.*"):
        if path.name.startswith("_") or path.stat().st_size == 0:
            continue
        key = (path.parts[-3], path.stem, path.suffix)
        groups[key] = groups.get(key, 0) + 1
    out = []
    for (source, entity, suffix), _ in sorted(groups.items()):
        files = filesystem(bucket_url=landing.as_uri(), file_glob=f"{source}/*/{entity}{suffix}")
        if suffix == ".csv":
            erp = {"sep": ";", "decimal": ",", "encoding": "cp1252"} if source == "erp" else {}
            reader = tolerant_csv(**erp)
        elif suffix == ".jsonl":
            reader = read_jsonl(chunksize=100_000)
        else:
            reader = read_parquet()
        out.append((files | reader).with_name(f"{source}_{entity}"))
    return out, sum(groups.values())


def main() -> None:
    """Load everything; report rows from dlt's normalize step."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    landing, work = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    pipeline = dlt.pipeline(
        pipeline_name="c360_bench",
        pipelines_dir=str(work / "pipelines"),
        destination=dlt.destinations.duckdb(str(work / "dlt.duckdb")),
        dataset_name="raw",
    )
    loaded, files = resources(landing)
    pipeline.run(loaded)
    rows = sum(
        count
        for table, count in pipeline.last_trace.last_normalize_info.row_counts.items()
        if not table.startswith("_dlt")
    )
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    sys.stdout.write(
        json.dumps(
            {
                "rows": rows,
                "files": files,
                "failed_files": len(FAILED),
                "peak_mb": round(peak / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
