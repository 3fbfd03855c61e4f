"""Migration 0009 on both databases: companions written as first names become {"name", "age_group": ""} and go back
to names on downgrade; class registrations are dropped on downgrade with their places given back; the indexes
keep a person to one active registration while a school may register several classes."""

import json

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from tests.test_migrations import empty_database_app, keep_logging  # noqa: F401  (fixtures)

NOW = "2026-12-01 10:00:00"


def run(sql, **params):
    """One statement, committed (the migrations read what is committed)."""
    with db.engine.begin() as connection:
        return connection.execute(text(sql), params)


def seed_before_0009():
    """A centre, two people, a school, an activity and two registrations written as 0008 wrote them."""
    run(f"INSERT INTO centres (id, slug, name, municipality, is_active, created_at) VALUES (1, 'p', 'P', 'P', true, '{NOW}')")
    for user_id in (1, 2):
        run(
            "INSERT INTO users (id, email, display_name, password_hash, language, about, skills, interests, is_admin,"
            f" created_at) VALUES ({user_id}, 'p{user_id}@example.lv', 'P', 'x', 'lv', '', '', '', false, '{NOW}')"
        )
    run(
        f"INSERT INTO organisations (id, name, kind, centre_id, description, website, contact_email, contact_phone, created_at,"
        f" updated_at) VALUES (1, 'Skola', 'school', 1, '', '', '', '', '{NOW}', '{NOW}')"
    )
    run(
        "INSERT INTO activities (id, title, description, centre_id, place, starts_at, ends_at, leader_name, capacity,"
        " registered_count, state, cancel_reason, outcome, created_at, updated_at) VALUES (1, 'A', '', 1, '',"
        f" '2027-01-01 10:00:00', '2027-01-01 12:00:00', '', 40, 4, 'open', '', '', '{NOW}', '{NOW}')"
    )
    for reg_id, user_id, companions, places in ((1, 1, '["Līva", "Markuss"]', 3), (2, 2, "[]", 1)):
        run(
            "INSERT INTO registrations (id, activity_id, user_id, includes_self, companions, places, state, created_at)"
            f" VALUES ({reg_id}, 1, {user_id}, true, :companions, {places}, 'registered', '{NOW}')",
            companions=companions,
        )


def companions_of(registration_id):
    """The stored list (PostgreSQL's driver decodes JSON itself, SQLite's hands over the text)."""
    value = run(f"SELECT companions FROM registrations WHERE id = {registration_id}").scalar_one()
    return json.loads(value) if isinstance(value, str) else value


def add_class(reg_id, label, pupils=24, state="registered"):
    run(
        "INSERT INTO registrations (id, activity_id, user_id, includes_self, companions, places, state, created_at,"
        " organisation_id, pupils, responsible_teacher, class_label)"
        f" VALUES ({reg_id}, 1, 2, false, '[]', {pupils + 1}, '{state}', '{NOW}', 1, {pupils}, 'Ilze Liepa', '{label}')"
    )


def test_companions_get_an_age_group_and_classes_their_own_rule_and_downgrade_goes_back(empty_database_app):  # noqa: F811
    upgrade(revision="0008")
    seed_before_0009()
    upgrade(revision="0009")
    assert companions_of(1) == [{"name": "Līva", "age_group": ""}, {"name": "Markuss", "age_group": ""}]
    assert companions_of(2) == []

    # a representative (person 2, registered themselves too) registers two classes; the same class twice is refused
    add_class(3, "6.a")
    add_class(4, "6.b", pupils=9)
    run("UPDATE activities SET registered_count = registered_count + 35")
    with pytest.raises(IntegrityError):
        add_class(5, "6.b")
    with pytest.raises(IntegrityError):  # and a person still has one registration of their own per activity
        run(
            "INSERT INTO registrations (id, activity_id, user_id, includes_self, companions, places, state, created_at)"
            f" VALUES (6, 1, 1, true, '[]', 1, 'waiting', '{NOW}')"
        )
    with pytest.raises(IntegrityError):  # a class takes its pupils and the teacher
        add_class(7, "7.a", pupils=0)

    downgrade(revision="0008")
    assert companions_of(1) == ["Līva", "Markuss"]
    assert run("SELECT COUNT(*) FROM registrations").scalar_one() == 2
    assert run("SELECT registered_count FROM activities").scalar_one() == 4
    with pytest.raises(IntegrityError):
        run(
            "INSERT INTO registrations (id, activity_id, user_id, includes_self, companions, places, state, created_at)"
            f" VALUES (6, 1, 1, true, '[]', 1, 'waiting', '{NOW}')"
        )
    upgrade()
    assert companions_of(1)[0] == {"name": "Līva", "age_group": ""}
