"""Whether `c360 serve` may listen where it is asked to: secure by default.

Without sign-in, whoever reaches the port reads every customer's figures, so `c360 serve` only
listens on loopback until `<C360_HOME>/auth.toml` configures sign-in. The file is Streamlit's own
`[auth]` secrets section (docs/security.md has one per identity provider); it is checked here,
before the server starts, because Streamlit only reads it when someone first clicks "Sign in".
"""

from __future__ import annotations

import ipaddress
import socket
import tomllib
from pathlib import Path

from c360.access import AccessFileError, AccessPolicy
from c360.settings import Settings

# What `st.login()` without a provider name needs in `[auth]` (Streamlit 1.67 docs, st.login).
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def is_loopback(address: str) -> bool:
    """`address` is this machine only (127.0.0.0/8, ::1, localhost); `0.0.0.0` is every one."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def auth_problems(path: Path) -> list[str]:
    """What is missing or wrong in the sign-in settings file `path` (empty: usable)."""
    try:
        auth = tomllib.loads(path.read_text(encoding="utf-8")).get("auth")
    except tomllib.TOMLDecodeError as exc:
        return [f"{path}: not valid TOML: {exc}"]
    if not isinstance(auth, dict):
        return [f"{path}: no [auth] section"]
    problems = [f"{path}: [auth] has no {key}" for key in AUTH_KEYS if not auth.get(key)]
    redirect = str(auth.get("redirect_uri") or "")
    if redirect and not redirect.endswith("/oauth2callback"):
        problems.append(f"{path}: [auth] redirect_uri must end with /oauth2callback: {redirect}")
    return problems


def serve_problem(settings: Settings, address: str) -> str | None:
    """Why the dashboards may not be served on `address`; None when they may."""
    if settings.auth_file.exists():
        problems = auth_problems(settings.auth_file)
        try:
            AccessPolicy.load(settings.access_file)
        except AccessFileError as exc:
            problems.append(str(exc))
        return "sign-in settings are not usable:\n  " + "\n  ".join(problems) if problems else None
    if is_loopback(address):
        return None
    return (
        f"refusing to listen on {address} without sign-in: anyone who reaches the port would "
        f"read every customer's data. Configure sign-in first: write {settings.auth_file} "
        f"with an [auth] section for your OpenID Connect provider ({', '.join(AUTH_KEYS)}) "
        f"and {settings.access_file} with who has which role (docs/security.md has an "
        "example per provider). Or serve on 127.0.0.1, the default, for this machine only."
    )


def listen_problem(address: str, port: int) -> str | None:
    """Why nothing can listen on `address:port` now (in use, not this machine's); None if free.

    Why: Streamlit said "Port 8599 is not available" after the command had announced the
    dashboards on it. Checked by binding the port once, as the server will.
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError as exc:
            return (
                f"cannot listen on {address}:{port}: {exc.strerror or exc} (another server on "
                "that port, or an address of another machine): choose another with --port or "
                "--address"
            )
    return None
