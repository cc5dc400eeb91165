"""The SQL rule stage (dbt) and the Python step together on generated companies: clusters against
the generator's ground truth, and the SQL normalisation equal to the Python one."""

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from c360.settings import Settings
from identity import normalise
from identity.evaluate import pairwise_scores
from identity.records import crm_records, erp_records
from identity.resolve import resolve_identities
from identity.sql_stage import StagedIdentity, read_rule_stage, run_rule_stage
from tests.identity.builders import generated_company

# the record fields both normalisations compute (the SQL one for the rules, the Python one for
# the probabilistic stage), by their SQL names
SQL_NAMES = {
    "system": "source_system",
    "source_id": "source_id",
    "name": "normalised_name",
    "alt_name": "normalised_legal_name",
    "name_core": "name_core",
    "country": "country",
    "vat": "vat",
    "domain": "web_domain",
    "erp_number": "erp_number",
}
SHARED_FIELDS = tuple(SQL_NAMES)
DBT_PROJECT_DIR = Settings.from_env().dbt_project_dir
MACROS = DBT_PROJECT_DIR / "macros" / "identity_normalise.sql"


def _staged(root: Path, defects: str) -> tuple[StagedIdentity, pl.DataFrame]:
    raw = generated_company(root, 300, defects)
    run_rule_stage(raw, root / "build.duckdb", DBT_PROJECT_DIR)
    truth = pl.read_parquet(root / "truth" / "organisations.parquet")
    return read_rule_stage(root / "build.duckdb"), truth


@pytest.fixture(scope="module")
def typical(tmp_path_factory: pytest.TempPathFactory) -> tuple[StagedIdentity, pl.DataFrame]:
    return _staged(tmp_path_factory.mktemp("typical"), "typical")


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> tuple[StagedIdentity, pl.DataFrame]:
    return _staged(tmp_path_factory.mktemp("heavy"), "heavy")


def _f1(staged: StagedIdentity, truth: pl.DataFrame) -> float:
    result = resolve_identities(
        staged.crm_accounts,
        staged.crm_contacts,
        staged.erp_customers,
        rule_pairs=staged.rule_pairs,
        stale_erp_numbers=staged.stale_erp_numbers,
        as_of=date(2026, 10, 1),
    )
    return pairwise_scores(result.bridge, truth).f1


def test_a_generated_company_with_typical_defects_resolves_with_f1_of_at_least_0_98(
    typical,
) -> None:
    assert _f1(*typical) >= 0.98


def test_a_generated_company_with_heavy_defects_resolves_with_f1_of_at_least_0_95(heavy) -> None:
    staged, truth = heavy
    assert staged.stale_erp_numbers.height > 0, "heavy defects put wrong ERP numbers in the CRM"
    assert _f1(staged, truth) >= 0.95


def _mismatches(staged: StagedIdentity) -> pl.DataFrame:
    python = pl.concat(
        [
            crm_records(staged.crm_accounts, staged.crm_contacts),
            erp_records(staged.erp_customers),
        ]
    ).select("record_id", *SHARED_FIELDS)
    sql = staged.records.select("record_id", *(pl.col(v).alias(k) for k, v in SQL_NAMES.items()))
    joined = python.join(sql, on="record_id", how="full", suffix="_sql", coalesce=True)
    differs = pl.any_horizontal(~pl.col(c).eq_missing(pl.col(f"{c}_sql")) for c in SHARED_FIELDS)
    return joined.filter(differs)


@pytest.mark.parametrize("company", ["typical", "heavy"])
def test_the_sql_normalisation_gives_the_python_one_on_every_generated_record(
    company: str, request: pytest.FixtureRequest
) -> None:
    staged, _ = request.getfixturevalue(company)
    assert staged.records.height == staged.crm_accounts.height + staged.erp_customers.height
    assert staged.records["normalised_name"].n_unique() > 250, "generated names of every spelling"
    assert _mismatches(staged).rows() == []


def _macro_words(macro: str) -> list[str]:
    """The quoted words of one word-list macro of macros/identity_normalise.sql."""
    body = re.search(rf"macro {macro}\(\).*?endmacro", MACROS.read_text(), re.S)
    assert body, macro
    return re.findall(r'"([^"]+)"', body.group(0))


def test_the_sql_word_lists_are_the_python_ones() -> None:
    assert _macro_words("identity_legal_suffixes") == list(normalise.LEGAL_SUFFIXES)
    assert _macro_words("identity_descriptor_words") == list(normalise.DESCRIPTOR_WORDS)
    assert _macro_words("identity_free_mail_domains") == list(normalise.FREE_MAIL_DOMAINS)
    aliases = _macro_words("identity_country_aliases")
    assert dict(zip(aliases[::2], aliases[1::2], strict=True)) == normalise.COUNTRY_ALIASES
    letters = _macro_words("identity_special_letters")
    assert dict(zip(letters[::2], letters[1::2], strict=True)) == normalise.SPECIAL_LETTERS
