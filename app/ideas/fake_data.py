"""Made-up ideas and people in bulk, for benchmarks and trying pages with lots of data (`flask generate-data`).

Rows are written with executemany in batches (no ORM objects), so 100,000 ideas take seconds; on SQLite
the FTS triggers fill ideas_fts as the rows arrive. Never for production: the people get unusable
passwords and made-up names.
"""

import random
import secrets
from datetime import timedelta

from sqlalchemy import insert, select

from app.accounts.models import User
from app.centres.models import Centre
from app.centres.services import seed_initiative_centres
from app.extensions import db
from app.ideas.models import AGE_GROUPS, SUBJECTS, Category, Idea, IdeaKind, IdeaState
from app.ideas.services import seed_categories
from app.search_index import index_text
from app.timeutil import utcnow

BATCH = 1000

FIRST_NAMES = [
    "Anna",
    "Jānis",
    "Marija",
    "Pēteris",
    "Inese",
    "Valdis",
    "Ilze",
    "Andris",
    "Līga",
    "Kārlis",
    "Dace",
    "Māris",
    "Zane",
    "Aivars",
    "Ieva",
    "Edgars",
    "Baiba",
    "Raivis",
    "Santa",
    "Oskars",
    "Gunta",
    "Ēriks",
]
LAST_NAMES = [
    "Bērziņš",
    "Kalniņa",
    "Ozols",
    "Liepa",
    "Kļaviņa",
    "Jansons",
    "Krūmiņa",
    "Zariņš",
    "Vītola",
    "Pētersons",
    "Ābele",
    "Šmits",
    "Grīnberga",
    "Lācis",
    "Āboliņa",
    "Strazds",
    "Rubene",
    "Mežs",
]
NOUNS = [
    "soliņi",
    "parks",
    "bibliotēka",
    "ēdnīca",
    "darbnīca",
    "dārzs",
    "laukums",
    "tilts",
    "upe",
    "ezers",
    "skola",
    "bērnudārzs",
    "kapsēta",
    "baznīca",
    "muzejs",
    "tirgus",
    "velosipēdi",
    "taka",
    "pludmale",
    "estrāde",
    "kafejnīca",
    "siltumnīca",
    "bišu drava",
    "keramika",
    "podi",
    "puķes",
    "koki",
    "apgaismojums",
    "trotuārs",
    "rotaļlaukums",
    "sporta zāle",
    "koris",
    "deju kolektīvs",
    "senioru klubs",
    "jauniešu centrs",
    "radošā māja",
    "zupas virtuve",
    "šūšanas darbnīca",
    "remontdarbnīca",
    "grāmatu skapis",
    "sēklu banka",
    "kompostētava",
]
ADJECTIVES = [
    "jauni",
    "zaļš",
    "kopīgs",
    "sociāls",
    "mazs",
    "liels",
    "drošs",
    "skaists",
    "vecs",
    "tīrs",
    "pieejams",
    "latgalisks",
    "ģimenisks",
    "radošs",
    "mūsdienīgs",
    "siltais",
    "gaišs",
    "klusais",
    "dzīvs",
    "vietējais",
]
VERBS = [
    "atjaunot",
    "uzbūvēt",
    "iestādīt",
    "sakopt",
    "iekārtot",
    "atvērt",
    "organizēt",
    "salabot",
    "izveidot",
    "uzkrāsot",
    "apgaismot",
    "iedzīvināt",
    "sarīkot",
    "pārcelt",
    "uzlabot",
    "aizsargāt",
    "mācīt",
    "dalīties",
]
PLACES = [
    "Preiļos",
    "Aglonā",
    "Rēzeknē",
    "Daugavpilī",
    "Raiņa parkā",
    "pie ezera",
    "skolas pagalmā",
    "Brīvības ielā",
    "Tirgus laukumā",
    "pie dzelzceļa stacijas",
    "kultūras namā",
    "muižas parkā",
    "Latgales ielā",
    "pie baznīcas",
    "upes krastā",
    "Rīgas ielā",
]
OTHERS = [
    "kopiena",
    "iedzīvotāji",
    "bērni",
    "vecāki",
    "seniori",
    "brīvprātīgie",
    "kaimiņi",
    "skolēni",
    "skolotāji",
    "pašvaldība",
    "biedrība",
    "uzņēmēji",
    "jaunieši",
    "ģimenes",
    "amatnieki",
    "mākslinieki",
]


def sentence(rng):
    """One made-up Latvian sentence from the word lists: someone does something somewhere together with others."""
    words = [rng.choice(VERBS), rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(PLACES), "kopā ar", rng.choice(OTHERS)]
    if rng.random() < 0.5:
        words += ["un", rng.choice(NOUNS)]
    return " ".join(words).capitalize() + "."


