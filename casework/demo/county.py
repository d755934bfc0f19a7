"""The demo county: a synthetic county for demos and load tests (`manage.py demo_county` runs it).

Everything is generated from one seed (random.Random and Faker en_GB), so the same seed gives the same
county on the same day, and nobody in it is real. Rows are plain dicts until they are written, in
chunks: bulk_create in batches, or on PostgreSQL a streamed COPY (see `insert`). Either way
django-simple-history is skipped: generated records have no "who changed it" worth keeping. The values kept
for the dashboard's measures (a visit's next statutory visit, say) are left to PostgreSQL's triggers (casework
migration 0008), which keep them for a COPY as for any other write."""

import bisect
import datetime
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from casework import codes, contact_due, postcodes, services
from casework.demo import lawful
from casework.demo.extensions import demo_extensions
from casework.demo.health import records_health
from casework.demo.loader import BATCH, Row, insert
from casework.demo.reviews import reviews_and_missing_save
from casework.models import (
    Allocation,
    CareEpisode,
    Child,
    ChildAccount,
    FamilyMember,
    LegalStatus,
    SiblingContactArrangement,
    SiblingContactSession,
    Team,
    User,
    Visit,
)

DEMO_PASSWORD = "hearth-demo-2026"  # noqa: S105 - published on purpose: it signs in to generated data only
DEMO_USERNAMES = ("worker", "teammate", "manager", "head", "admin", "young.person")
# A worker's hello on the child's journey: short, warm, plain words.
INTRODUCTIONS = (
    "Hi, I'm {name}. I'm your social worker. I will visit you, listen to you and help make plans with you.",
    "Hello, I'm {name}. My job is to make sure you are safe and happy where you live. You can tell me anything.",
    "I'm {name}. I like football and baking. I will come and see you, and you can call me if you are worried.",
    "Hi! I'm {name}. I work with children and their families. I want to hear what you think about your plans.",
)
CHUNK = 2000  # children generated and written at a time, so memory stays flat at 100,000
DEMO_CASELOAD = 12
DAY = datetime.timedelta(days=1)
T = TypeVar("T")
R, S, L, V, Rel, E = (codes.WorkerChangeReason, codes.Sex, codes.LegalStatusCode, codes.VisitType, codes.Relationship,
                      codes.Ethnicity)  # fmt: skip
CASE_ROLES = (codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER, codes.Role.HEAD_OF_SERVICE)  # registered social workers


class Mix(Generic[T]):
    """A weighted choice with the cumulative weights worked out once: some are drawn millions of times."""

    def __init__(self, weights: dict[T, float]) -> None:
        self.keys, self.cum = list(weights), list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> T:
        return rng.choices(self.keys, cum_weights=self.cum)[0]


# Shapes roughly follow the national 903 figures: older children and boys the larger share.
AGE_BAND = Mix({0: 5, 2: 6, 4: 7, 6: 8, 8: 9, 10: 12, 12: 14, 14: 16, 16: 23})  # two-year bands
ETHNICITY = Mix({E.WBRI: 72, E.WIRI: .5, E.WOTH: 4, E.WIRT: .3, E.WROM: .7, E.MWBC: 3, E.MWBA: 1.5, E.MWAS: 1.5,
                 E.MOTH: 3, E.AIND: .8, E.APKN: 1.2, E.ABAN: .6, E.AOTH: 1.4, E.BCRB: 1.2, E.BAFR: 3, E.BOTH: 1,
                 E.CHNE: .2, E.OOTH: 2.5, E.REFU: .3, E.NOBT: .5})  # fmt: skip
UASC_ETHNICITY = Mix({E.OOTH: 35, E.AOTH: 25, E.BAFR: 30, E.WOTH: 5, E.MOTH: 5})
# A whole period in care starts under one of these. Short breaks (V3) are a few days at a time and are drawn for
# children at home (County.short_breaks); an emergency protection order (L2) is followed within days by another order.
LEGAL = Mix({L.C2: 58, L.C1: 11, L.V2: 18, L.E1: 7, L.J1: 1, L.L2: 1, L.D1: 1})
SEND = Mix({codes.SendNeed.NONE: 45, codes.SendNeed.SEN_SUPPORT: 30, codes.SendNeed.EHCP: 25})
# The report: 82% of children in care had a worker change in two years, 54% of changes between teams (TSPROC, the usual
# process; a first contact, FCONTA, is a child's first worker and never a change).
CHANGES_IN_24_MONTHS = Mix({0: 17, 1: 38, 2: 25, 3: 13, 4: 7})
CHANGES_BEFORE = Mix({0: 50, 1: 35, 2: 15})
REASON = Mix({R.TSPROC: 54, R.LEFTRL: 15, R.MANAGE: 9, R.ORGRST: 5, R.ABSENC: 9, R.CHCHAN: 3,
              R.PCCHAN: 3, R.OTHERS: 1.9, R.SWDIED: .1})  # fmt: skip
GROUP_SIZE = Mix({1: 55, 2: 25, 3: 12, 4: 8})
SIBLING_KIND = Mix({Rel.FULL_SIBLING: 55, Rel.HALF_SIBLING: 38, Rel.STEP_SIBLING: 7})
FREQUENCY = Mix({"monthly": 55, "fortnightly": 15, "weekly": 5, "quarterly": 20, "other": 5})
FREQUENCY_DAYS = {"weekly": (7, 7), "fortnightly": (14, 14), "monthly": (27, 33), "quarterly": (84, 98), "other": (35, 60)}
CANCELLED_BY = Mix({"carer": 25, "sibling": 20, "family": 20, "child": 15, "council": 15, "other": 5})
TEAM_KINDS = ("Children in Care", "Assessment and Intervention", "Children in Care", "Disabled Children", "Children in Care",
              "Edge of Care")  # fmt: skip


def lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines())


