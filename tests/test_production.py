"""Production refuses to start with a setting that is missing or only fit for development, and answers
only to the host names it is told; development keeps a random key of its own instead of a public one."""

import os
import stat

import pytest

from app import create_app
from config import DEFAULT_BASE_URL
from tests.apps import PRODUCTION_SITE, another_app, production_settings

SQLITE_FILE = "sqlite:////srv/kopiena/instance/kopiena.db"
STATIC_FILE = "/static/css/kopiena.css"  # answered without the database, which these apps never reach


def refusal(**overrides):
    with pytest.raises(RuntimeError) as refused:
        create_app("production", production_settings(**overrides))
    return str(refused.value)


def settings_named(message):
    """The settings a refusal names, one a line ("- BASE_URL must …")."""
    return [line[2:].split()[0] for line in message.splitlines() if line.startswith("- ")]


def test_production_starts_with_every_setting_given():
    with another_app("production", production_settings()) as app:
        assert app.config["TRUSTED_HOSTS"] == ["kopiena.example.lv"]


@pytest.mark.parametrize(
    "base_url", [DEFAULT_BASE_URL, "", "http://kopiena.example.lv", "https://localhost", "https://127.0.0.1:8000"]
)
def test_production_refuses_to_start_without_a_real_base_url(base_url):
    message = refusal(BASE_URL=base_url)
    assert settings_named(message) == ["BASE_URL"]
    assert "BASE_URL=https://" in message  # what to put


@pytest.mark.parametrize("database_url", [SQLITE_FILE, "sqlite://"], ids=["sqlite-file", "sqlite-memory"])
def test_production_refuses_to_start_without_postgresql(database_url):
    message = refusal(SQLALCHEMY_DATABASE_URI=database_url)
    assert settings_named(message) == ["DATABASE_URL"]
    assert "must point to PostgreSQL" in message and "DATABASE_URL=postgresql://" in message


@pytest.mark.parametrize("storage", ["memory://", ""])
def test_production_refuses_to_start_without_a_shared_rate_limit_store(storage):
    message = refusal(RATELIMIT_STORAGE_URI=storage)
    assert settings_named(message) == ["RATELIMIT_STORAGE_URI"]
    assert "RATELIMIT_STORAGE_URI=redis://" in message


def test_production_names_every_missing_setting_at_once():
    message = refusal(
        SECRET_KEY=None, BASE_URL=DEFAULT_BASE_URL, SQLALCHEMY_DATABASE_URI=SQLITE_FILE, RATELIMIT_STORAGE_URI="memory://"
    )
    assert settings_named(message) == ["SECRET_KEY", "BASE_URL", "DATABASE_URL", "RATELIMIT_STORAGE_URI"]


# --- the Host a request names ----------------------------------------------------------------------


def test_production_answers_400_to_a_host_other_than_base_urls():
    with another_app("production", production_settings()) as app:
        client = app.test_client()
        assert client.get(STATIC_FILE, base_url=PRODUCTION_SITE).status_code == 200
        assert client.get(STATIC_FILE, base_url="https://evil.example").status_code == 400


def test_production_behind_a_proxy_answers_400_to_a_forwarded_host_other_than_base_urls():
    with another_app("production", production_settings(PROXY_COUNT=1)) as app:
        client = app.test_client()
        forwarded = {"X-Forwarded-Proto": "https"}
        assert client.get(STATIC_FILE, headers={**forwarded, "X-Forwarded-Host": "kopiena.example.lv"}).status_code == 200
        assert client.get(STATIC_FILE, headers={**forwarded, "X-Forwarded-Host": "evil.example"}).status_code == 400


def test_production_also_answers_to_the_hosts_in_the_trusted_hosts_setting():
    with another_app("production", production_settings(TRUSTED_HOSTS=["10.0.0.5"])) as app:
        assert app.config["TRUSTED_HOSTS"] == ["kopiena.example.lv", "10.0.0.5"]
        assert app.test_client().get(STATIC_FILE, base_url="https://10.0.0.5").status_code == 200


# --- the development key ---------------------------------------------------------------------------


def development_app(key_file):
    return another_app(
        "development", {"SECRET_KEY": None, "SECRET_KEY_FILE": str(key_file), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


def test_development_without_secret_key_makes_a_random_key_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    with development_app(key_file) as first:
        key = first.config["SECRET_KEY"]
    with development_app(key_file) as second:
        assert second.config["SECRET_KEY"] == key  # sessions and links survive a restart
    with development_app(tmp_path / "elsewhere" / "secret_key") as another_checkout:
        assert another_checkout.config["SECRET_KEY"] != key  # not a constant anybody can read

    assert len(key) >= 32
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert [path.name for path in key_file.parent.iterdir()] == ["secret_key"]  # no drafts left behind


def test_a_secret_key_given_in_development_is_used_as_is(tmp_path):
    with another_app(
        "development",
        {"SECRET_KEY": "k" * 40, "SECRET_KEY_FILE": str(tmp_path / "secret_key"), "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    ) as app:
        assert app.config["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "secret_key").exists()
