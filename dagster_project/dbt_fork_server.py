"""`c360-dbt` started warm: a server that has imported dbt forks a process for each command.

Every `c360-dbt` process spends about 1.8 CPU s importing dbt, its adapter and its tasks before
it reads its first argument, and a run of the test suite starts about a hundred. A process
that has done those imports once and forks for each command skips them: the fork starts from a
copy of the imported modules (shared pages, copied on write).

`c360-dbt` (`main`) asks the server named by `C360_DBT_SERVER` (a Unix socket) to run its
arguments, and is the command's stand-in: it hands over its standard input, output and error
(the descriptors themselves, so dbt writes straight into the pipe dagster-dbt reads), its
working folder and its environment; it forwards SIGINT and SIGTERM (dagster-dbt stops dbt with
SIGINT) to the forked process, and exits with its exit code once that process has ended.
Without the variable, or when no server answers, it runs dbt in its own process as before
(`dbt_launcher.main`), so a server is an optimisation and never a dependency.

The server (`python -m dagster_project.dbt_fork_server SOCKET [--parent PID]`) imports and
never runs dbt, so each fork starts from the same state a new process would reach after its
imports: the launcher's patches are put in place in the fork, by `dbt_launcher.main`, as in a
new process. It starts no thread, so forking it is safe. The test suite starts one per worker.
"""

import argparse
import atexit
import contextlib
import gc
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
import types
from pathlib import Path
from typing import Any, NoReturn

from c360.processes import alive

SERVER_VARIABLE = "C360_DBT_SERVER"
"""The environment variable naming the server's socket; unset, every command starts cold."""

WARM_MODULES = (
    "dagster_project.dbt_launcher",
    "dbt.cli.main",
    "dbt.task.build",
    "dbt.task.list",
    "dbt.task.show",
    "dbt.adapters.duckdb",
    "dbt.adapters.duckdb.impl",
)
"""What every `c360-dbt` process imports before it runs: imported once, in the server.

Not what the Python models import (polars, numpy, scipy, splink: about 0.8 CPU s more for a
build): importing polars starts its thread pool, and a fork copies only the thread that forks,
so polars in a fork would wait for threads that are not there. The server checks that it is
still a single thread before it serves.
"""

FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""What the stand-in passes on to dbt's process: dagster-dbt stops dbt with SIGINT."""

_CODE = struct.Struct("!i")
_FDS = (0, 1, 2)


def _send_request(connection: socket.socket, argv: list[str]) -> None:
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    header = _CODE.pack(len(request))
    socket.send_fds(connection, [header + request], list(_FDS))