# Short, plausible, invented text: enough variety that a demo page does not look copied and pasted.
CHILD_SAID = lines("""
    I like it here. I want to stay till I'm big.
    I miss my brother. Can I see him more?
    School is OK but maths is boring.
    I don't want to talk about mum today.
    I got picked for the football team!
    Why do I always have to tell new people everything again?
    My carer makes the best pancakes.
    I want my own phone like everyone else.
    I'm scared I'll have to move again.
    Can you tell the judge I want to see my nan?
    I'm fine. Can I go now?
    I helped make tea tonight.
    I don't like it when people say placement.
""")
OBSERVED = lines("""
    Relaxed and chatty; showed me their bedroom and new posters.
    Quiet at first, warmed up over a game of Uno.
    Carer and child have an easy, joking relationship.
    Tired after school; we kept it short and went for a walk.
    Proud of a certificate from school, pinned up in the kitchen.
    Some worry about the court date; we talked it through.
    Home warm and tidy; the child's artwork is on the fridge.
    Asked lots of questions about contact with family.
""")
BABY_OBSERVED = lines("""
    Alert and content; feeding and sleeping well, and the carer keeps a good diary.
    Reaching for toys and babbling; weight on track at the last health visit.
    Settled in the carer's arms, good eye contact, smiled at me.
""")
ANALYSIS = lines("""
    Needs are being met; the child feels safe where they live.
    Stable; the main worry is the gap in sibling contact.
    School attendance is improving since the transport changed.
    Some anxiety before contact; keep an eye on sleep.
    The child's wishes are clear and recorded; the plan reflects them.
""")
ACTIONS = lines("""
    Book the next sibling contact.
    Chase the CAMHS referral.
    Ask school about the PEP date.
    Share the child's views with the IRO before the review.
    Arrange a passport application.
    None this time.
""")
MATTERS = lines("""
    My dog Biscuit. Seeing my sister. Being allowed to stay up for football.
    Drawing, and people keeping their promises.
    I want to stay at the same school and keep my friends.
    Knowing what is happening before it happens.
    My nan, my bike and having my own room.
    Being listened to, not talked about.
""")
SPOKEN_TO = lines("""
    Tell me straight. Don't use long words.
    Text first, don't just turn up.
    Ask me, not my carer.
    Talk to me while we do something, not across a table.
    Don't read my file out loud in front of people.
""")
LOCATIONS = ("Where the child lives", "At school", "Café after school", "In the car on the way to football", "Family centre")
PRESENT = ("The child only", "The child and their carer", "The child, carer and a younger child in the home")
DISABILITIES = ("Autism", "ADHD", "Hearing impairment", "Cerebral palsy", "Global developmental delay", "Type 1 diabetes")
TRUSTED_ROLES = ("football coach", "teacher", "youth worker", "former foster carer", "family friend", "mentor")
CANCEL_REASONS = {
    "carer": "Carer was unwell.",
    "sibling": "Sibling had a school trip.",
    "family": "Parent could not come.",
    "child": "Did not want to go this time.",
    "council": "No contact supervisor available.",
    "other": "Snow closed the road.",
}
CHILD_COMMENTS = ("We went bowling. I won.", "Too short. I want longer.", "She has got so tall!", "It was nice. Same again.")
PLANS = lines("""
    Supervised at the family centre, then in the community if it goes well.
    Meet at the park; the carers bring both children.
    Video calls between visits, as the children asked.
""")


@dataclass(frozen=True)
class Journey:
    """A case study from DESIGN.md, with months counted back from today."""

    label: str
    sex: str
    age_at_entry: int
    entered: int
    left: int | None
    legal: tuple[tuple[str, int], ...]
    changes: tuple[tuple[int, str], ...]
    chapters: tuple[tuple[int, str, str], ...]  # (from months ago, where, what the worker saw)
    disability: str = ""


JOURNEYS = (
    Journey("Returned home", S.FEMALE, 12, 20, 14, ((L.C1, 20),), ((18, R.TSPROC), (13, R.TSPROC)), (
        (20, "Foster home", "Family conflict came to a head; settling with foster carers, misses her mum."),
        (17, "Foster home", "Edge-of-care sessions with mum going well; she has joined a youth group on Thursdays."),
        (15, "Foster home", "CAMHS support weekly; sleeping better; talks about going home."),
        (14, "At home with her mum", "Home. She and mum use the plan they made for when arguments start."))),
    Journey("Far away, then home", S.MALE, 15, 26, None, ((L.V2, 26), (L.C2, 22)),
            ((25, R.TSPROC), (21, R.LEFTRL), (17, R.TSPROC), (13, R.ORGRST), (9, R.MANAGE)), (
        (26, "Children's home 238 miles away", "Long drive. He showed me his train timetables; says nobody here knows him."),
        (20, "Private children's home (his third since spring)", "Another move. His parents say he has met 14 professionals."),
        (12, "Private children's home (his fifth in eight months)", "Flat and withdrawn. Joint planning with parents started."),
        (6, "Family home, planning visit", "Joint plan with the family agreed: home at 17, parental responsibility shared."),
        (2, "At home with his family", "Home, with his own room back and trains on every shelf.")), "Autism"),
    Journey("Many moves, then a consistent worker", S.MALE, 7, 60, None, ((L.C1, 60), (L.C2, 54)),
            ((57, R.TSPROC), (51, R.LEFTRL), (46, R.ABSENC), (41, R.TSPROC), (35, R.MANAGE), (26, R.LEFTRL)), (
        (60, "Children's home", "Came from his grandparents' house; asks when he can go back."),
        (40, "Foster home (his sixth home in three years)", "Guarded with new adults; wants to know who will stay."),
        (26, "Foster home on a farm", "A bespoke foster home on a farm; he fed the lambs and named one after me."),
        (12, "Foster home on a farm", "Still here at 12. Monthly contact with his grandparents; respite with the same carers."))),
    Journey("Diverted from residential", S.FEMALE, 15, 10, None, ((L.V2, 10),), ((8, R.TSPROC),), (
        (10, "Emergency foster home", "No fostering match; the Risk of Residential forum authorised a residential search."),
        (8, "Emergency foster home", "Forum reviewed again this week; the search for a family keeps going alongside."),
        (5, "In-house foster home", "An in-house carer was found before the residential home was used. She chose her room."))),
)  # fmt: skip


