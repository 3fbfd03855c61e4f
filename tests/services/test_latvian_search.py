"""Searching ideas the way people type Latvian: every inflected form finds the idea written with another form,
with or without diacritics, through list_ideas (what /ideas runs), on both databases; near-misses do not.

Each group is one idea written with one form of its words; the searches are the other forms. Every search must
find exactly that idea (so no form drags in the others' ideas either). The forms are what app/text_analysis.py
really makes of them; those it cannot bring together are listed in tests/test_text_analysis.py (KNOWN_MISSES)
and left out here, never asserted loosely.
"""

import pytest

from app.ideas.list_queries import IdeaFilters, list_ideas
from tests.factories import make_category, make_centre, make_idea, make_user

#: group → (title, summary, description) of the idea written with one form of the group's words
IDEAS = {
    "lake": ("Laipa pie ezera", "Koka laipa makšķerniekiem un peldētājiem.", "Vecā laipa ir sapuvusi."),
    "school": ("Ziedu dobe pie skolas", "Skolēni paši rūpēsies par dobi.", "Sēklas atvēlēs vietējie stādu audzētāji."),
    "enterprise": (
        "Darbnīca vecajā pienotavā",
        "Telpa amatniekiem.",
        "Pienotava kļūtu par mājvietu sociālajai uzņēmējdarbībai: keramika, aušana, galdniecība.",
    ),
    "library": ("Grāmatu maiņa bibliotēkā", "Atnes vienu, paņem citu.", "Plaukts pie ieejas."),
    "street": ("Soliņi Rīgas ielā", "Atpūtas vietas gājējiem.", "Starp veikalu un aptieku."),
    "yard": ("Kopīgs dārzs pagalmā", "Dobes ikvienam mājas iedzīvotājam.", "Ābeles un ogulāji."),
    "garden": ("Community gardens for everyone", "Raised beds near the station.", "Tools are shared."),
}

#: (what is typed, the group whose idea it must find — and only that idea)
FORMS = [
    # ezers (declension I): the idea says "pie ezera"
    *((form, "lake") for form in ["ezers", "ezera", "ezeram", "ezerā", "ezeri", "ezeru", "ezeriem", "ezeros"]),
    *((form, "lake") for form in ["ezerus", "Ezers", "EZERĀ", "EZERS"]),
    # skola (declension IV) and skolēns (I, another stem): the idea says "pie skolas" and "Skolēni"
    *((form, "school") for form in ["skola", "skolas", "skolai", "skolā", "skolu", "skolām", "skolās"]),
    *((form, "school") for form in ["skolēni", "skolēniem", "skolēnu", "skolēnus", "skolēns", "skolēnam"]),
    *((form, "school") for form in ["skolam", "skoleniem", "skolenus", "skolens"]),  # without diacritics
    # two words, both inflected: the idea says "sociālajai uzņēmējdarbībai" (in its description)
    *(
        (form, "enterprise")
        for form in [
            "sociālā uzņēmējdarbība",
            "sociālās uzņēmējdarbības",
            "sociālajai uzņēmējdarbībai",
            "sociālo uzņēmējdarbību",
            "sociālajā uzņēmējdarbībā",
            "uzņēmējdarbības",
            "uzņēmējdarbība",
            "sociāla uzņēmējdarbība",
        ]
    ),
    *((form, "enterprise") for form in ["socialas uznemejdarbibas", "uznemejdarbibas", "sociala uznemejdarbiba"]),
    # bibliotēka (IV): the idea says "bibliotēkā"
    *(
        (form, "library")
        for form in ["bibliotēka", "bibliotēkas", "bibliotēkai", "bibliotēkā", "bibliotēku", "bibliotēkām", "bibliotēkās"]
    ),
    *((form, "library") for form in ["biblioteka", "bibliotekas", "biblioteku"]),
    # iela (IV): the idea says "Rīgas ielā"
    *((form, "street") for form in ["iela", "ielas", "ielai", "ielā", "ielu", "ielām", "ielās", "ielam"]),
    # dārzs (I): the idea says "dārzs"
    *((form, "yard") for form in ["dārzs", "dārza", "dārzam", "dārzā", "dārzi", "dārziem", "dārzus", "dārzos"]),
    *((form, "yard") for form in ["darza", "darzs", "darziem"]),
    # English: the idea says "gardens"
    *((form, "garden") for form in ["garden", "gardens", "gardening", "Gardens", "gardened", "GARDEN"]),
]

#: (what is typed, the group whose idea it must NOT find): other words that look alike
NEAR_MISSES = [
    ("ezis", "lake"),  # a hedgehog
    ("ezī", "lake"),
    ("eža", "lake"),
    ("ezītis", "lake"),
    ("skaļš", "school"),  # loud
    ("skolotājs", "school"),  # a teacher: another word, not a form of skola
    ("skolotāja", "school"),
    ("skolnieks", "school"),
    ("bibliotekārs", "library"),
    ("ielūgums", "street"),  # an invitation
    ("ielāps", "street"),  # a patch
    ("dārzeņi", "yard"),  # vegetables
    ("gardenia", "garden"),
    ("ezers skola", "lake"),  # every word must match
    ("ezers skola", "school"),
]


@pytest.fixture
def ideas(ctx):
    """One published idea per group, by one author, in one centre and category."""
    shared = {"author": make_user(), "centre": make_centre(), "category": make_category()}
    return {
        group: make_idea(title=title, summary=summary, description=description, **shared)
        for group, (title, summary, description) in IDEAS.items()
    }


def found(query):
    """The ids of the public ideas /ideas lists for this search."""
    return [idea.id for idea in list_ideas(IdeaFilters(q=query, state="all"), per_page=50).ideas]


def test_the_table_is_big_enough():
    assert len(FORMS) >= 60
    assert {group for _form, group in FORMS} == set(IDEAS)


@pytest.mark.parametrize(("query", "group"), FORMS)
def test_every_form_finds_the_idea_written_with_another(ideas, query, group):
    assert found(query) == [ideas[group].id]


@pytest.mark.parametrize(("query", "group"), NEAR_MISSES)
def test_words_that_only_look_alike_do_not_find_it(ideas, query, group):
    assert ideas[group].id not in found(query)


def test_the_last_word_may_be_unfinished_the_others_may_not(ideas):
    assert found("skolē") == [ideas["school"].id]  # still typing "skolēniem"
    assert found("bibliot") == [ideas["library"].id]
    assert found("sociālā uzņēmējd") == [ideas["enterprise"].id]
    assert found("uzņēmējd sociālā") == []  # "uzņēmējd" is no word, and it is no longer being typed
    assert found("bibliot grāmatu") == []
