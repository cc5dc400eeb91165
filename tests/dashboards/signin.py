"""Sign-in settings of the tests: Streamlit's `[auth]` section for a local OpenID provider."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


OPENID_CONFIGURATION = {
    "issuer": "http://localhost",
    "authorization_endpoint": "http://localhost/authorize",
    "token_endpoint": "http://localhost/token",
}
"""What an OpenID provider's configuration document must hold for a client to send a reader to
sign in (c360.sign_in_provider.REQUIRED_KEYS)."""


@contextmanager
def openid_configuration(body: bytes | None = None, status: int = 200) -> Iterator[str]:
    """A local HTTP server answering every GET with `body` (by default a usable OpenID
    configuration) and `status`; yields its base URL."""
    payload = json.dumps(OPENID_CONFIGURATION).encode() if body is None else body

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:  # not the test's output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
