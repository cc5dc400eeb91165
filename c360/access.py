"""Who may see what: the roles, their pages and permissions, and how a person gets a role.

The one home of the role table. The dashboards build their navigation from `Role.pages`, the
Customer 360 queries limit rows with `Grant.rows`, and the choice of serving file reads
`Role.personal_data`. A role comes from `<C360_HOME>/access.yml` (a person's email, then the ID
token's role claim, then the email's domain; docs/security.md), so a company maps its identity
provider's groups or its staff list onto c360 without code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Page ids: the module names of dashboards/views (dashboards.streamlit_app.PAGES).
DASHBOARD_PAGES = (
    "overview",
    "profitability",
    "acquisition",
    "retention",
    "pipeline",
    "projects",
    "customer_360",
    "data_quality",
)
SQL_PAGE = "sql"
AUDIT_PAGE = "audit"
# dbt's documentation site: every table's and column's definition, its SQL and lineage back to
# the source files. For the roles that work with the schema itself (analysts' SQL, stewards'
# data quality, admins).
DOCS_PAGE = "docs"


@dataclass(frozen=True)
class Role:
    """A role's pages and permissions.

    `personal_data`: may read the serving file with people's names, emails, phones and notes
    (the others read the one without them). `own_customers_only`: Customer 360 lists only the
    customers whose CRM owner is the person.
    """

    name: str
    pages: tuple[str, ...]
    personal_data: bool
    own_customers_only: bool = False


# Personal data goes to the roles whose work is with individual people: sales call their own
# accounts' contacts, stewards decide whether two records are one person by comparing names
# and emails, admins answer access and erasure requests. Executives, finance and analysts work
# with aggregates; analysts also run free SQL, the widest way to copy data out, so they read
# the file without personal data.
ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role("executive", DASHBOARD_PAGES, personal_data=False),
        Role("finance", ("overview", "profitability", "projects"), personal_data=False),
        Role("sales", ("pipeline", "customer_360"), personal_data=True, own_customers_only=True),
        Role("analyst", (*DASHBOARD_PAGES, SQL_PAGE, DOCS_PAGE), personal_data=False),
        Role("steward", ("data_quality", DOCS_PAGE), personal_data=True),
        Role("admin", (*DASHBOARD_PAGES, SQL_PAGE, DOCS_PAGE, AUDIT_PAGE), personal_data=True),
    )
}
# When a claim carries several roles, the first of this order wins (the widest).
PRECEDENCE = ("admin", "analyst", "executive", "finance", "steward", "sales")

# Who uses the dashboards when sign-in is not configured: `c360 serve` then listens only on
# loopback, so it is the person at this machine, who can already read every file of C360_HOME.
LOCAL_ROLE = "admin"


class AccessFileError(ValueError):
    """access.yml cannot be read as the access policy; the message names the file and key."""


@dataclass(frozen=True)
class RowScope:
    """The customers a reader may see.

    All when `crm_owner_ids` is None, else those owned in the CRM by one of them (empty: none).
    """

    crm_owner_ids: tuple[str, ...] | None = None


EVERY_CUSTOMER = RowScope()


@dataclass(frozen=True)
class Grant:
    """A signed-in person's role, where it came from, and the rows it lets them see."""

    who: str
    role: Role
    source: str
    rows: RowScope = EVERY_CUSTOMER


@dataclass(frozen=True)
class Person:
    """An entry of access.yml's `people`: a role and, for sales, the person's CRM user ids."""

    role: str
    crm_user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessPolicy:
    """access.yml, read: how claims, emails and domains map to roles."""

    role_claim: str = "roles"
    claim_roles: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    domains: Mapping[str, str] = field(default_factory=dict)
    crm_user_claim: str | None = None

    @classmethod
    def load(cls, path: Path) -> AccessPolicy:
        """The policy in `path`; the defaults (roles from the `roles` claim) when it is absent."""
        if not path.exists():
            return cls()
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise AccessFileError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise AccessFileError(f"{path}: expected a mapping at the top level")
        unknown = set(raw) - {"role_claim", "claim_roles", "people", "domains", "crm_user_claim"}
        if unknown:
            raise AccessFileError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
        people = {}
        for email, entry in (raw.get("people") or {}).items():
            entry = {"role": entry} if isinstance(entry, str) else entry
            ids = entry.get("crm_user_id") or ()
            people[str(email).lower()] = Person(
                _role_name(path, f"people.{email}", entry.get("role")),
                tuple([ids] if isinstance(ids, str) else ids),
            )
        return cls(
            role_claim=str(raw.get("role_claim") or "roles"),
            claim_roles={
                str(value): _role_name(path, f"claim_roles.{value}", role)
                for value, role in (raw.get("claim_roles") or {}).items()
            },
            people=people,
            domains={
                str(domain).lower(): _role_name(path, f"domains.{domain}", role)
                for domain, role in (raw.get("domains") or {}).items()
            },
            crm_user_claim=raw.get("crm_user_claim"),
        )

    def grant(self, claims: Mapping[str, object]) -> Grant | None:
        """The role of the person the ID-token `claims` describe; None when they have none.

        An email the provider says is not verified (`email_verified: false`) is not used:
        anyone can put any address in an unverified profile.
        """
        who = identity(claims)
        email = str(claims.get("email") or "").lower()
        if claims.get("email_verified") is False:
            email = ""
        person = self.people.get(email) if email else None
        if person is not None:
            role, source = person.role, f"access.yml people: {email}"
        elif claimed := self._claimed_role(claims):
            role, source = claimed, f"ID-token claim {self.role_claim}"
        elif email and (domain := self.domains.get(email.rpartition("@")[2])):
            role, source = domain, f"access.yml domains: {email.rpartition('@')[2]}"
        else:
            return None
        rows = EVERY_CUSTOMER
        if ROLES[role].own_customers_only:
            ids = person.crm_user_ids if person else ()
            if not ids and self.crm_user_claim:
                ids = tuple(_values(_claim(claims, self.crm_user_claim)))
            rows = RowScope(tuple(ids))
        return Grant(who, ROLES[role], source, rows)

    def _claimed_role(self, claims: Mapping[str, object]) -> str | None:
        values = _values(_claim(claims, self.role_claim))
        roles = {self.claim_roles.get(v, v) for v in values}
        return next((name for name in PRECEDENCE if name in roles), None)


def identity(claims: Mapping[str, object]) -> str:
    """How the audit log and the access file name a person: the email, else the subject."""
    return str(claims.get("email") or claims.get("sub") or "unknown").lower()


def local_grant(who: str) -> Grant:
    """The person at this machine when sign-in is not configured (LOCAL_ROLE)."""
    return Grant(who, ROLES[LOCAL_ROLE], "no sign-in configured: local use")


def _claim(claims: Mapping[str, object], name: str) -> object:
    """A claim by name; a dotted name reads a nested one (Keycloak's `realm_access.roles`)."""
    value: object = claims
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _values(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _role_name(path: Path, key: str, role: object) -> str:
    if role not in ROLES:
        raise AccessFileError(f"{path}: {key}: {role!r} is not a role (roles: {', '.join(ROLES)})")
    return str(role)
