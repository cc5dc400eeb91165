"""Files delivered in a format ingestion does not read, and what to send instead.

Why: an Excel workbook (SAP and NetSuite users export to it by default) or a `.7z` archive was an
unknown file whose message listed the expected names only, as if the name were the mistake.
"""

from __future__ import annotations

from ingestion.archives import archive_hint

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".numbers")


def spreadsheet_hint(file_name: str) -> str | None:
    """What to do with a spreadsheet workbook, or None for another file."""
    suffix = next((s for s in SPREADSHEET_SUFFIXES if file_name.lower().endswith(s)), None)
    if suffix is None:
        return None
    return (
        f"a spreadsheet workbook ({suffix}) is not read: save each sheet as a CSV file (UTF-8; "
        "Excel: File > Save As > CSV UTF-8) into the delivery folder"
    )


def unknown_file_message(relative_path: str, file_name: str, matches_nothing: str) -> str:
    """Why a file no entity matches is not loaded, with what to do when its format says it."""
    if hint := archive_hint(file_name):
        return f"{relative_path}: {hint}"
    if hint := spreadsheet_hint(file_name):
        return f"{relative_path}: {hint}; {matches_nothing}"
    return f"{relative_path}: {matches_nothing}"
