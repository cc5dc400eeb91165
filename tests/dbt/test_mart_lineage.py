"""Every mart's header names the staging models behind it, as dbt's manifest gives them.

The newcomer's path from a dashboard tile (its query names the mart) to the mart to the staging
model is then three files; the header is generated (dagster_project.mart_lineage) and this
check keeps it equal to the edges dbt builds by.
"""

import json

from c360.settings import Settings
from dagster_project.defs.dbt_assets import project_manifest
from dagster_project.mart_lineage import (
    MARKER,
    expected_sources,
    staging_paths,
    stale_marts,
    with_block,
)

KPI_MART = "model.c360.rpt_kpi_monthly"
KPI_FILE = "models/marts/finance/rpt_kpi_monthly.sql"
COMMAND = "python -m dagster_project.mart_lineage"


def manifest() -> dict:
    return json.loads(project_manifest(Settings.from_env().dbt_project_dir).read_text())


def test_every_mart_header_names_the_staging_models_the_manifest_gives() -> None:
    stale = stale_marts(Settings.from_env().dbt_project_dir)
    assert not stale, f"out of date: {sorted(p.name for p in stale)}; run `{COMMAND}`"


def test_the_net_revenue_tile_s_mart_leads_to_the_invoice_lines_in_staging() -> None:
    paths = staging_paths(manifest(), KPI_MART)
    assert paths["stg_erp__invoice_lines"] == [
        "stg_erp__invoice_lines",
        "int_invoice_lines_costed",
        "fct_invoice_lines",
    ]
    assert all(name.startswith("stg_") for name in paths)
    assert all(path[0] == name for name, path in paths.items())
    source = (
        Settings.from_env().dbt_project_dir / "models/marts/finance/rpt_kpi_monthly.sql"
    ).read_text()
    assert "- stg_erp__invoice_lines > int_invoice_lines_costed > fct_invoice_lines\n" in source


def test_a_new_edge_makes_the_header_stale() -> None:
    """The check on the real manifest with one more `ref()`: that mart's header must change."""
    project_dir = Settings.from_env().dbt_project_dir
    changed = manifest()
    changed["nodes"][KPI_MART]["depends_on"]["nodes"].append("model.c360.stg_crm__cases")
    differing = [
        path.name
        for path, source in expected_sources(changed, project_dir).items()
        if path.read_text(encoding="utf-8") != source
    ]
    # The two marts built on rpt_kpi_monthly now reach the cases through it, by a shorter path.
    assert differing == [
        "rpt_kpi_monthly.sql",
        "rpt_kpi_year_to_date.sql",
        "rpt_margin_monthly.sql",
    ]
    new = expected_sources(changed, project_dir)[
        project_dir / "models/marts/finance/rpt_kpi_monthly.sql"
    ]
    assert "    - stg_crm__cases (read directly)\n" in new


def test_the_block_replaces_the_old_one_and_keeps_the_rest() -> None:
    sql = "{#- What the mart is.\n\n    " + MARKER + ", old:\n    - stg_a > int_b -#}\nselect 1\n"
    assert (
        with_block(sql, "    NEW", python=False)
        == "{#- What the mart is.\n\n    NEW -#}\nselect 1\n"
    )
    fresh = "{#- What the mart is. -#}\nselect 1\n"
    assert (
        with_block(fresh, "    NEW", python=False)
        == "{#- What the mart is.\n\n    NEW -#}\nselect 1\n"
    )
    python = '"""What the mart is.\n"""\n\n\ndef model(dbt, session):\n'
    assert with_block(python, "NEW", python=True) == (
        '"""What the mart is.\n\nNEW\n"""\n\n\ndef model(dbt, session):\n'
    )
