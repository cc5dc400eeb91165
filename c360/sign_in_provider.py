"""Whether the identity provider that sign-in names answers, asked before anyone depends on it.

With the provider down or its address mistyped, Streamlit's sign-in ends on a bare
"Authentication error" page and logs a traceback (httpx's ConnectError) only when a reader
clicks "Sign in". `c360 serve` checks the provider's OpenID configuration document when it
starts (a warning: the provider may come back before anyone signs in), and the sign-in page
checks it before offering the button, so a reader is told the sign-in service does not answer
instead of being sent to that page.
"""

from __future__ import annotations

import json
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

TIMEOUT_S = 5.0
# What a client needs of the document to send a reader to sign in (OpenID Connect Discovery 1.0).
REQUIRED_KEYS = ("issuer", "authorization_endpoint", "token_endpoint")


def metadata_url(auth_file: Path) -> str | None:
    """The `[auth]` section's server_metadata_url; None when the file does not give one."""
    try:
        auth = tomllib.loads(auth_file.read_text(encoding="utf-8")).get("auth")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    url = auth.get("server_metadata_url") if isinstance(auth, dict) else None
    return url if isinstance(url, str) and url else None


def provider_problem(url: str, timeout: float = TIMEOUT_S) -> str | None:
    """Why the OpenID configuration at `url` cannot be used to sign in; None when it can."""
    configuration = f"the identity provider's configuration {url}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        return f"{configuration} answered HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{configuration} cannot be fetched: {getattr(exc, 'reason', None) or exc}"
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"{configuration} is not a JSON document"
    missing = [
        key for key in REQUIRED_KEYS if not isinstance(document, dict) or key not in document
    ]
    return f"{configuration} has no {', '.join(missing)}" if missing else None
