"""comments: the key of the form a comment was written in, unique per author (a double-click makes one comment)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 06:50:00

Written by hand.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Existing comments keep an empty key: NULLs never clash in a unique constraint (SQLite and PostgreSQL).
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_comments_author_id'),
                                          ['author_id', 'submission_key'])


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_comments_author_id'), type_='unique')
        batch_op.drop_column('submission_key')
