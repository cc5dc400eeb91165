"""Extract contracts (one YAML file per source) and their typed model."""

from ingestion.contracts.model import (
    BUILTIN_CONTRACTS_DIR,
    Column,
    Entity,
    FileFormat,
    SourceContract,
    load_contracts,
    parse_contract,
)

__all__ = [
    "BUILTIN_CONTRACTS_DIR",
    "Column",
    "Entity",
    "FileFormat",
    "SourceContract",
    "load_contracts",
    "parse_contract",
]
