"""The SQL each page runs, one module per page, so the benchmark runs exactly what pages run."""
