"""What a failed or killed refresh leaves readers: the last version, or nothing before the first."""

from c360.serving import what_readers_keep
from c360.settings import Settings
from c360.status import render_last_refresh

FAILED = {"state": "failed", "finished_at": "2026-12-07T23:00:01+00:00", "failures": ["disk"]}


def test_before_the_first_publication_readers_are_told_there_is_nothing_yet(tmp_path) -> None:
    settings = Settings.from_env({"C360_HOME": str(tmp_path)})
    keep = what_readers_keep(settings)
    assert keep == "nothing is published yet: readers have no warehouse until a refresh succeeds"
    assert render_last_refresh(FAILED, keep)[-1].endswith(f"nothing was published; {keep}")


def test_after_a_publication_readers_keep_it(tmp_path) -> None:
    settings = Settings.from_env({"C360_HOME": str(tmp_path)})
    settings.current_pointer.parent.mkdir(parents=True)
    settings.current_pointer.symlink_to("c360-20261207T000000000000Z.duckdb")
    keep = what_readers_keep(settings)
    assert keep == "readers keep the previously published version"
    killed = {"state": "killed", "started_at": "2026-12-07T23:00:01+00:00"}
    assert render_last_refresh(killed, keep)[-1].endswith(
        f"its process died before the end; {keep}"
    )
