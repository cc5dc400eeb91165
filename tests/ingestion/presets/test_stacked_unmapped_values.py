"""An entity stacked from two native tables reports each table's unknown values on its own file."""

from pathlib import Path

from ingestion.sources import ingest, load_sources

PRESET = """
source: crm
format: {kind: csv}
tables:
  calls: {file: calls.csv, columns: {Id: {}, Kind: {}, Started: {}}}
  meetings: {file: meetings.csv, columns: {Id: {}, Kind: {}, Started: {}}}
entities:
  activities:
    - from: calls
      columns:
        activity_id: Id
        activity_at: Started
        type: {column: Kind, values: {phone: Call}}
    - from: meetings
      columns:
        activity_id: Id
        activity_at: Started
        type: {column: Kind, values: {visit: Meeting}}
"""


def test_each_file_reports_only_the_unknown_values_of_its_own_rows(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "crm" / "2026-12-01"
    folder.mkdir(parents=True)
    (folder / "calls.csv").write_text(
        "Id,Kind,Started\nc1,phone,2026-12-01 10:00:00\nc2,fax,2026-12-01 11:00:00\n"
    )
    (folder / "meetings.csv").write_text("Id,Kind,Started\nm1,visit,2026-12-01 12:00:00\n")
    (tmp_path / "preset.yml").write_text(PRESET)
    (tmp_path / "sources.yml").write_text("sources: {crm: {preset: preset.yml}}\n")
    sources = load_sources(tmp_path / "sources.yml")

    loads = {
        Path(f.source_file).name: f
        for f in ingest(sources["crm"], tmp_path / "landing", tmp_path / "raw")
    }

    assert (
        "activities.type: 1 value(s) the preset does not map: 'fax' (1)"
        in loads["calls.csv"].message
    )
    assert "does not map" not in loads["meetings.csv"].message
