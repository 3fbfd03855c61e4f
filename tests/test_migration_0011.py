"""Migration 0011 on both databases keeps every row. On SQLite it rebuilds `ideas`, `comments` and `activities`
(batch mode: copy, drop, rename); with foreign keys on, dropping the old table would cascade-delete the comments,
supports, reports and registrations that refer to it, so migrations/env.py turns them off while migrating."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy.exc import IntegrityError

from tests.test_migration_0009 import NOW, run
from tests.test_migrations import empty_database_app, keep_logging  # noqa: F401  (fixtures)

#: the tables whose rows refer to the tables 0011 rebuilds
KEPT = (
    "ideas",
    "idea_events",
    "supports",
    "follows",
    "comments",
    "comment_reports",
    "activities",
    "registrations",
    "volunteer_roles",
    "signups",
    "notifications",
)


def seed_before_0011():
    """A centre, two people, an idea with its history, a support, a follow, a comment with a reply and a report,
    an activity grown from it with a registration, a role with a sign-up, and a notification — as 0010 wrote them."""
    run(f"INSERT INTO centres (id, slug, name, municipality, is_active, created_at) VALUES (1, 'p', 'P', 'P', true, '{NOW}')")
    for user_id in (1, 2):
        run(
            "INSERT INTO users (id, email, display_name, password_hash, language, about, skills, interests, is_admin,"
            f" created_at) VALUES ({user_id}, 'p{user_id}@example.lv', 'P', 'x', 'lv', '', '', '', false, '{NOW}')"
        )
    run(
        "INSERT INTO categories (id, slug, name_lv, name_en, position, is_active) VALUES (1, 'vide', 'Vide', 'Environment',"
        " 1, true)"
    )
    run(
        "INSERT INTO ideas (id, title, summary, description, kind, category_id, centre_id, author_id, place, needs,"
        " seeking_school_partner, partner_age_groups, partner_subjects, state, search_text, support_count, comment_count,"
        f" created_at, updated_at, published_at) VALUES (1, 'Soliņi', 'S', '', 'local_improvement', 1, 1, 1, '', '', false,"
        f" '', '', 'promoted', 'solini', 1, 2, '{NOW}', '{NOW}', '{NOW}')"
    )
    run(
        "INSERT INTO idea_events (id, idea_id, actor_id, from_state, to_state, reason, created_at)"
        f" VALUES (1, 1, 2, 'submitted', 'published', '', '{NOW}')"
    )
    run(f"INSERT INTO supports (idea_id, user_id, created_at) VALUES (1, 2, '{NOW}')")
    run(f"INSERT INTO follows (idea_id, user_id, created_at) VALUES (1, 2, '{NOW}')")
    for comment_id, parent in ((1, "NULL"), (2, "1")):
        run(
            "INSERT INTO comments (id, idea_id, author_id, parent_id, body, created_at, hidden_reason, open_report_count)"
            f" VALUES ({comment_id}, 1, 2, {parent}, 'Labi', '{NOW}', '', 1)"
        )
    run(f"INSERT INTO comment_reports (id, comment_id, reporter_id, reason, created_at) VALUES (1, 1, 1, 'x', '{NOW}')")
    run(
        "INSERT INTO activities (id, title, description, centre_id, place, starts_at, ends_at, leader_name, capacity,"
        " registered_count, state, cancel_reason, outcome, idea_id, created_at, updated_at) VALUES (1, 'A', '', 1, '',"
        f" '2027-01-01 10:00:00', '2027-01-01 12:00:00', '', 40, 1, 'open', '', '', 1, '{NOW}', '{NOW}')"
    )
    run(
        "INSERT INTO registrations (id, activity_id, user_id, includes_self, companions, places, state, created_at)"
        f" VALUES (1, 1, 2, true, '[]', 1, 'registered', '{NOW}')"
    )
    run(
        "INSERT INTO volunteer_roles (id, idea_id, activity_id, name, description, skills, places, auto_accept,"
        f" accepted_count, created_at) VALUES (1, 1, 1, 'Palīgs', '', '', 2, false, 0, '{NOW}')"
    )
    run(f"INSERT INTO signups (id, role_id, user_id, message, state, created_at) VALUES (1, 1, 2, '', 'applied', '{NOW}')")
    run(
        "INSERT INTO notifications (id, user_id, event, idea_id, comment_id, activity_id, data, created_at, email_status)"
        f" VALUES (1, 1, 'comment_new', 1, 1, 1, '{{}}', '{NOW}', 'none')"
    )


def add_comment(columns, values):
    """Comment 3 by person 1, on what the columns and values say (both empty: on nothing)."""
    columns, values = (f"{columns}, ", f"{values}, ") if columns else ("", "")
    run(
        f"INSERT INTO comments (id, {columns}author_id, body, created_at, hidden_reason, open_report_count)"
        f" VALUES (3, {values}1, 'x', '{NOW}', '', 0)"
    )


def counts():
    return {table: run(f"SELECT COUNT(*) FROM {table}").scalar_one() for table in KEPT}


def test_every_row_survives_0011_up_and_down_and_a_comment_is_on_one_thing(empty_database_app):  # noqa: F811
    upgrade(revision="0010")
    seed_before_0011()
    before = counts()
    assert all(before.values()), before

    upgrade(revision="0011")
    assert counts() == before
    assert run("SELECT comment_count FROM activities").scalar_one() == 0
    assert run("SELECT open_report_count, hidden_reason FROM ideas").one() == (0, "")
    with pytest.raises(IntegrityError):  # on an idea and an activity at once
        add_comment("idea_id, activity_id", "1, 1")
    with pytest.raises(IntegrityError):  # on nothing
        add_comment("", "")
    add_comment("activity_id", "1")

    downgrade(revision="0010")
    assert counts() == before  # the comment on the activity went; everything else stayed
    upgrade()
    assert counts() == before
