"""Sign-in settings of the tests: Streamlit's `[auth]` section for a local OpenID provider."""

from pathlib import Path


def write_sign_in(home: Path, *, app_url: str, provider_url: str, access: str = "") -> None:
    """Configure sign-in under `home`: auth.toml for the provider at `provider_url` (any client id
    and secret: the mock accepts them) and `access` as access.yml."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "auth.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        'cookie_secret = "c360-tests-cookie-secret-of-some-length"\n'
        'client_id = "c360"\n'
        'client_secret = "c360-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n'
    )
    (home / "access.yml").write_text(access)
