"""Urgent news with the real processes of `make run` (tests/test_processes.py's make_run): a volunteer who reads a
daily digest is accepted for a role on the web server, and the mail worker (`flask send-mail --loop`) mails it at once.
"""

import re
import time

import pytest

from app.cli import DEMO_PASSWORD
from tests.databases import BACKENDS
from tests.test_processes import Browser, make_run, smtp_sink

pytestmark = pytest.mark.real_commits

COORDINATOR = "koordinatore.preili@kopiena.example"
VOLUNTEER = "valdis@kopiena.example"
ROLE = "Sienu krāsotājs"


def logged_in(base_url, email):
    browser = Browser(base_url)
    status, page = browser.submit("/login", "/login", {"email": email, "password": DEMO_PASSWORD})
    assert status == 302, f"logging in as {email} failed: {page[:500]}"
    return browser


def activity_taking_roles(coordinator):
    """The path of an upcoming demo activity to which the coordinator can add a volunteer role."""
    for activity_id in dict.fromkeys(re.findall(r'href="/activities/(\d+)[^"]*"', coordinator.get("/activities"))):
        if f'href="/activities/{activity_id}/roles/new"' in coordinator.get(f"/activities/{activity_id}"):
            return f"/activities/{activity_id}"
    raise AssertionError("the demo coordinator has no activity that takes volunteer roles")


def wait_for_mail(sink, address, words, timeout):
    """The first mail to the address whose subject contains the words (waits for the worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(sink.messages):
            if message["To"] == address and words in message["Subject"]:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} about {words!r}; got {[(m['To'], m['Subject']) for m in sink.messages]}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_digest_readers_accepted_signup_is_mailed_by_the_worker_at_once(backend, tmp_path):
    with smtp_sink() as (sink, mail_port), make_run(backend, tmp_path, mail_port) as (base_url, _database_url, processes):
        coordinator = logged_in(base_url, COORDINATOR)
        activity_path = activity_taking_roles(coordinator)
        status, page = coordinator.submit(
            f"{activity_path}/roles/new",
            f"{activity_path}/roles/new",
            {"name": ROLE, "description": "Krāsosim sienu skolas pagalmā.", "places": "2"},
        )
        assert status == 302, page[:500]

        volunteer = logged_in(base_url, VOLUNTEER)
        settings = "/me/notifications/settings"
        status, page = volunteer.submit(settings, settings, {"email_own_ideas": "daily", "email_other": "daily"})
        assert status == 302, page[:500]
        # the newest role on the page is the one just added (the demo activity has its own auto-accepting role)
        role_id = max(int(found) for found in re.findall(r'action="/roles/(\d+)/apply"', volunteer.get(activity_path)))
        status, page = volunteer.submit(activity_path, f"/roles/{role_id}/apply", {"message": "Palīdzēšu."})
        assert status == 302, page[:500]

        signups = f"/roles/{role_id}/signups"
        accept = re.search(r'action="(/signups/\d+/accept)"', coordinator.get(signups)).group(1)
        status, page = coordinator.submit(signups, accept, {})
        assert status == 302, page[:500]

        mail = wait_for_mail(sink, VOLUNTEER, ROLE, timeout=60)  # a loaded CI machine; the worker polls every few seconds
        assert base_url + activity_path in mail.get_body(("plain",)).get_content()
        processes.assert_running()
