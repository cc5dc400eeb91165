"""`c360-dbt` on the warm server is the same command as `c360-dbt` in its own process: the same
output on the same descriptors, the same exit code, the caller's environment and working folder,
and SIGINT reaches dbt; with no server it runs dbt itself."""

import importlib.metadata
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dagster_project.dbt_fork_server import SERVER_VARIABLE, run_on_server, start_server
from dagster_project.defs.dbt_assets import dbt_executable


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of this module's own, up (its socket answers) before the tests use it."""
    address = tmp_path_factory.mktemp("fork", numbered=True) / "s.sock"
    if len(str(address)) > 100:  # a Unix socket's path has at most 107 bytes
        pytest.skip(f"the temporary folder's path is too long for a socket: {address}")
    process = start_server(address)
    _wait_for_socket(address, process)
    try:
        yield str(address)
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_socket(address: Path, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not address.exists():
        assert server.poll() is None, "the server exited"
        assert time.monotonic() < deadline, "the server's socket did not appear"
        time.sleep(0.1)


def _run(argv: list[str], server: str | None, **kwargs) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != SERVER_VARIABLE}
    if server:
        env[SERVER_VARIABLE] = server
    return subprocess.run(
        [dbt_executable(), *argv],
        env={**env, **kwargs.pop("env", {})},
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


def test_a_command_runs_in_a_fork_of_the_server_and_writes_to_the_caller_s_descriptors(
    server, capfd
):
    assert run_on_server(server, ["c360-dbt", "--version"]) == 0
    out, _ = capfd.readouterr()
    assert f"installed: {importlib.metadata.version('dbt-core')}" in out
    assert run_on_server(server, ["c360-dbt", "no-such-command"]) == 2
    _, err = capfd.readouterr()
    assert "No such command 'no-such-command'" in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # given back


def test_only_the_server_s_user_may_connect(server):
    assert stat.S_IMODE(os.stat(server).st_mode) == 0o600


def test_no_server_at_the_address_means_the_caller_runs_dbt(tmp_path):
    assert run_on_server(str(tmp_path / "none.sock"), ["c360-dbt", "--version"]) is None
    cold = _run(["--version"], str(tmp_path / "none.sock"))
    assert cold.returncode == 0
    assert f"installed: {importlib.metadata.version('dbt-core')}" in cold.stdout


def test_on_the_server_or_not_the_command_prints_and_exits_the_same(server, tmp_path):
    for argv in (["--version"], ["no-such-command"], ["debug", "--config-dir"]):
        warm, cold = (
            _run(argv, address, env={"DBT_PROFILES_DIR": str(tmp_path)})
            for address in (server, None)
        )
        assert (warm.returncode, _timeless(warm.stdout), warm.stderr) == (
            cold.returncode,
            _timeless(cold.stdout),
            cold.stderr,
        )
    # The caller's environment: the profiles folder is the one its variable names.
    assert str(tmp_path) in warm.stdout


def test_the_fork_works_in_the_caller_s_folder(server, tmp_path):
    (tmp_path / "profiles.yml").write_text("{}\n")  # dbt's profiles folder is then the cwd
    env = {key: value for key, value in os.environ.items() if key != "DBT_PROFILES_DIR"}
    warm = subprocess.run(
        [dbt_executable(), "debug", "--config-dir"],
        env={**env, SERVER_VARIABLE: server},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"open {tmp_path}\n" in warm.stdout


def _interrupted(settings, server: str | None) -> tuple[int, str]:
    """`c360-dbt show` of a query that runs for minutes, sent SIGINT once the query runs.

    Its files go to the data root's folders: the project's `target/` holds the parse that
    other tests copy while this one runs.
    """
    endless = "select count(*) from range(100000) a, range(100000) b, range(100) c"
    env = {key: value for key, value in os.environ.items() if key != SERVER_VARIABLE}
    folders = ["--target-path", settings.dbt_target_dir, "--log-path", settings.home / "logs"]
    process = subprocess.Popen(
        [dbt_executable(), "show", "--inline", endless, *folders],
        cwd=settings.dbt_project_dir,
        env={**env, **settings.dbt_env(), **({SERVER_VARIABLE: server} if server else {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "Concurrency:" in line:  # parsed; the query starts
            break
    time.sleep(2)
    assert process.poll() is None, "".join(lines)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    return process.returncode, "".join(lines) + out


def test_sigint_to_the_command_stops_dbt_s_query_as_it_stops_dbt_s_own_process(server, settings):
    """What dagster-dbt does to stop dbt: the command returns at once, as dbt's own would."""
    (warm_code, warm), (cold_code, cold) = (
        _interrupted(settings, address) for address in (server, None)
    )
    assert warm_code == cold_code != 0
    for out in (warm, cold):
        assert "CANCEL query sql_operation.c360.inline_query" in out
        assert "KeyboardInterrupt" in out


def _timeless(text: str) -> str:
    """dbt's lines start with the time: compared without it."""
    return "\n".join(line.split("  ", 1)[-1] for line in text.splitlines())


def test_a_server_that_has_started_threads_does_not_serve(tmp_path):
    """A fork copies only the forking thread: polars' pool, for one, would be missing."""
    address = tmp_path / "s.sock"
    serve = "from dagster_project.dbt_fork_server import serve; serve(Path(sys.argv[1]))"
    refused = subprocess.run(
        [sys.executable, "-c", f"import sys, polars; from pathlib import Path; {serve}", address],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "c360-dbt server: not serving, " in refused.stderr
    assert not address.exists()


def test_the_server_stops_when_its_parent_has_gone(tmp_path):
    address = tmp_path / "s.sock"
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    server = start_server(address, parent=parent.pid)
    try:
        _wait_for_socket(address, server)
        parent.kill()
        parent.wait()
        assert server.wait(timeout=60) == 0
        assert not address.exists()
    finally:
        for process in (parent, server):
            process.kill()
            process.wait()
