"""The one-stage scripts' child-process measure (moved into the package: c360.bench.child)."""

from c360.bench.child import measure_child

__all__ = ["measure_child"]