@dataclass
class Plan:
    """One child's history, worked out before any of it is saved."""

    child: Row
    kind: str  # "in_care", "left_care" or "known" (child in need or child protection, never in care)
    start: datetime.date  # came into care, or became known
    end: datetime.date | None = None  # left care
    closed_on: datetime.date | None = None
    worker: int = 0
    changes: list[tuple[datetime.date, str]] = field(default_factory=list)
    legal: list[tuple[str, datetime.date]] = field(default_factory=list)
    allocations: list[Row] = field(default_factory=list)
    group: list["Plan"] = field(default_factory=list)
    together: bool = False
    parents: tuple[str, str] = ("", "")
    journey: Journey | None = None
    breaks: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)  # short breaks in care (V3)

    def lives_with(self, other: "Plan") -> bool:
        """Brothers and sisters placed together came into care on the same day and share every home since (the
        placements demo gives them the same homes): the measure works living together out from those homes."""
        same_group = any(member is other for member in self.group)
        return same_group and self.together and (self.kind, self.start, self.end) == (other.kind, other.start, other.end)


# 903 CIN as England's children in care are recorded (DfE, 2024): mostly abuse or neglect.
NEEDS = Mix({"N1": 65, "N2": 3, "N3": 3, "N4": 8, "N5": 14, "N6": 1, "N7": 0.2, "N8": 6})


def need_of(plan: Plan) -> str:
    """The category of need the child's worker recorded: the same for a child however often it is asked."""
    if plan.breaks:
        return "N2"  # short breaks are for disabled children
    return NEEDS.draw(random.Random(f"need-{plan.child['id']}"))


@dataclass
class Staff:
    teams: list[int]
    team_workers: dict[int, list[int]]  # social workers by team
    team_of: dict[int, int]
    rota: Callable[[], int]  # the next worker to give a child to, so caseloads come out even
    demo_worker: int


