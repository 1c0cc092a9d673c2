"""Accounts: users with argon2 password hashes, API tokens and browser sessions (only hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select, update

from fleet.dashboard.roles import Role
from fleet.dashboard.store import schema

_hasher = PasswordHasher()
#: Verified when the name is unknown, so a failed login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a password")
#: The shortest password `user add` accepts.
MIN_PASSWORD_LENGTH = 12
#: Prefix of API tokens, so a leaked one is recognisable in a scanner's report.
TOKEN_PREFIX = "kft_"


class AccountError(ValueError):
    """A user that cannot be created, or a name that does not exist."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    #: A mediator's site; None for the other roles (they see every site).
    site: str | None

    @property
    def only_site(self) -> str | None:
        """The one site this user may see, or None for all."""
        return self.site if self.role is Role.MEDIATOR else None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user(row: object) -> User:
    return User(id=row.id, name=row.name, role=Role(row.role), site=row.site)  # type: ignore[attr-defined]


def add_user(engine: Engine, name: str, role: Role, password: str, site: str | None = None) -> User:
    """Create the user, or replace the role, site and password of an existing one."""
    if not name or len(name) > 100 or not name.isprintable() or name != name.strip():
        raise AccountError("a user name is 1 to 100 printable characters, without spaces around")
    if role is Role.MEDIATOR and not site:
        raise AccountError("a mediator needs --site")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    users = schema.users
    values = {
        "role": role.value,
        "site": site if role is Role.MEDIATOR else None,
        "password_hash": _hasher.hash(password),
    }
    with engine.begin() as connection:
        existing = connection.execute(select(users.c.id).where(users.c.name == name)).scalar_one_or_none()
        if existing is None:
            connection.execute(users.insert().values(name=name, created_at=time.time(), **values))
        else:
            connection.execute(update(users).where(users.c.id == existing).values(**values))
            # A changed role or password closes the user's open browser sessions.
            connection.execute(delete(schema.web_sessions).where(schema.web_sessions.c.user_id == existing))
        row = connection.execute(select(users).where(users.c.name == name)).one()
    return _user(row)


def find_user(engine: Engine, name: str) -> User | None:
    with engine.connect() as connection:
        row = connection.execute(select(schema.users).where(schema.users.c.name == name)).first()
    return _user(row) if row else None


def check_password(engine: Engine, name: str, password: str) -> User | None:
    """The user if the password is theirs; None otherwise (in about the same time either way)."""
    users = schema.users
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.name == name)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        with engine.begin() as connection:
            connection.execute(
                update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password))
            )
    return _user(row)


def create_token(engine: Engine, name: str) -> str:
    """A new API token for the user; shown once, only its hash is kept."""
    user = find_user(engine, name)
    if user is None:
        raise AccountError(f"no user named {name!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            schema.api_tokens.insert().values(
                user_id=user.id, token_hash=_digest(token), created_at=time.time()
            )
        )
    return token


def token_user(engine: Engine, token: str) -> User | None:
    """The user a Bearer token belongs to, or None."""
    tokens = schema.api_tokens
    with engine.begin() as connection:
        row = connection.execute(
            select(schema.users, tokens.c.id.label("token_id"))
            .join(tokens, tokens.c.user_id == schema.users.c.id)
            .where(tokens.c.token_hash == _digest(token))
        ).first()
        if row is None:
            return None
        connection.execute(update(tokens).where(tokens.c.id == row.token_id).values(last_used_at=time.time()))
    return _user(row)


@dataclass(frozen=True)
class WebSession:
    user: User
    csrf_token: str


def open_session(engine: Engine, user: User, ttl_s: float) -> tuple[str, str]:
    """A new browser session: returns the cookie's value and the session's CSRF token."""
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as connection:
        connection.execute(
            schema.web_sessions.insert().values(
                session_hash=_digest(cookie),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + ttl_s,
            )
        )
    return cookie, csrf


def session_for_cookie(engine: Engine, cookie: str) -> WebSession | None:
    sessions = schema.web_sessions
    with engine.connect() as connection:
        row = connection.execute(
            select(schema.users, sessions.c.csrf_token)
            .join(sessions, sessions.c.user_id == schema.users.c.id)
            .where(sessions.c.session_hash == _digest(cookie), sessions.c.expires_at > time.time())
        ).first()
    return WebSession(_user(row), row.csrf_token) if row else None


def close_session(engine: Engine, cookie: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(schema.web_sessions).where(schema.web_sessions.c.session_hash == _digest(cookie))
        )
