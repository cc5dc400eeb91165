"""Ingestion: read the CRM and ERP extracts with Polars, validate them, write the raw Parquet.

Dagster-free on purpose: typed functions a test calls on a temporary folder, and that any
orchestrator (Dagster here, cron, Spark) can run.
"""