class County:
    """Draws the county: staff, children and their histories, all from one seeded random source."""

    def __init__(self, *, seed: int, today: datetime.date) -> None:
        self.rng, self.today, self.now = random.Random(seed), today, timezone.now()
        self.tz = timezone.get_current_timezone()
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.first: dict[str, list[str]] = {
            S.MALE: self._pool(fake.first_name_male),
            S.FEMALE: self._pool(fake.first_name_female),
        }
        self.last = self._pool(fake.last_name, 1500)
        self.areas = list(dict.fromkeys(fake.city() for _ in range(30)))  # distinct, in a fixed order
        self.serial = itertools.count(1)
        self.registrations = itertools.count(100001)  # workers' Social Work England numbers, SW100001 on
        # Postcodes and registration numbers come from a source of their own, so what `rng` draws stays as it was.
        self.register_rng = random.Random(seed + 1)
        self.keys = itertools.count(1)

    @staticmethod
    def _pool(make: Callable[[], str], size: int = 600) -> list[str]:
        return sorted({make() for _ in range(size)})

    def ago(self, days: float) -> datetime.date:
        return self.today - datetime.timedelta(days=round(days))

    def months_ago(self, months: float) -> datetime.date:
        return self.ago(months * 30.44)

    def between(self, lo: datetime.date, hi: datetime.date) -> datetime.date:
        return lo + datetime.timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def name(self, sex: str | None = None, last: str | None = None) -> str:
        """A generated full name; family members share the child's surname more often than not."""
        last = last if last and self.rng.random() < 0.6 else self.rng.choice(self.last)
        return f"{self.rng.choice(self.first[sex or self.rng.choice((S.MALE, S.FEMALE))])} {last}"

    # Staff ---------------------------------------------------------------------------------

    def staff(self, n_children: int) -> Staff:
        """About one worker per 13 children, teams of about seven; never fewer than six teams."""
        total = max(18, round(n_children / 13))
        n_teams = max(6, total // 7)
        teams = Team.objects.bulk_create([self._team(i) for i in range(n_teams)], batch_size=BATCH)
        team_ids = [team.pk for team in teams]
        users = self._fixed_users(team_ids[0]) + [self._user(team_ids[i], codes.Role.TEAM_MANAGER) for i in range(1, n_teams)]
        # Every team gets at least two social workers (team 1 has `worker` and `teammate` already), so a
        # worker change within a team always has someone to change to.
        users += [self._user(team_ids[(i + 1) % n_teams]) for i in range(max(2 * n_teams - 1, total - n_teams - 2))]
        password = make_password(DEMO_PASSWORD)  # argon2 is slow on purpose: hash once, share it
        for user in users:
            user.password = password
        User.objects.bulk_create(users, batch_size=BATCH)
        self._grant_admin(User.objects.get(username="admin"))
        workers = User.objects.filter(role=codes.Role.SOCIAL_WORKER).order_by("pk").values_list("pk", "team_id")
        team_workers: dict[int, list[int]] = {}
        for pk, team_id in workers:
            team_workers.setdefault(team_id, []).append(pk)
        demo = User.objects.get(username="worker").pk
        others = itertools.cycle([pk for pk, _ in workers if pk != demo])
        return Staff(team_ids, team_workers, dict(workers), lambda: next(others), demo)

    def _team(self, i: int) -> Team:
        # A big county reuses place names with a number, which keeps every team name unique.
        area = self.areas[i % len(self.areas)] + (f" {i // len(self.areas) + 1}" if i >= len(self.areas) else "")
        return Team(name=f"{TEAM_KINDS[i % 6]}: {area}", area=area)

    def _fixed_users(self, team: int) -> list[User]:
        sw, tm = codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER
        users = [self._user(team, sw, "worker"), self._user(team, sw, "teammate"), self._user(team, tm, "manager")]
        users += [self._user(None, codes.Role.HEAD_OF_SERVICE, "head"), self._user(None, codes.Role.ADMINISTRATOR, "admin")]
        users[-1].is_staff = True
        return users

    def _user(self, team: int | None, role: str = codes.Role.SOCIAL_WORKER, username: str = "") -> User:
        first, last = self.rng.choice(self.first[self.rng.choice((S.MALE, S.FEMALE))]), self.rng.choice(self.last)
        # The running number keeps generated usernames unique without a lookup.
        username = username or f"{first}.{last}{next(self.serial)}".lower().replace("'", "").replace(" ", "")
        hello = INTRODUCTIONS[len(username) % len(INTRODUCTIONS)].format(name=first)  # no rng draw: figures stay put
        return User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            team_id=team,
            job_title=codes.Role(role).label,
            social_work_england_id=f"SW{next(self.registrations)}" if role in CASE_ROLES else "",
            introduction=hello if role in (codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER) else "",
        )

    @staticmethod
    def _grant_admin(admin: User) -> None:
        """The administrator runs users and teams, with no case access and no superuser short cut."""
        wanted = Q(
            content_type__app_label="casework", content_type__model__in=["user", "team"], codename__regex=r"^(add|change|view)_"
        )
        if apps.is_installed("axes"):
            wanted |= Q(content_type__app_label="axes", codename__startswith="view_")
        admin.user_permissions.set(Permission.objects.filter(wanted))

    # Children ------------------------------------------------------------------------------

    def child(self, *, sex: str, dob: datetime.date, last_name: str, uasc: bool = False) -> Row:
        rng, age = self.rng, (self.today - dob).days // 365
        pronouns = "they/them" if age >= 13 and rng.random() < 0.03 else ("he/him" if sex == S.MALE else "she/her")
        disability = rng.random() < 0.10
        return {
            "first_name": rng.choice(self.first[sex]), "last_name": last_name, "sex": sex, "date_of_birth": dob, "uasc": uasc,
            "preferred_name": rng.choice(self.first[sex]) if rng.random() < 0.12 else "",
            "pronouns": pronouns if rng.random() < 0.7 else "",
            "ethnicity": (UASC_ETHNICITY if uasc else ETHNICITY).draw(rng),
            **self._upn_or_why_not(dob, uasc, self._upn() if age >= 5 and rng.random() < 0.95 else ""),
            "home_postcode": self.register_rng.choice(self.area().inside),
            "disability": disability, "disability_details": rng.choice(DISABILITIES) if disability else "",
            "send": SEND.draw(rng) if age >= 4 else codes.SendNeed.NONE,
            "what_matters_to_me": rng.choice(MATTERS) if age >= 6 and rng.random() < 0.4 else "",
            "how_i_like_to_be_spoken_to": rng.choice(SPOKEN_TO) if age >= 8 and rng.random() < 0.3 else "",
        }  # fmt: skip

    def area(self) -> postcodes.Area:
        """Real postcodes in the council (HEARTH_LOCAL_AUTHORITY_CODE) and near it, read once."""
        return postcodes.area(settings.HEARTH_LOCAL_AUTHORITY_CODE)

    def _upn_or_why_not(self, dob: datetime.date, uasc: bool, upn: str) -> dict[str, str]:
        """A child with no UPN has the 903's reason: too young for school (UN1, only while under 4 on the 31 August
        before the collection year, rule 209), never at school in England (UN2, a child who came alone from abroad),
        or none to be had (UN5). Never UN4 (asked for, not come): a child in care a week by 31 March has one (210)."""
        if upn:
            return {"upn": upn, "upn_unknown": ""}
        start = datetime.date(self.today.year - (self.today.month < 4), 4, 1)
        too_young = Child(date_of_birth=dob).age_on(datetime.date(start.year - 1, 8, 31)) < 4
        why = codes.UpnUnknown.UN1 if too_young else codes.UpnUnknown.UN2 if uasc else codes.UpnUnknown.UN5
        return {"upn": "", "upn_unknown": why}

    def _upn(self) -> str:
        """A well-formed UPN (with its check letter) under LA code 999, which no real council has."""
        digits = f"999{self.rng.randrange(10**4):04d}{self.rng.randrange(100):02d}{self.rng.randrange(1000):03d}"
        total = sum(int(d) * weight for d, weight in zip(digits, range(2, 14), strict=True))
        return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] + digits

    def dob(self, age: int | None = None) -> datetime.date:
        age = AGE_BAND.draw(self.rng) + self.rng.randint(0, 1) if age is None else age
        return self.ago(age * 365.25 + self.rng.randint(14, 364))  # two weeks old at least

    def in_care_group(self, staff: Staff, size: int) -> list[Plan]:
        """Brothers and sisters usually come into care together; some live together, some apart."""
        rng, last_name = self.rng, self.rng.choice(self.last)
        uasc = size == 1 and rng.random() < 0.18  # about 6% of all children in care: they arrive alone
        shared, parents = self.ago(rng.uniform(3, 6 * 365)), (self.name(S.FEMALE, last_name), self.name(S.MALE, last_name))
        plans = [self._in_care(staff, shared, last_name, uasc) for _ in range(size)]
        together = rng.random() < 0.45
        for plan in plans:
            plan.group, plan.together, plan.parents = plans, together, parents
        return plans

    def _in_care(self, staff: Staff, shared: datetime.date, last_name: str, uasc: bool) -> Plan:
        rng = self.rng
        dob = self.dob(rng.randint(14, 17) if uasc else None)
        start = self.ago(rng.uniform(3, 730)) if uasc else shared if rng.random() < 0.7 else self.ago(rng.uniform(3, 6 * 365))
        start = max(start, dob + DAY)
        sex = S.MALE if rng.random() < (0.9 if uasc else 0.56) else S.FEMALE
        name = last_name if rng.random() < 0.8 else rng.choice(self.last)
        plan = Plan(self.child(sex=sex, dob=dob, last_name=name, uasc=uasc), "in_care", start, worker=staff.rota())
        plan.legal = self.legal(start, None, uasc, dob)
        plan.changes = self.changes(start, self.ago(731), CHANGES_BEFORE.draw(rng), upto=self.ago(1096))
        plan.changes += self.changes(start, self.today - 3 * DAY, CHANGES_IN_24_MONTHS.draw(rng), upto=self.ago(728))
        return plan

    def known(self, staff: Staff) -> Plan:
        """Known to the service but not in care now: either left care, or never in care."""
        rng, dob = self.rng, self.dob()
        child = self.child(sex=S.MALE if rng.random() < 0.52 else S.FEMALE, dob=dob, last_name=rng.choice(self.last))
        if rng.random() < 0.45 and (self.today - dob).days > 120:
            start = self.between(max(dob + DAY, self.ago(2190)), self.ago(60))
            end = min(start + datetime.timedelta(days=rng.randint(30, 1095)), self.ago(14))
            closed = min(self.today, end + datetime.timedelta(days=rng.randint(0, 120))) if rng.random() < 0.5 else None
            plan = Plan(child, "left_care", start, end, closed, staff.rota(), legal=self.legal(start, end, False, dob))
            plan.changes = self.changes(start, end - DAY, rng.choice((0, 1, 1, 2)))
            plan.closed_on = lawful.case_closed_on(closed, end, max([start, *(day for day, _ in plan.changes)]), self.today)
        else:
            plan = Plan(child, "known", self.between(max(dob + DAY, self.ago(730)), self.ago(7)), worker=staff.rota())
            plan.changes = self.changes(plan.start, self.today - 3 * DAY, rng.choice((0, 0, 1, 2)))
            if (plan.start - dob).days > 4 * 365 and rng.random() < 0.08:
                plan.breaks = lawful.short_breaks(rng, plan.start, self.today)
        if plan.closed_on:
            child["status"], child["closed_on"] = codes.CaseStatus.CLOSED, plan.closed_on
            # Closed soon after leaving care: nothing more needed; later: support carried on elsewhere. (No random draw,
            # so the rest of the county is the same as before closing had a reason.)
            soon = plan.end is not None and (plan.closed_on - plan.end).days <= 30
            child["closed_reason"] = codes.ClosureReason.NO_FURTHER_ACTION if soon else codes.ClosureReason.STEPPED_DOWN
        plan.parents = (self.name(S.FEMALE, child["last_name"]), self.name(S.MALE, child["last_name"]))
        return plan

    def journey(self, journey: Journey, staff: Staff) -> Plan:
        months = self.months_ago
        start = months(journey.entered)
        dob = start - datetime.timedelta(days=round(journey.age_at_entry * 365.25) + 100)
        child = self.child(sex=journey.sex, dob=dob, last_name=self.rng.choice(self.last))
        if journey.disability:
            child.update(disability=True, disability_details=journey.disability, send=codes.SendNeed.EHCP)
        left = months(journey.left) if journey.left else None
        plan = Plan(child, "left_care" if left else "in_care", start, left, journey=journey)
        # Back home, the girl's case sits with the edge-of-care team; the others are on `worker`'s caseload.
        plan.worker = staff.team_workers[staff.teams[5]][0] if left else staff.demo_worker
        plan.changes = [(months(m), reason) for m, reason in journey.changes]
        plan.legal = [(code, months(m)) for code, m in journey.legal]
        plan.parents = (self.name(S.FEMALE, child["last_name"]), self.name(S.MALE, child["last_name"]))
        return plan

    def legal(
        self, start: datetime.date, end: datetime.date | None, uasc: bool, dob: datetime.date
    ) -> list[tuple[str, datetime.date]]:
        """Care orders usually follow an interim order; the last status is the current one."""
        code = lawful.status_for_age(L.V2 if uasc and self.rng.random() < 0.85 else LEGAL.draw(self.rng), dob, start)
        if code == L.L2:
            return lawful.after_emergency_order(self.rng, start, end)
        span = ((end or self.today) - start).days
        if code in (L.C2, L.E1) and span > 90 and self.rng.random() < 0.6:
            return [(L.C1, start), (code, start + datetime.timedelta(days=self.rng.randint(28, min(300, span - 1))))]
        return [(code, start)]

    def changes(
        self, start: datetime.date, end: datetime.date, k: int, upto: datetime.date | None = None
    ) -> list[tuple[datetime.date, str]]:
        """k worker changes on distinct days, after the first week in care and within [upto, end]."""
        days = range(max(start + 7 * DAY, upto or start).toordinal(), end.toordinal() + 1)
        picked = [datetime.date.fromordinal(day) for day in self.rng.sample(days, min(k, len(days)))] if len(days) > 0 else []
        return [(day, REASON.draw(self.rng)) for day in lawful.spaced(picked, start)]

    # Histories -----------------------------------------------------------------------------

    def allocations(self, plan: Plan, staff: Staff) -> list[Row]:
        """Walk back from today's worker: a transfer between teams (TSPROC) means the one before was in another team."""
        workers = [plan.worker]
        for _, reason in reversed(plan.changes):
            team = staff.team_of[workers[-1]]
            while reason == R.TSPROC and team == staff.team_of[workers[-1]]:
                team = self.rng.choice(staff.teams)
            workers.append(self.rng.choice([pk for pk in staff.team_workers[team] if pk != workers[-1]]))
        starts = [plan.start] + [day for day, _ in plan.changes]
        ends = [day for day, _ in plan.changes] + [plan.closed_on]
        # A closed case ends its last allocation because the child's circumstances changed.
        reasons = [reason for _, reason in plan.changes] + [R.PCCHAN if plan.closed_on else ""]
        rows = zip(reversed(workers), starts, ends, reasons, strict=True)
        return [{"child_id": plan.child["id"], "worker_id": w, "started_on": s, "ended_on": e, "end_reason": r}
                for w, s, e, r in rows]  # fmt: skip

    def episodes(self, plan: Plan) -> list[Row]:
        if plan.breaks:
            return [{"child_id": plan.child["id"], "started_on": start, "ended_on": end, "category_of_need": need_of(plan)}
                    for start, end in plan.breaks]  # fmt: skip
        if plan.kind == "known":
            return []
        return [{"child_id": plan.child["id"], "started_on": plan.start, "ended_on": plan.end, "category_of_need": need_of(plan)}]

    def legal_statuses(self, plan: Plan) -> list[Row]:
        if plan.breaks:
            return [{"child_id": plan.child["id"], "code": L.V3, "started_on": start, "ended_on": end}
                    for start, end in plan.breaks]  # fmt: skip
        ends: list[datetime.date | None] = [start for _, start in plan.legal[1:]]
        ends = [*ends, plan.end] if plan.legal else []
        return [{"child_id": plan.child["id"], "code": code, "started_on": start, "ended_on": end}
                for (code, start), end in zip(plan.legal, ends, strict=True)]  # fmt: skip

    def visits(self, plan: Plan) -> list[Row]:
        """Statutory visits every four to seven weeks while in care (about one child in ten overdue), casework after."""
        rng, lo, days = self.rng, max(plan.start, self.ago(3 * 365)), []
        if plan.kind == "in_care" and (self.today - lo).days >= 7:
            overdue = rng.random() < 0.10 and (self.today - lo).days > 80
            last = self.ago(rng.randint(43, 75) if overdue else rng.randint(1, min(38, (self.today - lo).days)))
            days = [(day, V.STATUTORY) for day in self._schedule(lo, last, 28, 49)]
        elif plan.kind == "left_care" and plan.end and plan.end >= lo:
            days = [(day, V.STATUTORY) for day in self._schedule(lo, plan.end - rng.randint(0, 20) * DAY, 28, 49)]
        if plan.kind != "in_care" and plan.closed_on is None:  # still open: child in need or child protection work
            since = plan.end + 7 * DAY if plan.end else plan.start
            kind, gap = (
                (V.CHILD_PROTECTION, (10, 20))
                if plan.kind == "known" and not plan.breaks and rng.random() < 0.5
                else (V.DIRECT_WORK, (35, 70))
            )
            days += [(day, kind) for day in self._schedule(since, self.ago(rng.randint(1, 20)), *gap)]
        extra = [
            (day + rng.randint(5, 20) * DAY, rng.choice((V.DIRECT_WORK, V.REVIEW))) for day, _ in days if rng.random() < 0.08
        ]
        days = sorted(days + [(day, kind) for day, kind in extra if day < self.today and (plan.end is None or day <= plan.end)])
        # Each visit is by the worker allocated that day; for a few children the latest is still a draft.
        starts, draft = [a["started_on"] for a in plan.allocations], rng.random() < 0.05
        authors = [plan.allocations[bisect.bisect_right(starts, day) - 1]["worker_id"] for day, _ in days]
        rows = [self._visit(plan, author, day, kind, draft and i == len(days) - 1)
                for i, (author, (day, kind)) in enumerate(zip(authors, days, strict=True))]  # fmt: skip
        return rows

    def _schedule(self, lo: datetime.date, last: datetime.date, shortest: int, longest: int) -> list[datetime.date]:
        days, day = [], min(last, self.today - DAY)
        while day >= lo:
            days.append(day)
            day -= self.rng.randint(shortest, longest) * DAY
        return days

    def _visit(self, plan: Plan, author: int, day: datetime.date, kind: str, draft: bool) -> Row:
        rng, baby = self.rng, (day - plan.child["date_of_birth"]).days < 4 * 365
        at = datetime.datetime(day.year, day.month, day.day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)), tzinfo=self.tz)
        where, seen = rng.choice(LOCATIONS), rng.choice(BABY_OBSERVED if baby else OBSERVED)
        if plan.journey:
            _, where, seen = [c for c in plan.journey.chapters if self.months_ago(c[0]) <= day][-1]
        signed_at = (
            None if draft else min(at + datetime.timedelta(hours=rng.randint(2, 96)), self.now - datetime.timedelta(minutes=1))
        )
        return {
            "child_id": plan.child["id"], "author_id": author, "visit_type": kind, "visited_at": at, "location": where,
            "present": rng.choice(PRESENT), "seen_alone": not baby and rng.random() < 0.88,
            "child_said": "" if baby else rng.choice(CHILD_SAID), "observations": seen, "analysis": rng.choice(ANALYSIS),
            "actions": rng.choice(ACTIONS), "status": codes.VisitStatus.DRAFT if draft else codes.VisitStatus.SIGNED,
            "signed_at": signed_at, "signed_by_id": None if draft else author,
            # Increasing keys (a running number on top) go in at the end of the unique index: random ones
            # land all over it, which made PostgreSQL a third slower at a hundred thousand children.
            "idempotency_key": uuid.UUID(int=next(self.keys) << 80 | rng.getrandbits(80), version=4),
        }  # fmt: skip

    def family(self, plan: Plan) -> list[Row]:
        """Parents, grandparents, brothers and sisters (linked to their own record if in care here too), trusted adults."""
        rng, child, rows = self.rng, plan.child, []

        def add(
            name: str, relationship: str, years: float, own_record: int | None = None, lives_with: bool = False, notes: str = ""
        ) -> None:
            dob = min(self.today, child["date_of_birth"] + datetime.timedelta(days=round(years * 365.25)))
            rows.append({"child_id": child["id"], "name": name, "relationship": relationship, "date_of_birth": dob,
                         "own_record_id": own_record, "lives_with_child": lives_with, "notes": notes})  # fmt: skip

        if rng.random() < 0.92:
            add(
                plan.parents[0],
                Rel.MOTHER,
                -rng.uniform(17, 40),
                notes="Lives abroad; calls on Sundays." if child["uasc"] else "",
            )
        if rng.random() < 0.72:
            add(plan.parents[1], Rel.FATHER, -rng.uniform(18, 45))
        if child["uasc"]:
            return rows
        for _ in range(2 if plan.journey else rng.choice((0, 0, 1, 1, 2))):
            add(self.name(), Rel.GRANDPARENT, -rng.uniform(38, 70), lives_with=plan.kind == "known" and rng.random() < 0.15)
        for brother_or_sister in (other for other in plan.group if other is not plan):
            other = brother_or_sister.child
            kind = Rel.FULL_SIBLING if other["last_name"] == child["last_name"] else Rel.HALF_SIBLING
            years = (other["date_of_birth"] - child["date_of_birth"]).days / 365.25
            name = f"{other['preferred_name'] or other['first_name']} {other['last_name']}"
            add(name, kind, years, other["id"], plan.lives_with(brother_or_sister))
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            at_home = rng.random() < (0.1 if plan.kind == "in_care" else 0.7)
            add(self.name(last=child["last_name"]), SIBLING_KIND.draw(rng), rng.uniform(-10, 10), lives_with=at_home)
        if rng.random() < 0.35:
            add(self.name(), Rel.TRUSTED_ADULT, -rng.uniform(20, 50), notes=f"My {rng.choice(TRUSTED_ROLES)}.")
        if rng.random() < 0.2:
            add(self.name(last=child["last_name"]), Rel.AUNT_UNCLE, -rng.uniform(15, 40))
        return rows

    def contact(self, plan: Plan, sibling: Row) -> Row | None:
        """Most brothers and sisters in care and living apart have contact; it is usually the child who asked."""
        chance = 0.8 if sibling["own_record_id"] else 0.35
        if plan.kind != "in_care" or sibling["lives_with_child"] or sibling["relationship"] not in codes.SIBLING_RELATIONSHIPS:
            return None
        if self.rng.random() > chance:
            return None
        started = self.between(max(plan.start, self.ago(730)), max(plan.start, self.ago(30)))
        asked = (
            self.rng.random() < 0.9 and (started - plan.child["date_of_birth"]).days > 4 * 365
        )  # toddlers' contact is in the plan
        return {"child_id": plan.child["id"], "sibling_id": sibling["id"], "frequency": FREQUENCY.draw(self.rng),
                "requested_by_child": asked, "plan": self.rng.choice(PLANS), "started_on": started}  # fmt: skip

    def sessions(self, arrangement: Row) -> list[Row]:
        """A year of sessions and the next one planned: about four in five past sessions happen. One a slot of the
        frequency (casework.contact_due), on a day inside it, so the measure's sessions due are the ones recorded."""
        rng, of, rows = self.rng, {"arrangement_id": arrangement["id"]}, list[Row]()
        for day in self._session_days(arrangement):
            if day >= self.today:
                return [*rows, {**of, "planned_on": day, "status": codes.ContactSessionStatus.PLANNED}]
            row = {**of, "planned_on": day, "status": codes.ContactSessionStatus.HAPPENED}
            if rng.random() < 0.8:
                row["child_comment"] = rng.choice(CHILD_COMMENTS) if rng.random() < 0.3 else ""
            else:
                by = CANCELLED_BY.draw(rng)
                row.update(status=codes.ContactSessionStatus.CANCELLED, cancelled_by=by, cancel_reason=CANCEL_REASONS[by])
            rows.append(row)
        return rows

    def _session_days(self, arrangement: Row) -> Iterator[datetime.date]:
        """A day in each slot from about a year ago, on until one is today or later; 'other' every five to nine weeks."""
        rng, started, frequency = self.rng, arrangement["started_on"], arrangement["frequency"]
        since = max(started, self.ago(365))
        if frequency not in contact_due.STEPS:
            shortest, longest = FREQUENCY_DAYS[frequency]
            day = since + rng.randint(0, shortest) * DAY
            while True:
                yield day
                day += rng.randint(shortest, longest) * DAY
        for k in itertools.count():  # the caller stops at the first day from today
            starts, following = (contact_due.slot_start(started, frequency, i) for i in (k, k + 1))
            if following <= since:
                continue
            yield max(starts, since) + rng.randint(0, (following - max(starts, since)).days - 1) * DAY


