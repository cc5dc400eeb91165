"""Secure by default: `c360 serve` listens beyond this machine only once sign-in is configured,
and says how to configure it."""

from pathlib import Path

import pytest

from c360.cli import main
from c360.serve_check import auth_problems, is_loopback, listen_problem

AUTH = """[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a-long-random-string"
client_id = "c360"
client_secret = "secret"
server_metadata_url = "http://localhost:9400/.well-known/openid-configuration"
"""


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("dash.example.com", False),
    ],
)
def test_only_this_machines_addresses_are_loopback(address, expected):
    assert is_loopback(address) is expected


def test_serving_on_every_interface_without_sign_in_is_refused_with_how_to_configure_it(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("C360_HOME", str(tmp_path))
    assert main(["serve", "--address", "0.0.0.0"]) == 2
    message = capsys.readouterr().err
    assert "refusing to listen on 0.0.0.0 without sign-in" in message
    assert f"write {tmp_path / 'auth.toml'} with an [auth] section" in message
    assert "docs/security.md" in message


def test_the_address_setting_is_refused_the_same_way(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("C360_HOME", str(tmp_path))
    monkeypatch.setenv("C360_SERVE_ADDRESS", "10.1.2.3")
    assert main(["serve"]) == 2
    assert "refusing to listen on 10.1.2.3" in capsys.readouterr().err


def test_a_complete_auth_file_has_no_problem(tmp_path: Path):
    (tmp_path / "auth.toml").write_text(AUTH)
    assert auth_problems(tmp_path / "auth.toml") == []


def test_an_incomplete_auth_file_stops_the_server_naming_what_is_missing(
    tmp_path, monkeypatch, capsys
):
    (tmp_path / "auth.toml").write_text(
        AUTH.replace('client_secret = "secret"\n', "").replace("/oauth2callback", "/callback")
    )
    monkeypatch.setenv("C360_HOME", str(tmp_path))
    assert main(["serve", "--address", "0.0.0.0"]) == 2
    message = capsys.readouterr().err
    assert "[auth] has no client_secret" in message
    assert "redirect_uri must end with /oauth2callback" in message


def test_a_wrong_access_file_stops_the_server_naming_its_key(tmp_path, monkeypatch, capsys):
    (tmp_path / "auth.toml").write_text(AUTH)
    (tmp_path / "access.yml").write_text("domains:\n  example.com: boss\n")
    monkeypatch.setenv("C360_HOME", str(tmp_path))
    assert main(["serve"]) == 2
    assert "domains.example.com: 'boss' is not a role" in capsys.readouterr().err


def test_a_port_another_server_holds_stops_the_command_before_it_announces_anything(
    tmp_path, monkeypatch, capsys
):
    import socket

    monkeypatch.setenv("C360_HOME", str(tmp_path))
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert listen_problem("127.0.0.1", port).startswith(
            f"cannot listen on 127.0.0.1:{port}: Address already in use"
        )
        assert main(["serve", "--port", str(port)]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""  # no "dashboards on http://..." for a server that cannot start
    assert printed.err.startswith(f"c360 serve: cannot listen on 127.0.0.1:{port}: ")
    assert listen_problem("127.0.0.1", port) is None  # free again once the other has closed
