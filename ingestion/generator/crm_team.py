"""The CRM users (sales, development, success, managers) and who owns which organisation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingestion.generator.blocks import Block
from ingestion.generator.identifiers import format_ids
from ingestion.generator.organisations import Organisations
from ingestion.generator.people import draw_people, full_names
from ingestion.generator.pools import REGIONS
from ingestion.generator.randomness import rng_for
from ingestion.generator.timeline import Timeline, date_series

# Sized so that an account executive closes ~2 new customers a month: the blended CAC of the
# default company then lands at a few thousand EUR (docs/generator.md).
CUSTOMERS_PER_AE = 60
AE_TEAMS: tuple[str, ...] = ("SMB Sales", "Mid-Market Sales", "Enterprise Sales")
# Monthly loaded salary by role in EUR, used by the general ledger's salary postings.
MONTHLY_SALARY_EUR: dict[str, float] = {
    "AE": 6_500.0,
    "SDR": 4_200.0,
    "CSM": 5_200.0,
    "Manager": 9_000.0,
}


@dataclass(frozen=True)
class Team:
    """CRM users: ids, names, roles, teams and regions, in user-number order."""

    frame: pl.DataFrame

    def indices(self, role: str) -> np.ndarray:
        """Row indices of the users with a role."""
        return np.flatnonzero(self.frame["role"].to_numpy() == role)


def build_team(customers: int, seed: int) -> Team:
    """Size the sales organisation to the customer base (one AE per ~60 customers, at least 6).

    Account executives are spread round-robin over the six regions so every region has one, and
    over the three segment teams; everyone else works across regions.
    """
    rng = rng_for(seed, "crm.users")
    n_ae = max(6, -(-customers // CUSTOMERS_PER_AE))
    n_sdr = max(2, n_ae // 2)
    n_csm = max(2, -(-customers // 50))
    n_mgr = max(2, -(-(n_ae + n_sdr + n_csm) // 10))
    roles = ["AE"] * n_ae + ["SDR"] * n_sdr + ["CSM"] * n_csm + ["Manager"] * n_mgr
    n = len(roles)
    ae = np.arange(n_ae)
    teams = (
        [AE_TEAMS[(i // len(REGIONS)) % len(AE_TEAMS)] for i in ae]
        + ["Sales Development"] * n_sdr
        + ["Customer Success"] * n_csm
        + [AE_TEAMS[i % len(AE_TEAMS)] for i in range(n_mgr)]
    )
    regions = [REGIONS[i % len(REGIONS)] for i in range(n)]
    names = full_names(*draw_people(rng, n))
    frame = pl.DataFrame(
        {
            "user_id": format_ids("005", np.arange(1, n + 1), 12),
            "name": names,
            "role": roles,
            "team": teams,
            "region": regions,
            "is_active": np.ones(n, dtype=bool),
        }
    )
    return Team(frame)


def users_table(team: Team, timeline: Timeline) -> pl.DataFrame:
    """The `crm.users` rows; the whole team exists from the start of the history."""
    return team.frame.with_columns(
        _extract_on=pl.lit(date_series(np.array([timeline.history_start]))[0])
    )


def assign_owners(orgs: Organisations, team: Team, block: Block) -> np.ndarray:
    """The user row index of the account executive owning each organisation, from its region."""
    rng = block.rng("crm.owners")
    ae = team.indices("AE")
    ae_region = team.frame["region"].to_numpy()[ae]
    org_region = orgs.col("region")
    owners = np.empty(orgs.size, dtype=np.int64)
    for region in REGIONS:
        members = ae[ae_region == region]
        rows = np.flatnonzero(org_region == region)
        owners[rows] = members[rng.integers(0, members.size, rows.size)]
    return owners


def pick_csm(team: Team, size: int, rng: np.random.Generator) -> np.ndarray:
    """Random customer success managers (user row indices)."""
    csm = team.indices("CSM")
    return csm[rng.integers(0, csm.size, size)]
