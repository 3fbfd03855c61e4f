"""audit entries: entries about the signed-in person named their subject "LocalProxy" (the current_user proxy)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 14:00:00

Written by hand. Only current_user was ever passed as a proxy, so every such entry is about a person.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE audit_entries SET subject_type = 'User' WHERE subject_type = 'LocalProxy'")


def downgrade():
    pass  # the old name was a mistake; nothing to restore