def save_chunk(county: County, plans: list[Plan], staff: Staff, states: dict[str, Any]) -> None:
    """Write a chunk: children first (for their ids), then everything that points at them."""
    insert(Child, [plan.child for plan in plans], with_ids=True)
    for plan in plans:
        plan.allocations = county.allocations(plan, staff)
    insert(Allocation, (row for plan in plans for row in plan.allocations))
    insert(CareEpisode, (row for plan in plans for row in county.episodes(plan)))
    insert(LegalStatus, (row for plan in plans for row in county.legal_statuses(plan)))
    insert(Visit, (row for plan in plans for row in county.visits(plan)))
    reviews_and_missing_save(county, plans)
    family = [(plan, member) for plan in plans for member in county.family(plan)]
    insert(FamilyMember, [member for _, member in family], with_ids=True)
    arrangements = [row for plan, member in family if (row := county.contact(plan, member))]
    insert(SiblingContactArrangement, arrangements, with_ids=True)
    insert(SiblingContactSession, (row for arrangement in arrangements for row in county.sessions(arrangement)))
    records_health(county, plans)  # the 903's health, motherhood, UASC and care leaver records (casework.demo.health)
    for extension in demo_extensions():  # homes, stars: other apps' parts of each child's history
        extension.chunk(county, plans, states.get(extension.name))


