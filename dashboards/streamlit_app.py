"""Entry point of the dashboards: the page registry and navigation, nothing else.

Adding a page is one file under `views/` and one line in PAGES; `url_path` is the page's address
(`/customer-360`), which the browser test and bookmarks use.
"""

import streamlit as st

from c360.serving import QueryStoppedError
from c360.version_integrity import DamagedVersionError
from dashboards.data import stop_on_damage, stop_on_limit

st.set_page_config(page_title="c360 — customer 360", page_icon=":material/hub:", layout="wide")

# (module under views/, title, icon, url path); the first one is the home page, served at `/`.
PAGES = [
    ("overview", "Overview", ":material/monitoring:", ""),
    ("profitability", "Profitability", ":material/paid:", "profitability"),
    ("acquisition", "Acquisition and value", ":material/campaign:", "acquisition"),
    ("retention", "Retention", ":material/autorenew:", "retention"),
    ("pipeline", "Pipeline", ":material/filter_alt:", "pipeline"),
    ("projects", "Projects and receivables", ":material/work:", "projects"),
    ("customer_360", "Customer 360", ":material/person_search:", "customer-360"),
    ("data_quality", "Data quality", ":material/fact_check:", "data-quality"),
    ("sql", "SQL", ":material/terminal:", "sql"),
]

navigation = st.navigation(
    [
        st.Page(f"views/{module}.py", title=title, icon=icon, url_path=path or None, default=i == 0)
        for i, (module, title, icon, path) in enumerate(PAGES)
    ]
)
try:
    navigation.run()
except DamagedVersionError as exc:  # found by DuckDB while a page read the file
    stop_on_damage(exc)
except QueryStoppedError as exc:  # a page's query hit the reader's time or memory limit
    stop_on_limit(exc)
