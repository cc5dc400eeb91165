"""The machine refusing a command (a full disk, a permission): the reason on one line, never a
traceback; for a full disk, what to do."""

import errno
import os
from contextlib import contextmanager

from c360.cli import main


def refresh_whose_lock_raises(tmp_path, monkeypatch, error: type[OSError], code: int) -> int:
    """`c360 refresh` in `tmp_path`, its refresh lock raising `error(code)` on the lock file."""

    @contextmanager
    def refused(path):
        raise error(code, os.strerror(code), str(path))
        yield

    monkeypatch.setenv("C360_HOME", str(tmp_path))
    monkeypatch.setattr("dagster_project.run_refresh.refresh_lock", refused)
    return main(["refresh"])


def test_a_refresh_that_cannot_write_its_lock_says_the_disk_is_full(
    tmp_path, monkeypatch, capsys
) -> None:
    # As on a full disk (a 60 MB tmpfs filled by a refresh): the next refresh's first write,
    # its lock's pid, raised ENOSPC from refresh_lock, and the command printed the traceback.
    assert refresh_whose_lock_raises(tmp_path, monkeypatch, OSError, errno.ENOSPC) == 1
    err = capsys.readouterr().err
    lock = tmp_path / "warehouse" / "refresh.lock"
    assert err.endswith(
        f"c360 refresh: the disk is full: No space left on device ({lock}): free space on it, "
        f"or move C360_HOME to a larger one (C360_HOME is {tmp_path}), then run the command "
        "again\n"
    )
    assert "Traceback" not in err


def test_another_refusal_of_the_machine_is_named_with_its_file_not_called_a_full_disk(
    tmp_path, monkeypatch, capsys
) -> None:
    assert refresh_whose_lock_raises(tmp_path, monkeypatch, PermissionError, errno.EACCES) == 1
    assert capsys.readouterr().err.endswith(
        f"c360 refresh: Permission denied ({tmp_path / 'warehouse' / 'refresh.lock'})\n"
    )
