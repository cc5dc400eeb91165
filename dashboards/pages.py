"""The dashboards' pages in navigation order, apart from the app.

`url_path` is a page's address (`/customer-360`), which bookmarks and the browser tests use.
Apart from the app, so the tests can read the list without running the app's script.
"""

# (module under views/ = page id of c360.access, title, icon, url path); the first page the
# role may see is its home page, served at `/`.
PAGES = [
    ("overview", "Overview", ":material/monitoring:", "overview"),
    ("profitability", "Profitability", ":material/paid:", "profitability"),
    ("acquisition", "Acquisition and value", ":material/campaign:", "acquisition"),
    ("retention", "Retention", ":material/autorenew:", "retention"),
    ("pipeline", "Pipeline", ":material/filter_alt:", "pipeline"),
    ("projects", "Projects and receivables", ":material/work:", "projects"),
    ("customer_360", "Customer 360", ":material/person_search:", "customer-360"),
    ("data_quality", "Data quality", ":material/fact_check:", "data-quality"),
    ("sql", "SQL", ":material/terminal:", "sql"),
    ("docs", "Docs", ":material/menu_book:", "docs"),
    ("audit", "Audit log", ":material/policy:", "audit"),
]
