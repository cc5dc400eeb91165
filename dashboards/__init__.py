"""The Streamlit dashboards; they read only the published warehouse (see dashboards.data)."""
