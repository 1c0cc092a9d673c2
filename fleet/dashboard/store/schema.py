"""The tables: each kiosk's current state, its history, events, usage, commands, alerts and accounts.

Times are UTC seconds since the epoch (floats): the same on SQLite and PostgreSQL, cheap to
compare and to index. A kiosk is known by its site and its id together (its topic root): a
kiosk id is unique within its site only. The Alembic migrations under migrations/ create
exactly these tables; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

kiosks = Table(
    "kiosks",
    metadata,
    Column("site", String(100), primary_key=True),
    Column("kiosk_id", String(100), primary_key=True),
    Column("state", String(20), nullable=False, server_default="unknown"),
    Column("bd_seq", Integer),
    Column("state_detail", String(200), nullable=False, server_default=""),
    Column("state_at", Float),
    Column("last_seen_at", Float, nullable=False),
    #: Nothing heard for longer than the offline delay (the alert monitor sets it, a message clears it).
    Column("silent", Boolean, nullable=False, server_default=false()),
    #: When something shown in the fleet table last changed: the live updates poll on it.
    Column("changed_at", Float, nullable=False, index=True),
    Column("health_seq", Integer),
    Column("app_version", String(50), nullable=False, server_default=""),
    Column("content_version", String(50), nullable=False, server_default=""),
    Column("content_checked_on", String(10)),
    Column("uptime_s", Float),
    Column("screen", String(50), nullable=False, server_default=""),
    Column("cpu_percent", Float),
    Column("memory_percent", Float),
    Column("disk_percent", Float),
    Column("temperature_c", Float),
    Column("speech", String(50), nullable=False, server_default=""),
    Column("reconnects", Integer, nullable=False, server_default="0"),
    Column("printer_present", Boolean),
    Column("printer_ready", Boolean),
    Column("printer_detail", String(50), nullable=False, server_default=""),
    Column("reader_present", Boolean),
    Column("reader_ready", Boolean),
    Column("reader_detail", String(50), nullable=False, server_default=""),
    #: Every device of the last health message, as JSON (a list of objects).
    Column("devices", Text, nullable=False, server_default="[]"),
    #: The device problems of the last health message, each between commas (",paper_out,"), so
    #: that a filter is one LIKE; "" when there is none.
    Column("problems", String(200), nullable=False, server_default=""),
)

health_samples = Table(
    "health_samples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(100), nullable=False),
    Column("kiosk_id", String(100), nullable=False),
    Column("received_at", Float, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("cpu_percent", Float),
    Column("memory_percent", Float),
    Column("disk_percent", Float),
    Column("temperature_c", Float),
    Column("printer_detail", String(50), nullable=False, server_default=""),
    Column("reader_detail", String(50), nullable=False, server_default=""),
    Index("ix_health_samples_kiosk_time", "site", "kiosk_id", "received_at"),
    Index("ix_health_samples_time", "received_at"),
)

state_history = Table(
    "state_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site", String(100), nullable=False),
    Column("kiosk_id", String(100), nullable=False),
    Column("state", String(20), nullable=False),
    Column("bd_seq", Integer, nullable=False),
    Column("at", Float, nullable=False, index=True),
    # A retained state is delivered again to every new subscriber: stored once per birth.
    UniqueConstraint("site", "kiosk_id", "bd_seq", "state", name="uq_state_history_kiosk_seq_state"),
)

events = Table(
    "events",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("kiosk_id", String(100), nullable=False),
    Column("site", String(100), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("occurred_at", Float, nullable=False),
    Column("received_at", Float, nullable=False),
    Column("data", Text, nullable=False, server_default="{}"),
    Index("ix_events_kiosk_time", "site", "kiosk_id", "occurred_at"),
    Index("ix_events_kind_time", "kind", "occurred_at"),
    Index("ix_events_received", "received_at"),
)

help_requests = Table(
    "help_requests",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("kiosk_id", String(100), nullable=False),
    Column("site", String(100), nullable=False),
    Column("procedure", String(100)),
    Column("step", String(100)),
    Column("reason", String(50), nullable=False, server_default="help_button"),
    Column("requested_at", Float, nullable=False),
    Column("acknowledged_at", Float),
    Column("acknowledged_by", String(100)),
    #: When the dashboard received or acknowledged it (its own clock, unlike the kiosk's
    #: `requested_at`): the mediators' live view polls on it.
    Column("changed_at", Float, nullable=False, index=True),
    Index("ix_help_requests_site_time", "site", "requested_at"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("kiosk_id", String(100), nullable=False),
    Column("site", String(100), nullable=False),
    #: The UTC day the session ended on (ISO date): the unit of the usage page and the open data.
    Column("day", String(10), nullable=False, index=True),
    Column("ended_at", Float, nullable=False),
    Column("procedure", String(100), nullable=False, server_default=""),
    Column("duration_s", Float, nullable=False),
    Column("completed", Boolean, nullable=False),
    Column("help_requested", Boolean, nullable=False),
    Column("satisfaction", Integer),
    Column("language", String(10), nullable=False, server_default=""),
    #: Accessibility features used, comma-separated ("speech,large_text").
    Column("features", String(200), nullable=False, server_default=""),
)

commands = Table(
    "commands",
    metadata,
    #: Also the MQTT correlation data, so an answer finds its command from any serve process.
    Column("command_id", String(32), primary_key=True),
    Column("site", String(100), nullable=False),
    Column("kiosk_id", String(100), nullable=False),
    Column("name", String(50), nullable=False),
    Column("arguments", Text, nullable=False, server_default="{}"),
    Column("requested_by", String(100), nullable=False),
    Column("requested_at", Float, nullable=False),
    #: "pending" until the kiosk answers, then the kiosk's "ok", "refused" or "error".
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("answered_at", Float),
    Column("answer", Text),
    Index("ix_commands_kiosk_time", "site", "kiosk_id", "requested_at"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(100), nullable=False),
    Column("site", String(100), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("raised_at", Float, nullable=False),
    Column("cleared_at", Float),
    Column("detail", String(200), nullable=False, server_default=""),
    #: "site/kiosk_id/kind" while the alert is active, NULL once cleared: at most one active
    #: alert of a kind per kiosk, even with several serve processes.
    Column("active_key", String(240), unique=True),
    Index("ix_alerts_raised", "raised_at"),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("site", String(100)),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    #: SHA-256 of the token: the token itself is shown once and never stored.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("last_used_at", Float),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    #: SHA-256 of the cookie's value, so a leaked database does not open sessions.
    Column("session_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

leases = Table(
    "leases",
    metadata,
    #: A job that one serve process runs for all of them (alerts, pruning).
    Column("name", String(50), primary_key=True),
    Column("holder", String(100), nullable=False),
    Column("expires_at", Float, nullable=False),
)
