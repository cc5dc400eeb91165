"""A preset source's native rows carrying an erased person are dropped and counted per file."""

from pathlib import Path

import polars as pl

from c360.erasure_ledger import EMAIL, read_ledger, record_erasure
from ingestion.raw_store import read_load_log
from ingestion.sources import ingest, load_sources

REAL = Path(__file__).parents[2] / "data" / "real" / "fivetran-salesforce"
ERASED_EMAIL = "zoe.q@example.org"


def test_a_salesforce_contact_with_an_erased_email_is_dropped_and_counted(tmp_path):
    folder = tmp_path / "landing" / "crm" / "2026-12-01"
    folder.mkdir(parents=True)
    contacts = pl.read_csv(REAL / "sf_contact_data.csv", infer_schema=False)
    erased_id = contacts["id"][1]
    contacts = contacts.with_columns(
        pl.when(pl.col("id") == erased_id)
        .then(pl.lit(ERASED_EMAIL.upper()))
        .otherwise(pl.col("email"))
        .alias("email")
    )
    contacts.write_csv(folder / "Contact.csv")
    (tmp_path / "sources.yml").write_text("sources:\n  crm:\n    preset: salesforce\n")
    record_erasure(tmp_path / "erasure", [(EMAIL, ERASED_EMAIL)])

    loads = ingest(
        load_sources(tmp_path / "sources.yml")["crm"],
        tmp_path / "landing",
        tmp_path / "raw",
        erased=read_ledger(tmp_path / "erasure"),
    )

    [contact_file] = [f for f in loads if f.source_file.endswith("Contact.csv")]
    assert (contact_file.rows_read, contact_file.rows_erased) == (contacts.height, 1)
    assert contact_file.rows_loaded + contact_file.rows_quarantined == contacts.height - 1
    raw = pl.read_parquet(tmp_path / "raw" / "crm" / "contacts" / "crm-*.parquet")
    assert erased_id not in raw["contact_id"].to_list()
    log = read_load_log(tmp_path / "raw")
    assert (
        log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"] + log["rows_erased"]
    ).all()
