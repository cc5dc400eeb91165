"""Sign-in, the reader's role, and the audit entries the dashboards write.

With `<C360_HOME>/auth.toml` present, `c360 serve` hands it to Streamlit as its secrets file and
every visitor must sign in through the OpenID provider it names (`st.login`); the role comes from
c360.access. Without it, sign-in is not configured: `c360 serve` then listens on loopback only,
and the app itself also serves only connections from this machine (Streamlit reports no address
for them), to the person at this machine as LOCAL_ROLE. Nothing here reads the warehouse, so
an anonymous visitor is sent nothing of it.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import ipaddress
import uuid
from pathlib import Path

import streamlit as st

from c360 import audit
from c360.access import AccessFileError, AccessPolicy, Grant, identity, local_grant
from c360.settings import Settings
from c360.sign_in_provider import metadata_url, provider_problem

SIGNED_IN = "_c360_sign_in_id"
PROVIDER_CHECKED_S = 30  # how long a sign-in page trusts the last check of the provider
LAST_PAGE = "_c360_last_page"


def sign_in_configured(settings: Settings) -> bool:
    """Sign-in is configured: the settings hold Streamlit's `[auth]` secrets file."""
    return settings.auth_file.is_file()


@functools.cache
def _policy(path: Path, mtime_ns: int) -> AccessPolicy:
    return AccessPolicy.load(path)


def policy(settings: Settings) -> AccessPolicy:
    """access.yml, read again only when it changed (an admin edits it while the server runs)."""
    path = settings.access_file
    return _policy(path, path.stat().st_mtime_ns if path.exists() else 0)


def _from_this_machine() -> bool:
    """The browser runs on this machine.

    Streamlit reports no address for localhost, and a script run with no browser at all
    (AppTest, in this process) has no address string.
    """
    address = st.context.ip_address
    return not isinstance(address, str) or ipaddress.ip_address(address).is_loopback


def current_grant() -> Grant | None:
    """The reader's grant; None for an anonymous visitor (or a signed-in one with no role)."""
    settings = Settings.from_env()
    if not sign_in_configured(settings):
        return local_grant(f"local:{getpass.getuser()}") if _from_this_machine() else None
    if not st.user.is_logged_in:
        return None
    return policy(settings).grant(st.user.to_dict())


def who() -> str:
    """The reader's name in the audit log (captured by callbacks that run off the script)."""
    grant = current_grant()
    return grant.who if grant else "anonymous"


def require_grant() -> Grant:
    """The reader's grant; otherwise the sign-in page (or why there is no access), then stop.

    Runs before any page, so nothing of the warehouse is read for someone without a role.
    """
    settings = Settings.from_env()
    if not sign_in_configured(settings):
        grant = current_grant()
        if grant is None:
            _stop_with(
                "These dashboards are served without sign-in, so only to this machine. "
                "To share them, configure sign-in (docs/security.md)."
            )
        return grant
    if not st.user.is_logged_in:
        st.navigation([st.Page(_sign_in_page, title="Sign in", icon=":material/login:")]).run()
        st.stop()
    try:
        grant = policy(settings).grant(st.user.to_dict())
    except AccessFileError as exc:  # edited while the server runs: say what is wrong, show nothing
        _stop_with(f"The access settings cannot be read: {exc}", sign_out=True)
    _record_sign_in(settings, grant)
    if grant is None:
        _stop_with(
            f"You are signed in as {identity(st.user.to_dict())}, but no c360 role is given to "
            "you. Ask an administrator to add you to access.yml or to a group of your identity "
            "provider that maps to a role.",
            sign_out=True,
        )
    return grant


def _stop_with(message: str, *, sign_out: bool = False) -> None:
    """Show only `message` (and a sign-out button), whatever page the URL names, and stop."""

    def no_access() -> None:
        st.title("c360")
        st.warning(message, icon=":material/lock:")
        if sign_out:
            sign_out_button(identity(st.user.to_dict()))

    st.navigation([st.Page(no_access, title="c360")], position="hidden").run()
    st.stop()


@st.cache_data(ttl=PROVIDER_CHECKED_S, show_spinner=False)
def _provider_problem(auth_file: Path) -> str | None:
    url = metadata_url(auth_file)
    return provider_problem(url) if url else None


def _sign_in_page() -> None:
    st.title("c360")
    problem = _provider_problem(Settings.from_env().auth_file)
    if problem:  # the button would end on Streamlit's bare "Authentication error" page
        st.error(
            f"Sign-in is unavailable: {problem}. Try again in a few minutes; if it lasts, "
            "tell your administrator.",
            icon=":material/cloud_off:",
        )
        return
    st.write("Sign in with your organisation's account to see the dashboards.")
    if st.button("Sign in", type="primary", icon=":material/login:", key="sign_in"):
        st.login()


def _sign_in_id(claims: dict[str, object]) -> str:
    """One sign-in at the provider: its subject, issue time and nonce (a new one each time)."""
    if "iat" not in claims and "nonce" not in claims:
        return f"session-{uuid.uuid4()}"  # no token details (AppTest): once per session
    parts = (claims.get("sub"), claims.get("iat"), claims.get("nonce"))
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]


def _record_sign_in(settings: Settings, grant: Grant | None) -> None:
    """Audit the sign-in once: the session remembers it, the log knows it across sessions."""
    if st.session_state.get(SIGNED_IN):
        return
    claims = st.user.to_dict()
    sign_in_id = _sign_in_id(claims)
    audit.record_sign_in(
        settings,
        who=grant.who if grant else identity(claims),
        role=grant.role.name if grant else None,
        sign_in_id=sign_in_id,
    )
    st.session_state[SIGNED_IN] = sign_in_id


def record_page(grant: Grant, page: str) -> None:
    """Audit a page opened: once per visit, not once per rerun (every widget change reruns)."""
    if st.session_state.get(LAST_PAGE) == page:
        return
    audit.record(Settings.from_env(), who=grant.who, action=audit.PAGE, page=page)
    st.session_state[LAST_PAGE] = page


def sign_out_button(name: str) -> None:
    """Sign out (audited first: after `st.logout` the script does not go on)."""
    if st.sidebar.button("Sign out", icon=":material/logout:", key="sign_out"):
        audit.record(Settings.from_env(), who=name, action=audit.SIGN_OUT)
        st.session_state.pop(SIGNED_IN, None)
        st.logout()