class TextPool:
    """Ready-made sentences with their index terms, so that making 100,000 texts takes a second, not ten."""

    def __init__(self, rng, size=4000):
        self.rng = rng
        self.sentences = [(text, index_text(text)) for text in (sentence(rng) for _ in range(size))]

    def paragraph(self, count):
        """(text, its index terms) of `count` sentences picked at random from the pool."""
        chosen = [self.rng.choice(self.sentences) for _ in range(count)]
        return " ".join(text for text, _ in chosen), " ".join(terms for _, terms in chosen)

    def idea_text(self):
        """(title, summary, description, search_title, search_body) in Latvian-ish words."""
        rng = self.rng
        title = f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} {rng.choice(PLACES)}"
        summary, summary_terms = self.paragraph(2)
        paragraphs = [self.paragraph(rng.randint(2, 4)) for _ in range(rng.randint(1, 3))]
        description = "\n\n".join(text for text, _ in paragraphs)
        # the terms Searchable would index (the same terms; a term may repeat, which the index does not mind),
        # without analysing every text again
        place = rng.choice(PLACES)
        search_body = " ".join((summary_terms, *(terms for _, terms in paragraphs), index_text(place)))
        return title, summary, description, place, index_text(title), search_body


def ensure_centres_and_categories():
    """Add the initiative's centres and the default categories where missing; return the ids of the active ones."""
    seed_initiative_centres()
    seed_categories()
    centres = list(db.session.scalars(select(Centre.id).where(Centre.is_active.is_(True))))
    categories = list(db.session.scalars(select(Category.id).where(Category.is_active.is_(True))))
    return centres, categories


def insert_in_batches(table, rows):
    """Insert the rows into the table BATCH rows at a time, without ORM objects."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def generate_users(count, centres, rng):
    """Insert `count` confirmed people who cannot log in (their password hash matches nothing)."""
    run = secrets.token_hex(3)
    now = utcnow()
    rows = [
        {
            "email": f"gen-{run}-{number}@example.invalid",
            "language": "lv",
            "password_hash": "!unusable",
            "display_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "home_centre_id": rng.choice(centres),
            "email_confirmed_at": now,
            "created_at": now - timedelta(days=rng.randint(0, 1000)),
            "about": "",
            "skills": "",
            "interests": "",
            "is_admin": False,
            "email_own_ideas": "immediately",
            "email_other": "daily",
        }
        for number in range(count)
    ]
    insert_in_batches(User.__table__, rows)
    return list(db.session.scalars(select(User.id).where(User.email.like(f"gen-{run}-%"))))


def random_state(rng):
    """A made-up idea's state: 88 % published, 5 % promoted, 4 % archived, the rest submitted or drafts."""
    roll = rng.random()
    if roll < 0.88:
        return IdeaState.PUBLISHED
    if roll < 0.93:
        return IdeaState.PROMOTED
    if roll < 0.97:
        return IdeaState.ARCHIVED
    return IdeaState.SUBMITTED if roll < 0.99 else IdeaState.DRAFT


def generate_ideas(count, authors, centres, categories, rng):
    """Insert `count` ideas (mostly published) with random counters, spread over the last three years."""
    now = utcnow()
    pool = TextPool(rng)
    rows = []
    for _ in range(count):
        title, summary, description, place, search_title, search_body = pool.idea_text()
        state = random_state(rng)
        created = now - timedelta(seconds=rng.randint(3600, 3 * 365 * 24 * 3600))
        public = state in IdeaState.PUBLIC
        seeking = rng.random() < 0.1
        rows.append(
            {
                "title": title,
                "summary": summary,
                "description": description,
                "kind": rng.choice(IdeaKind.ALL),
                "category_id": rng.choice(categories),
                "centre_id": rng.choice(centres),
                "author_id": rng.choice(authors),
                "place": place,
                "needs": "",
                "seeking_school_partner": seeking,
                "partner_age_groups": ",".join(rng.sample(list(AGE_GROUPS), 2)) if seeking else "",
                "partner_subjects": ",".join(rng.sample(list(SUBJECTS), 2)) if seeking else "",
                "state": state,
                "search_title": search_title,
                "search_body": search_body,
                "support_count": min(int(rng.paretovariate(1.2)) - 1, 3000) if public else 0,
                "comment_count": min(int(rng.paretovariate(1.5)) - 1, 800) if public else 0,
                "created_at": created,
                "updated_at": created,
                "submitted_at": created + timedelta(minutes=30) if state != IdeaState.DRAFT else None,
                "published_at": min(created + timedelta(hours=rng.randint(1, 72)), now) if public else None,
            }
        )
        if len(rows) == BATCH:
            db.session.execute(insert(Idea.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Idea.__table__), rows)


def generate(ideas, users, seed=None):
    """Add `users` people and `ideas` ideas by them (by existing people when users is 0); return (ideas, users)."""
    rng = random.Random(seed)
    centres, categories = ensure_centres_and_categories()
    authors = generate_users(users, centres, rng) if users else list(db.session.scalars(select(User.id)))
    if ideas and not authors:
        authors = generate_users(1, centres, rng)
    generate_ideas(ideas, authors, centres, categories, rng)
    return ideas, len(authors) if users else 0
