"""Docs: dbt's documentation site of the published version, for the roles that read the schema.

The page is served from the published file through this page, behind sign-in and the role
check, never from Streamlit's static folder (served to anyone) nor from dbt's `target/` (it
holds compiled SQL): c360.catalogue stored it in the version without compiled SQL. The role is
checked here again, not only by the navigation, so that no other route can render it.
"""

import streamlit as st

from c360.access import DOCS_PAGE
from dashboards.auth import require_grant
from dashboards.data import require_version
from dashboards.queries.catalogue import docs_site

# The documentation site lays itself out in the frame; 900 px shows its tree and a model's page.
FRAME_HEIGHT = 900

grant = require_grant()
if DOCS_PAGE not in grant.role.pages:
    st.error(f"The documentation is not available to the role {grant.role.name}.")
    st.stop()

st.title("Docs")
version = require_version()
page = docs_site(version)
if page is None:
    st.info(
        f"The published version `{version}` carries no documentation: it was published before "
        "the refresh built it. The next `c360 refresh` adds it."
    )
    st.stop()
st.caption(
    f"dbt's documentation of the published version `{version}`: each table's and column's "
    "description, its SQL, and its lineage back to the source files (the graph icon, bottom "
    "right). Metric definitions: the table catalogue.metrics, or `c360 metrics list`."
)
st.iframe(page, height=FRAME_HEIGHT)
