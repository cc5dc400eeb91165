"""SQL: read-only queries over the published warehouse, for analysts.

The connection is the sandbox (see dashboards.queries.sql): nothing typed here can write, attach
or detach a database, change a setting or read a file.
"""

import streamlit as st

from c360 import audit
from c360.query import several_statements_note
from c360.settings import Settings
from dashboards.auth import who
from dashboards.components import table
from dashboards.data import require_version
from dashboards.queries.catalogue import metrics
from dashboards.queries.sql import QueryTimeoutError, columns, run_limited, tables

DEFAULT_QUERY = """select month, net_revenue, gross_margin, gross_margin_pct, active_customers
from marts.rpt_kpi_monthly
order by month desc"""

st.title("SQL")
version = require_version()
st.caption(
    f"Read-only queries on the published version `{version}` (DuckDB SQL). Writes, ATTACH, "
    "DETACH, settings and file access are refused by the connection itself."
)

catalogue, editor = st.columns([2, 3])
with catalogue:
    st.subheader("Tables")
    listed = tables(version)
    table(listed, "tables", height=300)
    chosen = st.selectbox("Columns of", listed["table_name"].to_list(), key="sql_table")
    if chosen:
        table(columns(version, chosen), f"columns-{chosen}")
    st.subheader("Metrics")
    st.caption(
        "The metric catalogue: each KPI's definition, formula and the marts it reads. Query one "
        "by grain and dimension with `c360 metrics query <metric> --by month,segment`."
    )
    table(metrics(version), "metrics", height=300, empty="This version has no catalogue.")
with editor:
    st.subheader("Query")
    sql = st.text_area("SQL", DEFAULT_QUERY, height=200, key="sql_text")
    left, right = st.columns(2)
    row_limit = left.number_input("Row limit", 1, 100_000, 1_000, step=1_000, key="sql_limit")
    seconds = right.number_input("Time limit (s)", 1, 120, 10, key="sql_seconds")
    if st.button("Run", type="primary", key="sql_run", icon=":material/play_arrow:"):
        st.session_state["sql_submitted"] = sql
        run_clicked = True
    else:
        run_clicked = False
    submitted = st.session_state.get("sql_submitted")
    if submitted:
        # The query runs again on every rerun of the page; the log has it once, when submitted.
        logged = {"who": who(), "action": audit.SQL, "sql": submitted} if run_clicked else None
        try:
            result = run_limited(version, submitted, row_limit=row_limit, seconds=seconds)
        except QueryTimeoutError as exc:
            if logged:
                audit.record(Settings.from_env(), **logged, rows=None, error=str(exc))
            st.error(f"The {exc}. Add filters or aggregate, or raise the time limit.")
        except Exception as exc:  # an analyst's SQL error is a message, not a crash
            if logged:
                audit.record(Settings.from_env(), **logged, rows=None, error=str(exc))
            st.error(f"The query failed: {exc}")
        else:
            if logged:
                audit.record(
                    Settings.from_env(),
                    **logged,
                    rows=result.frame.height,
                    truncated=result.truncated,
                )
            shown = f"{result.frame.height:,} row{'s' if result.frame.height != 1 else ''}"
            if result.truncated:
                shown = f"the first {shown} (the row limit; more exist)"
            note = several_statements_note(submitted)
            st.caption(
                f"{shown} in {result.seconds * 1000:,.0f} ms" + (f"; {note}" if note else "")
            )
            table(result.frame, "query_result", empty="The query returned no rows.")
