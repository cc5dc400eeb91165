"""Entry point of the dashboards: navigation only, one module per page under `views/`."""

import streamlit as st

st.set_page_config(page_title="c360 — customer 360", page_icon=":material/hub:", layout="wide")

pages = [
    st.Page("views/overview.py", title="Overview", icon=":material/monitoring:", default=True),
]
st.navigation(pages).run()
