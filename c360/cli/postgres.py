"""`c360 postgres start|stop|status|load|add-login`: the PostgreSQL publish target."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from c360.cli.arguments import port
from c360.cli.output import err as _err
from c360.cli.output import out as _out
from c360.settings import Settings

if TYPE_CHECKING:
    pass


def cmd_postgres_start(args: argparse.Namespace, settings: Settings) -> int:
    """Start the local PostgreSQL server (installing and initialising it when needed)."""
    from c360.postgres_server import DEFAULT_PORT, start

    server = start(Path(args.dir or settings.postgres_dir), args.port or DEFAULT_PORT)
    _out(f"PostgreSQL running, pid {server.pid}, on 127.0.0.1:{server.port}")
    _out(f"turn the publish target on with:\n  export C360_POSTGRES_URL='{server.url}'")
    return 0


def cmd_postgres_stop(args: argparse.Namespace, settings: Settings) -> int:
    """Stop the local PostgreSQL server by its process id."""
    from c360.postgres_server import stop

    _out("PostgreSQL stopped" if stop(Path(args.dir or settings.postgres_dir)) else "not running")
    return 0


def cmd_postgres_status(args: argparse.Namespace, settings: Settings) -> int:
    """Say whether the local server runs, and what the last load into PostgreSQL did."""
    from c360.postgres_publish import render_state
    from c360.postgres_server import running

    server = running(Path(args.dir or settings.postgres_dir))
    where = f"pid {server.pid}, port {server.port}" if server else "not running"
    _out(f"local server       {where}")
    _out(render_state(settings))
    return 0 if server else 3


def cmd_postgres_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load the current published version into PostgreSQL now (C360_POSTGRES_URL)."""
    from c360.postgres_publish import load_current
    from c360.refresh_lock import refresh_lock

    with refresh_lock(settings.refresh_lock):
        loaded = load_current(settings)
    _out(
        f"PostgreSQL serves version {loaded.version}: {loaded.tables} tables, {loaded.rows} rows "
        f"loaded in {loaded.load_seconds:.1f} s, swapped in {loaded.swap_seconds:.2f} s"
    )
    return 0


def cmd_postgres_add_login(args: argparse.Namespace, settings: Settings) -> int:
    """Create a PostgreSQL login with a c360 role's read access; prints its password once."""
    import psycopg

    from c360.postgres_roles import create_login

    if not settings.postgres_url:
        _err("c360 postgres add-login: C360_POSTGRES_URL is not set")
        return 1
    try:
        with psycopg.connect(settings.postgres_url, autocommit=True) as con:
            password = create_login(con, args.login, args.role)
    except psycopg.Error as exc:
        _err(f"c360 postgres add-login: {exc}")
        return 1
    _out(f"login {args.login} (role {args.role}) created; password, shown once: {password}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add these commands to the `c360` parser."""
    postgres = sub.add_parser("postgres", help="the PostgreSQL publish target and its server")
    postgres_commands = postgres.add_subparsers(dest="postgres_command", required=True)
    for name, func in (
        ("start", cmd_postgres_start),
        ("stop", cmd_postgres_stop),
        ("status", cmd_postgres_status),
        ("load", cmd_postgres_load),
        ("add-login", cmd_postgres_add_login),
    ):
        command = postgres_commands.add_parser(name, help=func.__doc__)
        command.set_defaults(func=func)
        if name in ("start", "stop", "status"):
            command.add_argument("--dir", help="cluster folder (default <C360_HOME>/postgres)")
    postgres_commands.choices["start"].add_argument(
        "--port", type=port, help="TCP port on 127.0.0.1 (default 5433)"
    )
    add_login = postgres_commands.choices["add-login"]
    add_login.add_argument("login", help="the PostgreSQL login name to create")
    add_login.add_argument("--role", required=True, help="the c360 role (analyst, admin, ...)")
