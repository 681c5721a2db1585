"""The Alembic environment and revisions of the bot's schema (shipped in the wheel)."""
