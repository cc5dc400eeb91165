"""The soak's file damage: seeded, of the kind named, and never written through a hard link."""

import os
import random
from pathlib import Path

import pytest

from bench.mutations import MUTATORS, mutate_day

ERP_CSV = "customer_number;legal_name;city\nC001;Société Générale;Besançon\nC002;Müller AG;Zürich\n"
CRM_CSV = "account_id,name\n001,Acme\n002,Globex\n003,Initech\n"


def land(tmp_path: Path) -> tuple[Path, Path]:
    """A generated company (source) and a landing folder whose files are hard links to it."""
    source, landing = tmp_path / "source", tmp_path / "landing"
    for root in (source, landing):
        for folder in ("erp/2026-09-01", "crm/2026-09-01"):
            (root / folder).mkdir(parents=True)
    (source / "erp/2026-09-01/customers.csv").write_bytes(ERP_CSV.encode("cp1252"))
    (source / "crm/2026-09-01/accounts.csv").write_text(CRM_CSV)
    for path in source.glob("*/*/*.csv"):
        os.link(path, landing / path.relative_to(source))
    return source, landing


def test_the_same_seed_damages_the_same_files_the_same_way(tmp_path):
    results = []
    for run in ("a", "b"):
        _, landing = land(tmp_path / run)
        done = mutate_day(landing, "2026-09-01", seed=7, files=2)
        results.append((done, {p.name: p.read_bytes() for p in landing.glob("*/*/*.csv")}))
    assert results[0] == results[1]
    assert len(results[0][0]) == 2


def test_the_generated_company_is_left_intact(tmp_path):
    source, landing = land(tmp_path)
    before = {p: p.read_bytes() for p in source.glob("*/*/*.csv")}
    done = mutate_day(landing, "2026-09-01", seed=3, files=2)
    assert {p: p.read_bytes() for p in source.glob("*/*/*.csv")} == before
    for mutation in done:
        assert (landing / mutation.file).read_bytes() != before[source / mutation.file]


def test_utf8_under_a_cp1252_contract_is_the_same_text_in_other_bytes():
    damaged = MUTATORS["utf8_as_cp1252"](ERP_CSV.encode("cp1252"), random.Random(0))
    assert damaged == ERP_CSV.encode("utf-8")
    assert "SociÃ©tÃ©" in damaged.decode("cp1252")


@pytest.mark.parametrize(("kind", "inserted"), [("broken_quote", b'"'), ("nul_bytes", b"\x00")])
def test_a_quote_or_nul_bytes_are_inserted_and_nothing_else_changes(kind, inserted):
    data = CRM_CSV.encode()
    damaged = MUTATORS[kind](data, random.Random(1))
    assert damaged.replace(inserted, b"") == data
    assert damaged.startswith(b"account_id,name\n")  # the header stays readable


def test_a_truncated_file_is_a_prefix_of_the_original():
    data = CRM_CSV.encode()
    damaged = MUTATORS["truncated"](data, random.Random(5))
    assert 0 < len(damaged) < len(data)
    assert data.startswith(damaged)
