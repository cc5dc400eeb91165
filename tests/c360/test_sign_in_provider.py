"""The identity provider's OpenID configuration, checked before a reader depends on it."""

import json

import pytest

from c360.sign_in_provider import metadata_url, provider_problem
from tests.dashboards.served import free_port
from tests.dashboards.signin import openid_configuration, write_sign_in

WELL_KNOWN = "/.well-known/openid-configuration"


def test_a_provider_that_answers_its_configuration_is_usable() -> None:
    with openid_configuration() as url:
        assert provider_problem(url + WELL_KNOWN) is None


def test_a_provider_nobody_listens_for_is_named_with_the_reason() -> None:
    url = f"http://127.0.0.1:{free_port()}{WELL_KNOWN}"
    assert provider_problem(url) == (
        f"the identity provider's configuration {url} cannot be fetched: "
        "[Errno 111] Connection refused"
    )


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        (b"not found", 404, "answered HTTP 404 Not Found"),
        (b"<html>a login portal</html>", 200, "is not a JSON document"),
        (
            json.dumps({"issuer": "x"}).encode(),
            200,
            "has no authorization_endpoint, token_endpoint",
        ),
        (b"[]", 200, "has no issuer, authorization_endpoint, token_endpoint"),
    ],
)
def test_a_configuration_a_client_cannot_use_says_why(body, status, problem) -> None:
    with openid_configuration(body, status) as url:
        assert provider_problem(url + WELL_KNOWN) == (
            f"the identity provider's configuration {url}{WELL_KNOWN} {problem}"
        )


def test_the_address_is_read_from_the_sign_in_settings(tmp_path) -> None:
    write_sign_in(tmp_path, app_url="http://localhost:8501", provider_url="http://idp.example")
    assert metadata_url(tmp_path / "auth.toml") == f"http://idp.example{WELL_KNOWN}"
    assert metadata_url(tmp_path / "missing.toml") is None
    (tmp_path / "broken.toml").write_text("[auth\n")
    assert metadata_url(tmp_path / "broken.toml") is None


def test_c360_serve_warns_when_the_provider_does_not_answer_and_not_when_it_does(
    tmp_path, capsys
) -> None:
    from c360.cli.warehouse import _warn_if_the_provider_does_not_answer
    from c360.settings import Settings

    settings = Settings.from_env({"C360_HOME": str(tmp_path)})
    dead = f"http://127.0.0.1:{free_port()}"
    write_sign_in(tmp_path, app_url="http://localhost:8501", provider_url=dead)
    _warn_if_the_provider_does_not_answer(settings)
    assert capsys.readouterr().err == (
        f"c360 serve: warning: the identity provider's configuration {dead}{WELL_KNOWN} cannot "
        "be fetched: [Errno 111] Connection refused; nobody can sign in until it answers\n"
    )
    with openid_configuration() as url:
        write_sign_in(tmp_path, app_url="http://localhost:8501", provider_url=url)
        _warn_if_the_provider_does_not_answer(settings)
    assert capsys.readouterr() == ("", "")
