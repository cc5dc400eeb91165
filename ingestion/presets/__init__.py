"""Source presets: a system's native export mapped onto c360's entities by configuration."""

from ingestion.presets.model import BUILTIN_PRESET, Preset, load_preset, parse_preset

__all__ = ["BUILTIN_PRESET", "Preset", "load_preset", "parse_preset"]
