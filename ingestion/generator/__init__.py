"""Sample-company generator: a coherent CRM + ERP history written as daily source extracts.

The CLI (`c360 generate`) calls `generate_company`; docs/generator.md gives the layout.
"""

from ingestion.generator.company import GenerationSummary, generate_company

__all__ = ["GenerationSummary", "generate_company"]
