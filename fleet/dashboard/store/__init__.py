"""The dashboard's store: SQLite or PostgreSQL through SQLAlchemy Core, schema kept by Alembic."""
