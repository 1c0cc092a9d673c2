"""Who is asking: a session cookie (with CSRF) or a Bearer token; and what each role may do."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from enum import StrEnum

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request

from fleet.dashboard.roles import Role
from fleet.dashboard.store.accounts import User, WebSession, session_for_cookie, token_user
from fleet.dashboard.web.context import DashboardContext

SESSION_COOKIE = "fleet_session"
LOGIN_CSRF_COOKIE = "fleet_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class Permission(StrEnum):
    READ = "read"  #: the fleet, a kiosk, help requests, usage (a mediator: their site only)
    ACKNOWLEDGE = "acknowledge"  #: answer a help request
    COMMAND = "command"  #: send any command to a kiosk
    METRICS = "metrics"  #: /metrics, which covers every site


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MEDIATOR: frozenset({Permission.READ, Permission.ACKNOWLEDGE}),
    Role.VIEWER: frozenset({Permission.READ, Permission.METRICS}),
}


def may(user: User, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[user.role]


class Caller:
    """The authenticated caller of one request, and how they proved it."""

    def __init__(self, user: User, session: WebSession | None) -> None:
        self.user = user
        self.session = session

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session else ""


def caller(request: Request) -> Caller | None:
    """The caller from the Bearer token, else the session cookie; None if neither is valid."""
    context: DashboardContext = request.app.state.context
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        user = token_user(context.engine, token.strip())
        return Caller(user, None) if user else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    session = session_for_cookie(context.engine, cookie)
    return Caller(session.user, session) if session else None


async def authorize(request: Request, permission: Permission) -> Caller:
    """The caller if allowed; 401 when not logged in, 403 when the role does not allow it.

    A cookie-authenticated request that changes something must carry the session's CSRF token
    (form field or header): a token-authenticated one cannot be forged by another site.
    """
    found = await run_in_threadpool(caller, request)
    if found is None:
        raise HTTPException(401, "authentification requise")
    if not may(found.user, permission):
        raise HTTPException(403, "votre rôle ne le permet pas")
    if request.method not in ("GET", "HEAD") and found.session is not None:
        await check_csrf(request, found.session.csrf_token)
    return found


async def check_csrf(request: Request, expected: str) -> None:
    """The token from the X-CSRF-Token header, else from the form's `csrf_token` field."""
    given = request.headers.get(CSRF_HEADER, "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get(CSRF_FIELD, ""))
    if not given or not hmac.compare_digest(given, expected):
        raise HTTPException(403, "jeton CSRF manquant ou invalide")


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


class LoginThrottle:
    """At most `attempts` failed logins per name and per address within `window_s` (guessing is slow)."""

    def __init__(self, attempts: int = 10, window_s: float = 300.0) -> None:
        self._attempts = attempts
        self._window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allowed(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                failures = self._failures.get(key)
                while failures and failures[0] < now - self._window_s:
                    failures.popleft()
                if failures and len(failures) >= self._attempts:
                    return False
        return True

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