def plan_groups(county: County, staff: Staff, n_in_care: int, n_known: int) -> Iterator[list[Plan]]:
    """The journeys first; then brothers and sisters in care, the first few on `worker`'s caseload; then known children."""
    journeys = [county.journey(journey, staff) for journey in JOURNEYS]
    yield journeys
    in_care = sum(plan.kind == "in_care" for plan in journeys)
    known = len(journeys) - in_care
    while in_care < n_in_care:
        group = county.in_care_group(staff, min(GROUP_SIZE.draw(county.rng), n_in_care - in_care))
        for plan in group[: max(0, DEMO_CASELOAD - in_care)]:
            plan.worker = staff.demo_worker
        in_care += len(group)
        yield group
    for _ in range(n_known - known):
        yield [county.known(staff)]


def chunks(groups: Iterator[list[Plan]]) -> Iterator[list[Plan]]:
    """About CHUNK children at a time, never splitting brothers and sisters (their records point at each other)."""
    chunk: list[Plan] = []
    for group in groups:
        chunk += group
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def young_person_account(today: datetime.date) -> None:
    """A child on `worker`'s caseload with their own sign-in, their words, a shared record and a correction
    waiting for an answer, made through the services so their history is like anyone's."""
    worker = User.objects.get(username="worker")
    child = (
        Child.objects.filter(
            allocations__worker=worker,
            allocations__ended_on__isnull=True,
            care_episodes__ended_on__isnull=True,
            date_of_birth__lte=today - datetime.timedelta(days=365 * 11),
            date_of_birth__gt=today - datetime.timedelta(days=365 * 16),
        )
        .order_by("pk")
        .first()
    )
    visit = child.visits.filter(status=codes.VisitStatus.SIGNED).exclude(observations="").first() if child else None
    if child is None or visit is None:
        return
    name = child.preferred_name or child.first_name
    user = User.objects.create(username="young.person", first_name=name, role=codes.Role.CHILD)
    user.password = make_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    ChildAccount.objects.create(user=user, child=child)
    services.child_words_update(child=child, actor=worker, **YOUNG_PERSON_WORDS)
    sections = [name for name in codes.SharedSection.values if getattr(visit, name).strip()]
    versions = {section: YOUNG_PERSON_VERSIONS[section] for section in sections}
    note = "Can you check I got this right?"
    share = services.visit_share(visit=visit, actor=worker, sections=sections, child_versions=versions, note_to_child=note)
    words = "I didn't say I was sad. I said I was tired because of school."
    services.record_check(shared_record=share, actor=user, verdict=codes.Verdict.NOT_RIGHT, child_words=words)


