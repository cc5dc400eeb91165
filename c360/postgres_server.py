"""A local PostgreSQL server for the publish target: install, initialise, start, stop, status.

For `make postgres`, `c360 postgres start|stop|status` and the tests, which start their server
through this same code. A company that runs its own PostgreSQL skips all of this and points
`C360_POSTGRES_URL` at it (docs/analysts.md).

The cluster lives in one folder (default `<C360_HOME>/postgres`): `data/` (PGDATA), `server.log`
and `superuser.password` (mode 0600, for the URL this module prints). The server listens on
127.0.0.1 only, TCP with SCRAM passwords and no Unix socket: a socket path must stay under 108
bytes, which a data root in a deep temporary folder exceeds.

PostgreSQL refuses to run as root. Run as root, every server command runs as Debian's
unprivileged `postgres` account (created by the package) through `subprocess`'s `user=`, and the
cluster folder is handed to that account; run as anyone else, the server runs as that user.
Stopping reads the postmaster's process id from `data/postmaster.pid` and signals that process
(SIGINT: PostgreSQL's fast shutdown), then waits until it is gone.

Debian's `postgresql` is installed with apt-get when the binaries are missing and this runs as
root. Its maintainer script would create and start a system cluster on port 5432; setting
`create_main_cluster = false` in `createcluster.conf` first keeps the machine free of it.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from c360.processes import alive

DEFAULT_PORT = 5433
SUPERUSER = "c360"
DATABASE = "c360"
SERVER_ACCOUNT_WHEN_ROOT = "postgres"
CREATECLUSTER_CONF = Path("/etc/postgresql-common/createcluster.conf")
STOP_TIMEOUT_SECONDS = 30


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL's server programs are missing and cannot be installed here."""


class PostgresServerError(RuntimeError):
    """The local server could not be initialised, started or stopped; the message says why."""


@dataclass(frozen=True)
class LocalServer:
    """A running local server: where it lives, its process and how to reach it."""

    cluster_dir: Path
    pid: int
    port: int

    @property
    def url(self) -> str:
        """The superuser's libpq URL (password included), for `C360_POSTGRES_URL`."""
        password = quote(password_file(self.cluster_dir).read_text().strip(), safe="")
        return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{self.port}/{DATABASE}"


def password_file(cluster_dir: Path) -> Path:
    """The superuser's password, readable by the account that started the cluster only."""
    return cluster_dir / "superuser.password"


def data_dir(cluster_dir: Path) -> Path:
    """PGDATA of the cluster."""
    return cluster_dir / "data"


def server_bin_dir() -> Path | None:
    """The folder of Debian's server programs (newest major version), None when not installed."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def ensure_installed() -> Path:
    """The server programs' folder, installing Debian's `postgresql` first if root may."""
    found = server_bin_dir()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise PostgresUnavailableError(
            "PostgreSQL's server programs are not installed and this is not root with apt-get: "
            "install Debian's `postgresql` package, or point C360_POSTGRES_URL at a server"
        )
    CREATECLUSTER_CONF.parent.mkdir(parents=True, exist_ok=True)
    if not CREATECLUSTER_CONF.exists():
        CREATECLUSTER_CONF.write_text("create_main_cluster = false\n")
    install = ["apt-get", "install", "-y", "-q", "postgresql"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, capture_output=True, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env)
        done = subprocess.run(install, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise PostgresUnavailableError(
                f"apt-get install postgresql failed: {done.stderr.strip()[-500:]}"
            )
    found = server_bin_dir()
    if not found:
        raise PostgresUnavailableError("apt-get installed postgresql but no pg_ctl was found")
    return found


def _server_account() -> str | None:
    """The account the server runs as: `postgres` when we are root, else None (ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_ACCOUNT_WHEN_ROOT)
    except KeyError as exc:
        raise PostgresServerError(
            "running as root, and PostgreSQL refuses root, but there is no `postgres` account "
            "to run the server as (Debian's postgresql package creates it)"
        ) from exc
    return SERVER_ACCOUNT_WHEN_ROOT


def _run_as_server(command: list[str], what: str) -> str:
    """Run a server program as the server's account; its failure names `what` and its output."""
    account = _server_account()
    done = subprocess.run(command, capture_output=True, text=True, user=account, group=account)
    if done.returncode != 0:
        raise PostgresServerError(f"{what} failed: {(done.stderr or done.stdout).strip()[-800:]}")
    return done.stdout


