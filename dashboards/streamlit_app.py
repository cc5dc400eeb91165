"""Entry point of the dashboards: sign-in, then the pages the reader's role may see.

Adding a page is one file under `views/`, one line in dashboards.pages.PAGES and its id in the
roles that see it (c360.access.ROLES). A page the role may not see is left out of
`st.navigation`, so its URL opens nothing of it (Streamlit says the page is not found and runs
the first allowed page).
"""

import streamlit as st

from c360.serving import QueryStoppedError
from c360.settings import Settings
from c360.version_integrity import DamagedVersionError
from dashboards.auth import record_page, require_grant, sign_in_configured, sign_out_button
from dashboards.data import stop_on_damage, stop_on_limit
from dashboards.pages import PAGES

st.set_page_config(page_title="c360 — customer 360", page_icon=":material/hub:", layout="wide")


grant = require_grant()  # the sign-in page, or why there is no access, stops here
allowed = [page for page in PAGES if page[0] in grant.role.pages]
pages = [
    st.Page(f"views/{module}.py", title=title, icon=icon, url_path=path, default=i == 0)
    for i, (module, title, icon, path) in enumerate(allowed)
]
st.sidebar.caption(f"{grant.who} · {grant.role.name}")
if sign_in_configured(Settings.from_env()):
    sign_out_button(grant.who)
navigation = st.navigation(pages)
record_page(grant, next(m for m, title, *_ in allowed if title == navigation.title))
try:
    navigation.run()
except DamagedVersionError as exc:  # found by DuckDB while a page read the file
    stop_on_damage(exc)
except QueryStoppedError as exc:  # a page's query hit the reader's time or memory limit
    stop_on_limit(exc)
