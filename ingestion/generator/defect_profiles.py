"""How often each defect of real extracts is injected: one frozen profile per `defects=` value.

Rates are shares of the records or rows a defect can apply to; `*_files` are counts of files.
`none` writes clean extracts; `typical` is what a well-run mid-market company's exports look like
(a few % of CRM customers without their ERP number, ~1.5% duplicates, ~0.2% malformed rows, one
file of each file-level defect); `heavy` is a migration-year mess, several times more of each.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class DefectProfile:
    """Rates of every defect the generator can inject (see docs/generator.md for each code)."""

    name: str
    # share of customer organisations whose CRM and ERP names differ beyond the legal suffix
    name_variant: float = 0.0
    # share of CRM customer accounts without, or with a wrong, erp_customer_number
    erp_number_missing: float = 0.0
    erp_number_wrong: float = 0.0
    # share of organisations with a second CRM account, and of those merged (deleted) later
    duplicate_account: float = 0.0
    duplicate_account_merged: float = 0.5
    # share of customers opened a second time in the ERP (second currency or billing address)
    duplicate_customer: float = 0.0
    # share of the rows of the files that can carry them (payments, timesheets, order and
    # invoice lines, activities) that are malformed, and of those re-sent clean the next day
    malformed_row: float = 0.0
    malformed_corrected: float = 0.0
    # share of invoice/order (line) rows naming an SKU or a customer number the ERP does not have
    unknown_reference: float = 0.0
    # share of order invoices cancelled a few days after issue
    cancelled_invoice: float = 0.0
    # share of delta rows of updatable entities sent again, unchanged, in the next extract
    repeated_row: float = 0.0
    truncated_files: int = 0
    resent_files: int = 0
    empty_files: int = 0
    added_column_files: int = 0  # entities that gain a column from some delta date on
    renamed_column_files: int = 0  # single delta files with an optional column renamed

    @property
    def is_clean(self) -> bool:
        """True when no defect at all is injected."""
        return all(
            getattr(self, f.name) in (0, 0.0)
            for f in fields(self)
            if f.name not in ("name", "duplicate_account_merged")
        )


PROFILES: dict[str, DefectProfile] = {
    "none": DefectProfile(name="none"),
    "typical": DefectProfile(
        name="typical",
        name_variant=0.08,
        erp_number_missing=0.04,
        erp_number_wrong=0.01,
        duplicate_account=0.015,
        duplicate_customer=0.015,
        malformed_row=0.002,
        malformed_corrected=0.25,
        unknown_reference=0.001,
        cancelled_invoice=0.005,
        repeated_row=0.002,
        truncated_files=1,
        resent_files=1,
        empty_files=1,
        added_column_files=1,
        renamed_column_files=1,
    ),
    "heavy": DefectProfile(
        name="heavy",
        name_variant=0.3,
        erp_number_missing=0.2,
        erp_number_wrong=0.05,
        duplicate_account=0.06,
        duplicate_customer=0.06,
        malformed_row=0.01,
        malformed_corrected=0.25,
        unknown_reference=0.005,
        cancelled_invoice=0.02,
        repeated_row=0.01,
        truncated_files=3,
        resent_files=3,
        empty_files=3,
        added_column_files=1,
        renamed_column_files=2,
    ),
}


def defect_profile(name: str) -> DefectProfile:
    """The profile called `name`.

    Raises:
        ValueError: if there is no such profile.
    """
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"defects must be one of {sorted(PROFILES)}, got {name!r}") from None
