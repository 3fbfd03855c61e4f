"""Flask commands: seed-centres, seed-categories, seed-demo, create-admin, send-mail, send-digests, send-reminders, purge,
worker, reindex-search."""

import getpass
import logging
import time

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.accounts.models import User
from app.accounts.passwords import hash_password, password_problem
from app.accounts.services import create_admin, normalise_email
from app.activities.demo import seed_demo_activities
from app.centres.models import Centre
from app.centres.services import seed_initiative_centres
from app.extensions import db
from app.ideas.demo import seed_demo_ideas
from app.ideas.services import seed_categories
from app.legal.services import record_consents
from app.organisations.demo import seed_demo_organisations
from app.partnerships.demo import seed_demo_partner_calls
from app.privacy.retention import purge
from app.promotion.demo import seed_demo_promoted_activity
from app.search_index import REINDEX_BATCH_SIZE, reindex, searched_models
from app.timeutil import utcnow
from app.worker.jobs import run_now, send_mail_round
from app.worker.loop import job_times, run_worker

log = logging.getLogger(__name__)

#: the demo accounts of `flask seed-demo`, listed in the README; never for production
DEMO_PASSWORD = "kopiena-demo-parole"
DEMO_PEOPLE = [
    # e-mail, name, home centre, admin?, moderates
    ("admin@kopiena.example", "Administratore Inese", "preili", True, []),
    ("koordinatore.preili@kopiena.example", "Koordinatore Dace (Preiļi)", "preili", False, ["preili"]),
    ("koordinators.aglona@kopiena.example", "Koordinators Jānis (Aglona)", "aglona", False, ["aglona"]),
    ("koordinatore.rezekne@kopiena.example", "Koordinatore Ilze (Rēzekne)", "rezekne", False, ["rezekne"]),
    ("koordinators.daugavpils@kopiena.example", "Koordinators Pēteris (Daugavpils)", "daugavpils", False, ["daugavpils"]),
    ("anna@kopiena.example", "Anna Bērziņa", "preili", False, []),
    ("valdis@kopiena.example", "Valdis Ozols", "preili", False, []),
    ("marija@kopiena.example", "Marija Kalniņa", "rezekne", False, []),
    ("skolotaja.ilga@kopiena.example", "Skolotāja Ilga (Preiļu 1. pamatskola)", "preili", False, []),
]
#: demo people who filled in their profile and show it to others (/people/<id>)
DEMO_PROFILES = {
    "anna@kopiena.example": {
        "about": "Strādāju bibliotēkā un brīvajā laikā veidoju keramiku.\n\nLabprāt palīdzu ar **darbnīcām** bērniem.",
        "skills": "keramika, fotografēšana, pasākumu vadīšana",
        "interests": "vide, seniori, amatniecība",
        "profile_public": True,
    },
}


