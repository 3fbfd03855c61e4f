"""Demo ideas for `flask seed-demo` (development only): made through the services, so each has its history."""

from sqlalchemy import select

from app.accounts.models import User
from app.centres.models import Centre
from app.extensions import db
from app.ideas import services
from app.ideas.models import Category, Idea, IdeaKind

#: each: the content fields, author and moderators by e-mail, centre and category by slug, the lifecycle steps
#: (action, who, reason) done through the services, and who supports it once it is published
DEMO_IDEAS = [
    {
        "title": "Puķu podi dienas centram",
        "summary": "Keramikas darbnīcā iedzīvotāji kopā ar bērniem veido puķu podus, ko uzdāvinām sociālā "
        "dienesta dienas centram.",
        "description": "Dienas centra apmeklētāji ļoti gaida pavasari, bet palodzes ir tukšas.\n\n"
        "## Kā tas notiktu\n\n"
        "- trīs sestdienas pēc kārtas keramikas pulciņa telpās;\n"
        "- pulciņa vadītāja ierāda, kā veidot un apgleznot podu;\n"
        "- gatavos podus apdedzinām un kopā aiznesam uz dienas centru.\n\n"
        "Piedalīties var **ikviens** – arī tie, kas mālu rokās turēs pirmo reizi.",
        "author": "anna@kopiena.example",
        "centre": "preili",
        "category": "seniors",
        "kind": IdeaKind.LOCAL_IMPROVEMENT,
        "place": "Preiļu Kultūras nams, keramikas darbnīca",
        "latitude": 56.2951,
        "longitude": 26.7256,
        "needs": "Apmēram 20 kg māla, glazūras, dedzināšana krāsnī.\nPuķu stādi un zeme podiem.",
        "seeking_school_partner": True,
        "partner_age_groups": "10-12,13-15",
        "partner_subjects": "arts,social",
        "steps": [("submit", "anna@kopiena.example", ""), ("publish", "koordinatore.preili@kopiena.example", "")],
        "supporters": ["valdis@kopiena.example", "skolotaja.ilga@kopiena.example"],
    },
    {
        "title": "Soliņi Raiņa parkā",
        "summary": "Gar parka galveno celiņu vajag vismaz piecus soliņus, lai vecāki ļaudis pa ceļam var atpūsties.",
        "description": "No autoostas līdz poliklīnikai caur parku ir gandrīz kilometrs, un pa ceļam nav neviena "
        "soliņa.\n\nSoliņus varētu izgatavot arodvidusskolas audzēkņi, bet uzstādīt – talkā.",
        "author": "valdis@kopiena.example",
        "centre": "preili",
        "category": "infrastructure",
        "kind": IdeaKind.LOCAL_IMPROVEMENT,
        "place": "Raiņa parks, Preiļi",
        "latitude": 56.2898,
        "longitude": 26.7232,
        "needs": "Dēļi un krāsa pieciem soliņiem, skrūves, pamatu betons.\nCilvēki talkai vienā sestdienā.",
        "steps": [("submit", "valdis@kopiena.example", "")],
    },
    {
        "title": "Remontu kafejnīca",
        "summary": "Reizi mēnesī atnāc ar salūzušu tosteri, saplēstu jaku vai velosipēdu – kopā to salabojam pie kafijas tases.",
        "description": "Remontu kafejnīca ir sociālā uzņēmuma ideja: brīvprātīgie meistari palīdz labot lietas, "
        "bet kafejnīca no ziedojumiem sedz telpu un instrumentu izmaksas.\n\n"
        "Tā mazinām atkritumus un satiekamies.",
        "author": "marija@kopiena.example",
        "centre": "rezekne",
        "category": "entrepreneurship",
        "kind": IdeaKind.SOCIAL_ENTERPRISE,
        "place": "Rēzeknes kopienas centrs",
        "latitude": 56.5065,
        "longitude": 27.3298,
        "needs": "Instrumenti (lodāmurs, šujmašīna, velo atslēgas), galdi.\nMeistari: elektriķis, šuvēja, velosipēdu mehāniķis.",
        "steps": [("submit", "marija@kopiena.example", ""), ("publish", "koordinatore.rezekne@kopiena.example", "")],
        "supporters": ["anna@kopiena.example"],
    },
    {
        "title": "Kopienas dārzs pie skolas",
        "summary": "Skolas pagalma stūrī ierīkojam dobes, kur skolēni, vecāki un kaimiņi kopā audzē dārzeņus un garšaugus.",
        "description": "Dārzs būtu dzīva mācību klase dabaszinībās un vieta, kur satiekas paaudzes.\n\n"
        "Ražu vasarā ievāktu kaimiņi, rudenī – skolas virtuve.",
        "author": "skolotaja.ilga@kopiena.example",
        "centre": "preili",
        "category": "environment",
        "kind": IdeaKind.LOCAL_IMPROVEMENT,
        "place": "Preiļu 1. pamatskolas pagalms",
        "latitude": 56.2917,
        "longitude": 26.7196,
        "needs": "Dēļi paaugstinātām dobēm, melnzeme, sēklas, lejkannas.",
        "seeking_school_partner": True,
        "partner_age_groups": "7-9,10-12",
        "partner_subjects": "science,environment",
        "steps": [
            ("submit", "skolotaja.ilga@kopiena.example", ""),
            (
                "request_changes",
                "koordinatore.preili@kopiena.example",
                "Lūdzu, precizējiet, kur tieši dārzs atradīsies un kas par to rūpēsies vasaras brīvlaikā.",
            ),
        ],
    },
    {
        "title": "Nūjošanas pulciņš senioriem",
        "summary": "Divreiz nedēļā kopīga nūjošana pa Aglonas ezera krastu ar instruktoru.",
        "description": "Vēl jāsarunā instruktors un jāsaprot, cik nūju pāru varētu aizņemties.",
        "author": "anna@kopiena.example",
        "centre": "aglona",
        "category": "sport",
        "kind": IdeaKind.LOCAL_IMPROVEMENT,
        "place": "Aglona",
        "latitude": 56.1331,
        "longitude": 27.0101,
        "steps": [],
    },
    {
        "title": "Strūklaka pilsētas laukumā",
        "summary": "Vasarā laukumā pietrūkst vēsuma – tur varētu būt neliela strūklaka.",
        "description": "Strūklaka piesaistītu ģimenes ar bērniem un atdzīvinātu laukumu vakaros.",
        "author": "marija@kopiena.example",
        "centre": "daugavpils",
        "category": "infrastructure",
        "kind": IdeaKind.LOCAL_IMPROVEMENT,
        "place": "Daugavpils",
        "latitude": 55.8714,
        "longitude": 26.5161,
        "steps": [
            ("submit", "marija@kopiena.example", ""),
            (
                "decline",
                "koordinators.daugavpils@kopiena.example",
                "Strūklakas būvniecība un uzturēšana ir pašvaldības budžeta jautājums. Iesakām šo ideju "
                "iesniegt pašvaldības līdzdalības budžeta konkursā.",
            ),
        ],
    },
    {
        "title": "Grāmatu apmaiņas plaukts bibliotēkā",
        "summary": "Plaukts, kur atstāt izlasītu grāmatu un paņemt citu – bez reģistrācijas un termiņiem.",
        "description": "Mājās krājas grāmatas, ko vairs nelasām. Plaukts bibliotēkas vestibilā ļautu tām atrast "
        "jaunus lasītājus.",
        "author": "valdis@kopiena.example",
        "centre": "aglona",
        "category": "culture",
        "kind": IdeaKind.LOCAL_IMPROVEMENT,
        "place": "Aglonas bibliotēka",
        "latitude": 56.1297,
        "longitude": 27.0043,
        "steps": [
            ("submit", "valdis@kopiena.example", ""),
            ("publish", "koordinators.aglona@kopiena.example", ""),
            (
                "archive",
                "koordinators.aglona@kopiena.example",
                "Ideja ir īstenota: plaukts kopš maija stāv bibliotēkas vestibilā. Paldies visiem!",
            ),
        ],
        "supporters": ["anna@kopiena.example", "marija@kopiena.example"],
    },
]
CONTENT_FIELDS = (
    "title",
    "summary",
    "description",
    "kind",
    "place",
    "latitude",
    "longitude",
    "needs",
    "seeking_school_partner",
    "partner_age_groups",
    "partner_subjects",
)


def seed_demo_ideas():
    """Add the demo ideas whose titles are not there yet; needs the demo people, centres and categories.

    Returns how many were added.
    """
    people = {user.email: user for user in db.session.scalars(select(User))}
    centres = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    categories = {category.slug: category for category in db.session.scalars(select(Category))}
    existing = set(db.session.scalars(select(Idea.title)))
    added = 0
    for demo in DEMO_IDEAS:
        if demo["title"] in existing:
            continue
        fields = {name: demo[name] for name in CONTENT_FIELDS if name in demo}
        idea = services.create_idea(
            people[demo["author"]], centre_id=centres[demo["centre"]].id, category_id=categories[demo["category"]].id, **fields
        )
        for action, actor, reason in demo["steps"]:
            services.transition(idea, action, people[actor], reason)
            if action == "publish":
                for supporter in demo.get("supporters", []):
                    services.support_idea(people[supporter], idea)
                    services.follow_idea(people[supporter], idea)
        db.session.flush()
        added += 1
    return added
