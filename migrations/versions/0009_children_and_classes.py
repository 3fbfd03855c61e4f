"""registrations: each companion with an age group ({"name", "age_group"} instead of a first name), and school
classes (pupils with their responsible teacher, registered by a representative of the school)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00

Written by hand. Existing companions become {"name": <the name>, "age_group": ""} (the age group was never
asked). uq_registrations_active now covers a person's own registrations only (pupils IS NULL); classes have
their own index, one active registration per school, label and activity. Alembic compares neither partial
index conditions nor CHECK constraints, so both are dropped and made again here explicitly.

Downgrade: companions go back to their names; class registrations cannot be expressed without these columns,
so they are deleted and the places they held are given back to their activities.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ACTIVE = "state IN ('registered', 'waiting')"
HOLDING_PLACES = "('registered', 'attended', 'no_show')"

registrations = sa.table(
    'registrations',
    sa.column('id', sa.Integer()),
    sa.column('companions', sa.JSON()),
)


def convert_companions(convert):
    """Rewrite every registration's companions with convert(list) -> list (only rows that change)."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(registrations.c.id, registrations.c.companions)).all()
    for row_id, companions in rows:
        new = convert(companions or [])
        if new != (companions or []):
            bind.execute(registrations.update().where(registrations.c.id == row_id).values(companions=new))


def with_age_groups(companions):
    """["Līva"] -> [{"name": "Līva", "age_group": ""}]; entries already converted are kept as they are."""
    return [item if isinstance(item, dict) else {"name": str(item), "age_group": ""} for item in companions]


def names_only(companions):
    """[{"name": "Līva", "age_group": "7-9"}] -> ["Līva"]."""
    names = [item.get("name", "") if isinstance(item, dict) else str(item) for item in companions]
    return [name for name in names if name]


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registrations_active')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pupils', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('responsible_teacher', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('class_label', sa.String(length=40), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_registrations_organisation_id_organisations'), 'organisations',
                                    ['organisation_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(batch_op.f('ck_registrations_class_places'),
                                         'pupils IS NULL OR (pupils >= 1 AND places = pupils + 1)')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('uq_registrations_active', ['activity_id', 'user_id'], unique=True,
                              sqlite_where=sa.text(f"{ACTIVE} AND pupils IS NULL"),
                              postgresql_where=sa.text(f"{ACTIVE} AND pupils IS NULL"))
        batch_op.create_index('uq_registrations_active_class', ['activity_id', 'organisation_id', 'class_label'],
                              unique=True,
                              sqlite_where=sa.text(f"{ACTIVE} AND pupils IS NOT NULL"),
                              postgresql_where=sa.text(f"{ACTIVE} AND pupils IS NOT NULL"))

    convert_companions(with_age_groups)


def downgrade():
    convert_companions(names_only)
    bind = op.get_bind()
    # The places the classes hold go back to their activities, then the classes go.
    bind.execute(sa.text(
        "UPDATE activities SET registered_count = registered_count - ("
        " SELECT COALESCE(SUM(places), 0) FROM registrations"
        f" WHERE registrations.activity_id = activities.id AND pupils IS NOT NULL AND state IN {HOLDING_PLACES})"
    ))
    bind.execute(sa.text("DELETE FROM registrations WHERE pupils IS NOT NULL"))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_registrations_active_class')
        batch_op.drop_index('uq_registrations_active')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registrations_class_places'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_registrations_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('class_label')
        batch_op.drop_column('responsible_teacher')
        batch_op.drop_column('pupils')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('uq_registrations_active', ['activity_id', 'user_id'], unique=True,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
