"""case documents' serial numbers (文号) taken from a counter per year, and unique

``document_serials``: the last serial given out in each (local) year; ``storage.casework`` takes the next
one by moving the counter on, where it used to count the year's documents, which gave a serial twice
after a document was deleted or when two were issued at once. ``case_documents.serial_year`` and
``serial`` keep each document's, unique together. Documents issued before keep the serial their number
shows (the first of any that repeat one), and each year's counter starts after the largest.

Revision ID: 0017
Revises: 0013
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0013"
branch_labels = None
depends_on = None

NUMBER = re.compile(r"〔(\d{4})〕(\d+)号$")  # review.cases.documents.document_number's year and serial


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "document_serials" not in set(inspector.get_table_names()):
        op.create_table(
            "document_serials",
            sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("last", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("year", name=op.f("pk_document_serials")),
        )
    columns = {c["name"] for c in inspector.get_columns("case_documents")}
    for name in ("serial_year", "serial"):
        if name not in columns:
            op.add_column("case_documents", sa.Column(name, sa.Integer(), nullable=True))
    _number_the_documents_issued()
    op.create_index(
        "ix_case_documents_serial",
        "case_documents",
        ["serial_year", "serial"],
        unique=True,
        if_not_exists=True,
    )


def _number_the_documents_issued() -> None:
    bind = op.get_bind()
    documents = sa.table("case_documents", sa.column("id"), sa.column("number"), sa.column("serial"))
    counters = sa.table("document_serials", sa.column("year"), sa.column("last"))
    seen: set[tuple[int, int]] = set()
    rows = bind.execute(
        sa.select(documents.c.id, documents.c.number)
        .where(documents.c.serial.is_(None))
        .order_by(documents.c.id)
    )
    for document_id, number in list(rows):
        match = NUMBER.search(number or "")
        if match is None or (int(match[1]), int(match[2])) in seen:
            continue
        year, serial = int(match[1]), int(match[2])
        seen.add((year, serial))
        bind.execute(
            sa.text("UPDATE case_documents SET serial_year = :year, serial = :serial WHERE id = :id"),
            {"year": year, "serial": serial, "id": document_id},
        )
    last: dict[int, int] = {}
    for year, serial in seen:
        last[year] = max(serial, last.get(year, 0))
    known = set(bind.scalars(sa.select(counters.c.year)))
    for year, serial in sorted(last.items()):
        if year not in known:
            bind.execute(sa.insert(counters).values(year=year, last=serial))


def downgrade() -> None:
    op.drop_index("ix_case_documents_serial", table_name="case_documents", if_exists=True)
    with op.batch_alter_table("case_documents") as batch:
        batch.drop_column("serial")
        batch.drop_column("serial_year")
    op.drop_table("document_serials")