def _receive_request(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _, _ = socket.recv_fds(connection, 1 << 16, len(_FDS))
    (length,) = _CODE.unpack_from(data)
    while len(data) < _CODE.size + length:
        more = connection.recv(1 << 16)
        if not more:
            raise ConnectionError("the request ended early")
        data += more
    return json.loads(data[_CODE.size : _CODE.size + length]), fds


def _receive_int(connection: socket.socket) -> int | None:
    data = b""
    while len(data) < _CODE.size:
        more = connection.recv(_CODE.size - len(data))
        if not more:
            return None
        data += more
    return _CODE.unpack(data)[0]


def run_on_server(address: str, argv: list[str]) -> int | None:
    """Run `argv` as dbt's command line in a fork of the server at `address`; its exit code.

    None when no server answers there (the caller then runs dbt itself).
    """
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(address)
        _send_request(connection, argv)
        pid = _receive_int(connection)
    except OSError:
        connection.close()
        return None
    if pid is None:
        connection.close()
        return None

    def forward(number: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):  # it has just ended
            os.kill(pid, number)

    handlers = {number: signal.signal(number, forward) for number in FORWARDED_SIGNALS}
    try:
        code = _receive_int(connection)
        while connection.recv(1):  # closed when dbt's process has ended
            pass
    finally:
        connection.close()
        for number, handler in handlers.items():
            signal.signal(number, handler)
    if code is None:
        sys.stderr.write(f"c360-dbt: dbt's process {pid} ended without an exit code\n")
        return 1
    return code


def _exit_code(error: SystemExit) -> int:
    if error.code is None or isinstance(error.code, int):
        return error.code or 0
    sys.stderr.write(f"{error.code}\n")
    return 1


def _script_module(path: str) -> types.ModuleType:
    """A `__main__` like the `c360-dbt` script's.

    click names the program after it: the server's, run with `-m`, would make the usage lines
    say `python -m dagster_project...`.
    """
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__package__ = None
    return module


def _end_as_dbt_would() -> None:
    """What dbt's own process does at its end that anything after it could see.

    Not the interpreter's teardown, which nothing outside the process sees (0.5-0.8 CPU s a
    command, measured). The atexit functions: dbt-duckdb closes its DuckDB environment there,
    logging flushes and closes dbt's log file. A collection: a DuckDB handle caught in a
    reference cycle is closed too, so the build's file is whole before the refresh publishes
    it. Then the standard streams are flushed.
    """
    atexit._run_exitfuncs()
    gc.collect()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()


def _run_in_fork(connection: socket.socket) -> NoReturn:
    """The forked process: become the client's command, run dbt, report the code, exit.

    The stand-in exits when the connection closes, which is when this process has ended.
    """
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # dbt may wait for its own children
        request, fds = _receive_request(connection)
        for target, fd in zip(_FDS, fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = request["argv"]
        sys.modules["__main__"] = _script_module(sys.argv[0])
        connection.sendall(_CODE.pack(os.getpid()))
        from dagster_project.dbt_launcher import main as run_dbt

        try:
            run_dbt()
            code = 0
        except SystemExit as error:
            code = _exit_code(error)
    except BaseException:
        traceback.print_exc()
    _end_as_dbt_would()
    with contextlib.suppress(OSError):
        connection.sendall(_CODE.pack(code))
    os._exit(code)  # the kernel closes the connection: the stand-in returns now


def _thread_count() -> int:
    """The threads of this process (native ones too, where /proc tells), else Python's."""
    tasks = Path("/proc/self/task")
    return len(list(tasks.iterdir())) if tasks.is_dir() else threading.active_count()


def serve(address: Path, parent: int | None = None) -> None:
    """Import dbt, then fork a process for each command that connects to `address`.

    With `parent`, stop once that process has gone (a test run killed before it stopped us).
    """
    import importlib

    for module in WARM_MODULES:
        importlib.import_module(module)
    threads = _thread_count()
    if threads > 1:  # a fork copies only the thread that forks: a pool would be left without
        sys.stderr.write(f"c360-dbt server: not serving, {threads} threads after the imports\n")
        return
    # Out of every collection the forks make: not walked again in each, nor copied by the walk.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the forks
    address.unlink(missing_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        # Whoever can connect runs dbt as this user, with an environment of their choosing: the
        # socket is this user's alone from the moment it exists.
        umask = os.umask(0o177)
        try:
            listener.bind(str(address))
        finally:
            os.umask(umask)
        listener.listen(64)
        listener.settimeout(None if parent is None else 5)
        while parent is None or alive(parent):
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.settimeout(None)
            sys.stdout.flush()
            sys.stderr.flush()
            if os.fork() == 0:
                listener.close()
                _run_in_fork(connection)
            connection.close()
    address.unlink(missing_ok=True)


def start_server(address: Path, parent: int | None = None) -> subprocess.Popen:
    """`serve` in a process of its own session (stopped by its id), listening at `address`."""
    command = [sys.executable, "-m", "dagster_project.dbt_fork_server", str(address)]
    if parent is not None:
        command += ["--parent", str(parent)]
    return subprocess.Popen(command, start_new_session=True)


def main() -> None:
    """The `c360-dbt` command: on the warm server when there is one, else in this process."""
    address = os.environ.get(SERVER_VARIABLE)
    if address:
        code = run_on_server(address, sys.argv)
        if code is not None:
            sys.exit(code)
    from dagster_project.dbt_launcher import main as run_dbt

    run_dbt()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Fork a warm dbt for each c360-dbt command.")
    parser.add_argument("socket", type=Path, help="the Unix socket to listen on")
    parser.add_argument("--parent", type=int, help="stop when this process has gone")
    arguments = parser.parse_args()
    serve(arguments.socket, arguments.parent)