# What the young person reads of their worker's visit: written to them, never the record's own words.
YOUNG_PERSON_VERSIONS = {
    "child_said": "You told me you have felt sad some days, and that you like your room.",
    "observations": "When I came to see you, you showed me your room and we talked in the kitchen.",
    "analysis": "I think things are mostly going well for you at home.",
    "actions": "I will talk to your school about how tired you are. I will come to see you again in six weeks.",
}

YOUNG_PERSON_WORDS = {
    "my_story": "Things at home got too hard and I wasn't safe. Mum and Dad love me, but they couldn't look after me "
    "then. So I came to live with foster carers.",
    "proud_of": "I got a certificate for swimming. I helped my little brother with his reading.",
    "people_who_matter": "My nan, my brother, my carer and my best friend from school.",
    "what_matters_to_me": "Seeing my brother. My dog. Being listened to.",
    "how_i_like_to_be_spoken_to": "Please talk to me on my own, and don't use long words.",
}


def county_build(*, seed: int, children: int, known: int | None = None) -> list[str]:
    """Fill an empty database with a generated county: `children` in care and `known` more (default a third).
    Returns the summary lines to print. Raises ValueError, with what to do, when the database is not empty or
    the county would be too small for every team and journey to have someone in it."""
    if Child.objects.exists() or Team.objects.exists() or User.objects.filter(username__in=DEMO_USERNAMES).exists():
        raise ValueError("demo_county only fills an empty database, and this one has teams, children or demo users.")
    if children < 20:
        raise ValueError("Ask for at least 20 children, so that every team and journey has someone in it.")
    n_known = max(1, children // 3 if known is None else known)  # one journey is a known child
    began, today = time.monotonic(), timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:  # check references row by row as they stream in, not all at COMMIT
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        county = County(seed=seed, today=today)
        staff = county.staff(children + n_known)
        states = {ext.name: ext.setup(county, staff) for ext in demo_extensions() if ext.setup}
        for chunk in chunks(plan_groups(county, staff, children, n_known)):
            save_chunk(county, chunk, staff, states)
        young_person_account(today)
    return summary(today, time.monotonic() - began)


def summary(today: datetime.date, seconds: float) -> list[str]:
    models = (Team, User, Child, CareEpisode, LegalStatus, Allocation, FamilyMember, Visit, SiblingContactArrangement,
              SiblingContactSession)  # fmt: skip
    lines = [f"{model._meta.verbose_name_plural:>30}: {model.objects.count():>9,}" for model in models]
    in_care = CareEpisode.objects.filter(ended_on__isnull=True).values("child_id")
    changes = Allocation.objects.filter(child__in=in_care, ended_on__gt=today - datetime.timedelta(days=730))
    share = changes.values("child_id").distinct().count() / max(1, in_care.count())
    between_teams = changes.filter(end_reason=R.TSPROC).count() / max(1, changes.count())
    lines += [
        f"Built in {seconds:.1f} s.",
        f"Children in care with a worker change in 24 months: {share:.0%} (England: 82%).",
        f"Changes that were transfers between teams (TSPROC): {between_teams:.0%} (England: 54%).",
    ]
    for extension in demo_extensions():
        lines += extension.summary() if extension.summary else []
    return [*lines, f"Demo sign-ins, password {DEMO_PASSWORD}: {', '.join(DEMO_USERNAMES)}."]