def register_commands(app):
    """Add Kopiena's commands to `flask`: seeding, create-admin, send-mail, digests, reminders, purge, generate-data and
    reindex-search."""
    app.cli.add_command(seed_centres_command)
    app.cli.add_command(seed_categories_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(send_digests_command)
    app.cli.add_command(send_moderator_digest_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(generate_data_command)
    app.cli.add_command(reindex_search_command)


@click.command("seed-centres")
def seed_centres_command():
    """Add the initiative's four centres (Preiļi, Aglona, Rēzekne, Daugavpils) where missing."""
    added = seed_initiative_centres()
    db.session.commit()
    click.echo(f"{added} centre(s) added.")


@click.command("seed-categories")
def seed_categories_command():
    """Add the default idea categories (environment, culture, education, …) where missing."""
    added = seed_categories()
    db.session.commit()
    click.echo(f"{added} categor{'y' if added == 1 else 'ies'} added.")


@click.command("seed-demo")
def seed_demo_command():
    """Fill a development database with centres and demo accounts (refused in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo is for development only; it adds accounts with known passwords.")
    added = seed_demo()
    click.echo(f"Demo data ready ({added['accounts']} account(s) added). Every demo password is: {DEMO_PASSWORD}")
    click.echo(f"{added['ideas']} demo idea(s) added.")
    click.echo(f"{added['activities']} demo activit{'y' if added['activities'] == 1 else 'ies'} added.")
    click.echo(f"{added['organisations']} demo organisation(s) added.")


def seed_demo():
    """Add the demo centres, people, ideas, activities and organisations where missing; return how many of each.

    The tests that walk every page of the demo data call this too.
    """
    seed_initiative_centres()
    db.session.flush()
    centres = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    existing = set(db.session.scalars(select(User.email)))
    password_hash = hash_password(DEMO_PASSWORD)
    added = 0
    for email, name, home, is_admin, moderates in DEMO_PEOPLE:
        if email in existing:
            continue
        db.session.add(
            User(
                email=email,
                display_name=name,
                password_hash=password_hash,
                language="lv",
                home_centre=centres[home],
                is_admin=is_admin,
                email_confirmed_at=utcnow(),
                moderated_centres=[centres[slug] for slug in moderates],
                **DEMO_PROFILES.get(email, {}),
            )
        )
        added += 1
    db.session.flush()
    # The demo people have accepted the current terms and privacy notice, as registering records it: nobody is stopped.
    for user_id in db.session.scalars(select(User.id).where(User.email.in_([person[0] for person in DEMO_PEOPLE]))):
        record_consents(user_id)
    db.session.commit()
    seed_categories()
    ideas_added = seed_demo_ideas()  # through the services, so each has its history and notifications
    db.session.commit()
    activities_added = seed_demo_promoted_activity()  # after the ideas: the ceramics workshop grows from one
    activities_added += seed_demo_activities()
    db.session.commit()
    organisations_added = seed_demo_organisations()
    seed_demo_partner_calls()  # the demo school's call
    db.session.commit()
    return {"accounts": added, "ideas": ideas_added, "activities": activities_added, "organisations": organisations_added}


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.option("--password", help="Read from a prompt when not given (better: it stays out of the shell history).")
def create_admin_command(email, display_name, password):
    """Create an administrator account, or make an existing account an administrator."""
    existing = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if existing is None:
        password = password or getpass.getpass("Password: ")
        problem = password_problem(password, (display_name, email))
        if problem:
            raise click.ClickException(str(problem))
    user = create_admin(email, display_name, password or "")
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running and send new mail as it arrives.")
@click.option("--interval", default=10, show_default=True, help="Seconds between rounds with --loop.")
def send_mail_command(loop, interval):
    """Deliver the mail waiting in the outbox; failures are retried later with back-off."""
    while True:
        try:
            queued, sent, failed = send_mail_round()  # commits each step; no transaction while talking to SMTP
            if queued:
                click.echo(f"{queued} notification mail(s) queued.")
            if sent or failed or not loop:
                click.echo(f"{sent} sent, {failed} failed (will be retried).")
        except OperationalError as error:
            if not loop:
                raise
            # The database busy or briefly gone: the next round tries again (a claimed message waits for its lease).
            log.warning("send-mail round failed, trying again in %s s: %s", interval, error)
        if not loop:
            break
        time.sleep(interval)  # send_mail_round ended its transaction: nothing is held while waiting


def echo_job_result(result, busy, next_step):
    """Say what a job run by hand did, or that another process holds its lease (result None)."""
    if result is None:
        click.echo(f"{busy} by another process right now; nothing done.")
    else:
        click.echo(f"{result}; {next_step}")


@click.command("send-digests")
def send_digests_command():
    """Queue the daily summary mail of notifications, one per person (`flask worker` runs it daily at DIGEST_TIME).
    Never twice at once: a run elsewhere holds the job's lease."""
    echo_job_result(run_now("digests"), "Digests are being queued", "`flask send-mail` delivers them.")


@click.command("send-moderator-digest")
def send_moderator_digest_command():
    """Queue one mail per moderator listing what waits in their centres (at most one a day; `flask worker` runs it
    daily at MODERATOR_DIGEST_TIME). Never twice at once: a run elsewhere holds the job's lease."""
    echo_job_result(run_now("moderator-digest"), "Moderator digests are being queued", "`flask send-mail` delivers them.")


@click.command("send-reminders")
def send_reminders_command():
    """Remind people of the activities they take part or volunteer in tomorrow (`flask worker` runs it daily at
    REMINDER_TIME). Never twice at once: a run elsewhere holds the job's lease."""
    echo_job_result(run_now("reminders"), "Reminders are being made", "`flask send-mail` mails them.")


@click.command("worker")
@click.option("--interval", type=click.FloatRange(min=0.1), help="Seconds between rounds (default: the WORKER_INTERVAL setting).")
def worker_command(interval):
    """Send the mail outbox and run the daily jobs (digests, moderator digests, reminders, purge) at their local
    times, until stopped (SIGTERM finishes the current step). Run one on every node or on one: each job runs once."""
    try:
        job_times(current_app.config)
    except ValueError as error:
        raise click.ClickException(f"a job time setting: {error}") from error
    run_worker(interval or current_app.config["WORKER_INTERVAL"], report=lambda line: click.echo(line))


@click.command("purge")
def purge_command():
    """Remove personal data kept longer than its retention period (run once a day, e.g. from cron; safe to repeat)."""
    try:
        purge(report=click.echo)  # each step commits its own short batches; one line per step
    finally:
        db.session.rollback()  # nothing is left open (a failed step's batch is undone, the committed ones stay)


@click.command("generate-data")
@click.option("--ideas", default=1000, show_default=True, help="How many ideas to add.")
@click.option("--users", default=100, show_default=True, help="How many people to add (the ideas' authors).")
@click.option("--seed", type=int, help="Seed of the random generator, for the same data every time.")
def generate_data_command(ideas, users, seed):
    """Add made-up people and ideas in bulk, for benchmarks (refused in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("generate-data is for development and testing only; it adds made-up content.")
    from app.ideas.fake_data import generate

    started = time.monotonic()
    generate(ideas, users, seed)
    db.session.commit()
    click.echo(f"{ideas} idea(s) and {users} person/people added in {time.monotonic() - started:.1f} s.")


@click.command("reindex-search")
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=REINDEX_BATCH_SIZE, show_default=True, help="Rows per transaction."
)
def reindex_search_command(batch_size):
    """Recompute the search terms of every idea, activity, organisation and partner call: run it once after a
    change of the text analysis (app/text_analysis.py), which only new and edited texts would otherwise get."""
    try:
        for model in searched_models():
            started = time.monotonic()
            read, changed = reindex(model, batch_size)
            click.echo(f"{model.__tablename__}: {read} row(s) read, {changed} reindexed in {time.monotonic() - started:.1f} s.")
    finally:
        db.session.rollback()  # nothing is left open (a failed batch is undone, the committed ones stay)
