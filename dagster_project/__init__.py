"""Dagster orchestration of c360: ingestion, dbt, publishing, schedule and sensor."""