def _hand_to_server_account(cluster_dir: Path) -> None:
    """Give the cluster folder to the server's account, and check it can reach it.

    Every folder above must let that account through: a root-only one (mode 0700, such as
    pytest's temporary root) cannot hold a cluster run as `postgres`.
    """
    account = _server_account()
    if account is None:
        return
    entry = pwd.getpwnam(account)
    os.chown(cluster_dir, entry.pw_uid, entry.pw_gid)
    reach = subprocess.run(["test", "-w", str(cluster_dir)], user=account, group=account)
    if reach.returncode != 0:
        raise PostgresServerError(
            f"the server runs as `{account}` (PostgreSQL refuses root), which cannot reach "
            f"{cluster_dir}: a folder above it is closed to other users; use a folder "
            "every user can traverse (`c360 postgres start --dir`)"
        )


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now (for tests)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def initialise(cluster_dir: Path, port: int = DEFAULT_PORT) -> None:
    """Create the cluster (superuser `c360` with a random password) listening on `port`."""
    bin_dir = ensure_installed()
    cluster_dir.mkdir(parents=True, exist_ok=True)
    _hand_to_server_account(cluster_dir)
    password = secrets.token_urlsafe(24)
    secret = password_file(cluster_dir)
    secret.touch(mode=0o600)
    secret.write_text(password + "\n")
    # initdb reads the password from a file its own account can read: a copy, removed after.
    handed = cluster_dir / f".pwfile.{secrets.token_hex(4)}"
    handed.write_text(password + "\n")
    account = _server_account()
    if account:
        shutil.chown(handed, account, account)
    try:
        _run_as_server(
            [
                str(bin_dir / "initdb"),
                "-D", str(data_dir(cluster_dir)),
                "-U", SUPERUSER,
                f"--pwfile={handed}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            "initdb",
        )  # fmt: skip
    finally:
        handed.unlink(missing_ok=True)
    with (data_dir(cluster_dir) / "postgresql.conf").open("a") as conf:
        conf.write(
            "\n# c360 (c360.postgres_server): loopback TCP only, no Unix socket\n"
            f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = ''\n"
        )


def running(cluster_dir: Path) -> LocalServer | None:
    """The server of this cluster if its postmaster is alive, else None."""
    pid_file = data_dir(cluster_dir) / "postmaster.pid"
    try:
        lines = pid_file.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    if not alive(pid):
        return None
    return LocalServer(cluster_dir, pid, port)


def start(cluster_dir: Path, port: int = DEFAULT_PORT) -> LocalServer:
    """Start the cluster's server (initialising it first if new); a running one is returned."""
    if (already := running(cluster_dir)) is not None:
        return already
    if not (data_dir(cluster_dir) / "PG_VERSION").exists():
        initialise(cluster_dir, port)
    bin_dir = ensure_installed()
    log = cluster_dir / "server.log"
    _run_as_server(
        [str(bin_dir / "pg_ctl"), "start", "-D", str(data_dir(cluster_dir)), "-l", str(log),
         "-w", "-t", "60"],
        f"starting PostgreSQL (log: {log})",
    )  # fmt: skip
    server = running(cluster_dir)
    if server is None:
        raise PostgresServerError(f"PostgreSQL did not stay up: see {log}")
    _create_database(server)
    return server


def _create_database(server: LocalServer) -> None:
    """The `c360` database, created once, on the superuser's maintenance connection."""
    import psycopg

    maintenance = server.url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as con:
        exists = con.execute("select 1 from pg_database where datname = %s", [DATABASE])
        if exists.fetchone() is None:
            con.execute(f"create database {DATABASE}")


def stop(cluster_dir: Path) -> bool:
    """Stop the cluster's server by its process id; False when it was not running."""
    server = running(cluster_dir)
    if server is None:
        return False
    os.kill(server.pid, signal.SIGINT)  # PostgreSQL's fast shutdown
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    pid_file = data_dir(cluster_dir) / "postmaster.pid"
    while time.monotonic() < deadline:
        # The postmaster removes its pid file as the last step of a shutdown; a process
        # nobody reaps would otherwise stay visible as a zombie.
        if not pid_file.exists():
            return True
        time.sleep(0.1)
    raise PostgresServerError(
        f"PostgreSQL (pid {server.pid}) still running {STOP_TIMEOUT_SECONDS} s after a fast "
        f"shutdown was asked: see {cluster_dir / 'server.log'}"
    )
