"""Alembic environment: the engine comes from markwatch (storage.migrate), never from an ini file."""

from alembic import context

from storage.migrate import include_name
from storage.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        include_name=include_name,  # the full-text indexes of 0003 are not models
    )
    context.run_migrations()
