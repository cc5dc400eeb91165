"""c360's roles as PostgreSQL roles: SELECT-only group roles, and logins granted into them.

The mapping is derived from `c360.access.ROLES`, the one home of who may see what:

- every role gets a NOLOGIN group role `c360_<role>` with USAGE and SELECT on the public schemas
  (`marts`, `quality`, `meta`), whose personal-data columns are masked;
- roles with the `personal_data` permission also get the `<schema>_restricted` schemas, the same
  tables with personal data in clear;
- roles limited to their own customers (sales) get no group role at all: PostgreSQL serves whole
  tables, and the owner scope lives in the sign-in's claims and access.yml, not in the database
  (docs/security.md says why row-level security was not chosen).

Nothing here grants anything but USAGE and SELECT, and only on the schemas the publish target
creates; a login never owns an object.
"""

from __future__ import annotations

import secrets

import psycopg
from psycopg import sql

from c360.access import ROLES, Role

ROLE_PREFIX = "c360_"
RESTRICTED_SUFFIX = "_restricted"


class NoPostgresAccessError(RuntimeError):
    """The c360 role asked for has no PostgreSQL role (sales) or does not exist."""


def group_roles() -> dict[str, Role]:
    """PostgreSQL group role name → the c360 role it stands for (sales left out)."""
    return {
        f"{ROLE_PREFIX}{role.name}": role for role in ROLES.values() if not role.own_customers_only
    }


def ensure_group_roles(con: psycopg.Connection) -> None:
    """Create the missing group roles (NOLOGIN); existing ones are left as they are."""
    existing = {
        name
        for (name,) in con.execute(
            "select rolname from pg_roles where rolname like %s", [f"{ROLE_PREFIX}%"]
        ).fetchall()
    }
    for name in group_roles():
        if name not in existing:
            con.execute(sql.SQL("create role {} nologin").format(sql.Identifier(name)))


def grant_schema(con: psycopg.Connection, schema: str, *, restricted: bool) -> None:
    """USAGE and SELECT on every table of `schema` to the group roles that may read it."""
    for name, role in group_roles().items():
        if restricted and not role.personal_data:
            continue
        who = sql.Identifier(name)
        con.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(schema), who))
        con.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(schema), who
            )
        )


def create_login(con: psycopg.Connection, login: str, role: str) -> str:
    """Create the login `login` in the group role of c360 role `role`; returns its password."""
    group = f"{ROLE_PREFIX}{role}"
    if group not in group_roles():
        reason = (
            "sales sees only its own customers, which PostgreSQL does not enforce here: "
            "sales uses the dashboards"
            if role in ROLES
            else f"roles: {', '.join(r.removeprefix(ROLE_PREFIX) for r in group_roles())}"
        )
        raise NoPostgresAccessError(f"{role!r} has no PostgreSQL access ({reason})")
    ensure_group_roles(con)
    password = secrets.token_urlsafe(18)
    con.execute(
        sql.SQL("create role {} login password {} in role {}").format(
            sql.Identifier(login), sql.Literal(password), sql.Identifier(group)
        )
    )
    return password
