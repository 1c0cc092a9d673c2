"""Initial schema: kiosks, history, events, usage, commands, alerts, accounts.

Revision ID: 0001
Revises: none

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("raised_at", sa.Float(), nullable=False),
        sa.Column("cleared_at", sa.Float(), nullable=True),
        sa.Column("detail", sa.String(length=200), server_default="", nullable=False),
        sa.Column("active_key", sa.String(length=240), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_key"),
    )
    op.create_index("ix_alerts_raised", "alerts", ["raised_at"], unique=False)

    op.create_table(
        "commands",
        sa.Column("command_id", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("arguments", sa.Text(), server_default="{}", nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column("answered_at", sa.Float(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("command_id"),
    )
    op.create_index("ix_commands_kiosk_time", "commands", ["site", "kiosk_id", "requested_at"], unique=False)

    op.create_table(
        "events",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("occurred_at", sa.Float(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("data", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_events_kind_time", "events", ["kind", "occurred_at"], unique=False)
    op.create_index("ix_events_kiosk_time", "events", ["site", "kiosk_id", "occurred_at"], unique=False)
    op.create_index("ix_events_received", "events", ["received_at"], unique=False)

    op.create_table(
        "health_samples",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("cpu_percent", sa.Float(), nullable=True),
        sa.Column("memory_percent", sa.Float(), nullable=True),
        sa.Column("disk_percent", sa.Float(), nullable=True),
        sa.Column("temperature_c", sa.Float(), nullable=True),
        sa.Column("printer_detail", sa.String(length=50), server_default="", nullable=False),
        sa.Column("reader_detail", sa.String(length=50), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_health_samples_kiosk_time", "health_samples", ["site", "kiosk_id", "received_at"], unique=False
    )
    op.create_index("ix_health_samples_time", "health_samples", ["received_at"], unique=False)

    op.create_table(
        "help_requests",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("procedure", sa.String(length=100), nullable=True),
        sa.Column("step", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=50), server_default="help_button", nullable=False),
        sa.Column("requested_at", sa.Float(), nullable=False),
        sa.Column("acknowledged_at", sa.Float(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("changed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(op.f("ix_help_requests_changed_at"), "help_requests", ["changed_at"], unique=False)
    op.create_index("ix_help_requests_site_time", "help_requests", ["site", "requested_at"], unique=False)

    op.create_table(
        "kiosks",
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), server_default="unknown", nullable=False),
        sa.Column("bd_seq", sa.Integer(), nullable=True),
        sa.Column("state_detail", sa.String(length=200), server_default="", nullable=False),
        sa.Column("state_at", sa.Float(), nullable=True),
        sa.Column("last_seen_at", sa.Float(), nullable=False),
        sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("changed_at", sa.Float(), nullable=False),
        sa.Column("health_seq", sa.Integer(), nullable=True),
        sa.Column("app_version", sa.String(length=50), server_default="", nullable=False),
        sa.Column("content_version", sa.String(length=50), server_default="", nullable=False),
        sa.Column("content_checked_on", sa.String(length=10), nullable=True),
        sa.Column("uptime_s", sa.Float(), nullable=True),
        sa.Column("screen", sa.String(length=50), server_default="", nullable=False),
        sa.Column("cpu_percent", sa.Float(), nullable=True),
        sa.Column("memory_percent", sa.Float(), nullable=True),
        sa.Column("disk_percent", sa.Float(), nullable=True),
        sa.Column("temperature_c", sa.Float(), nullable=True),
        sa.Column("speech", sa.String(length=50), server_default="", nullable=False),
        sa.Column("reconnects", sa.Integer(), server_default="0", nullable=False),
        sa.Column("printer_present", sa.Boolean(), nullable=True),
        sa.Column("printer_ready", sa.Boolean(), nullable=True),
        sa.Column("printer_detail", sa.String(length=50), server_default="", nullable=False),
        sa.Column("reader_present", sa.Boolean(), nullable=True),
        sa.Column("reader_ready", sa.Boolean(), nullable=True),
        sa.Column("reader_detail", sa.String(length=50), server_default="", nullable=False),
        sa.Column("devices", sa.Text(), server_default="[]", nullable=False),
        sa.Column("problems", sa.String(length=200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("site", "kiosk_id"),
    )
    op.create_index(op.f("ix_kiosks_changed_at"), "kiosks", ["changed_at"], unique=False)

    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "sessions",
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("ended_at", sa.Float(), nullable=False),
        sa.Column("procedure", sa.String(length=100), server_default="", nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("help_requested", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=10), server_default="", nullable=False),
        sa.Column("features", sa.String(length=200), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(op.f("ix_sessions_day"), "sessions", ["day"], unique=False)

    op.create_table(
        "state_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("kiosk_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("bd_seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site", "kiosk_id", "bd_seq", "state", name="uq_state_history_kiosk_seq_state"),
    )
    op.create_index(op.f("ix_state_history_at"), "state_history", ["at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_used_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_hash"),
    )
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")

    op.drop_table("web_sessions")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_index(op.f("ix_state_history_at"), table_name="state_history")

    op.drop_table("state_history")
    op.drop_index(op.f("ix_sessions_day"), table_name="sessions")

    op.drop_table("sessions")
    op.drop_table("leases")
    op.drop_index(op.f("ix_kiosks_changed_at"), table_name="kiosks")

    op.drop_table("kiosks")
    op.drop_index("ix_help_requests_site_time", table_name="help_requests")
    op.drop_index(op.f("ix_help_requests_changed_at"), table_name="help_requests")

    op.drop_table("help_requests")
    op.drop_index("ix_health_samples_time", table_name="health_samples")
    op.drop_index("ix_health_samples_kiosk_time", table_name="health_samples")

    op.drop_table("health_samples")
    op.drop_index("ix_events_received", table_name="events")
    op.drop_index("ix_events_kiosk_time", table_name="events")
    op.drop_index("ix_events_kind_time", table_name="events")

    op.drop_table("events")
    op.drop_index("ix_commands_kiosk_time", table_name="commands")

    op.drop_table("commands")
    op.drop_index("ix_alerts_raised", table_name="alerts")

    op.drop_table("alerts")
