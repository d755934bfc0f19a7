"""SSDA903 code lists (DfE children looked after return) and Hearth's own choices.

Codes are stored as the DfE writes them, so the statutory return is a straight export."""

from django.db import models


class Sex(models.TextChoices):
    # As the 903 codes it from 2024/25 (rule 101): M, F (U, not known, is for an unborn child, which Hearth does not report).
    MALE = "M", "Male"
    FEMALE = "F", "Female"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class LegalStatusCode(models.TextChoices):
    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    J1 = "J1", "Remanded to local authority accommodation or youth detention"
    J2 = "J2", "Placed in local authority accommodation under PACE"
    J3 = "J3", "Sentenced to a youth rehabilitation order with residence or fostering requirement"
    L1 = "L1", "Under police protection and in local authority accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under child assessment order and in local authority accommodation"
    V2 = "V2", "Single period of accommodation under section 20"
    V3 = "V3", "Accommodated under an agreed series of short-term breaks (single placements)"
    V4 = "V4", "Accommodated under an agreed series of short-term breaks (multiple placements)"


# The longest the law lets a child be looked after under these statuses, in days: police protection 72 hours
# (Children Act 1989 s46(6)), an emergency protection order 8 days extended once by up to 7 (s45), one short break
# 17 days (the DfE's 903 guidance, rule 365). Short breaks add up to at most 75 days in 12 months (rule 367).
MOST_DAYS_UNDER: dict[str, int] = {LegalStatusCode.L1: 3, LegalStatusCode.L2: 15, LegalStatusCode.V3: 17}
SHORT_BREAKS_MOST_DAYS_A_YEAR = 75
SHORT_BREAKS = (LegalStatusCode.V3, LegalStatusCode.V4)
# Remand and youth justice are for children of 10 or over, the age of criminal responsibility (903 rule 358).
YOUTH_JUSTICE = (LegalStatusCode.J1, LegalStatusCode.J2, LegalStatusCode.J3)
YOUTH_JUSTICE_FROM_AGE = 10


class CategoryOfNeed(models.TextChoices):
    """903 CIN: the main reason the child is in care, as the worker records it when care starts."""

    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"


class WorkerChangeReason(models.TextChoices):
    """903 SW_REASON: why the child has this social worker. The 903 puts it on the new worker's episode; Hearth keeps
    it where the change is made, on the end of the worker before (Allocation.end_reason), and the export moves it.
    FCONTA is no change: it is the reason of a child's first worker (or the first after a gap), never chosen."""

    MANAGE = "MANAGE", "Management decision (e.g. caseload balancing)"
    FCONTA = "FCONTA", "First contact: the child's first social worker"
    LEFTRL = "LEFTRL", "Worker left the role or the council"
    ORGRST = "ORGRST", "Organisational restructure"
    TSPROC = "TSPROC", "Transfer between teams as the usual process (e.g. from assessment to long-term)"
    ABSENC = "ABSENC", "Worker absent (sickness, leave)"
    CHCHAN = "CHCHAN", "Child or family asked for a change"
    PCCHAN = "PCCHAN", "Change in the child's circumstances"
    SWDIED = "SWDIED", "Worker died"
    OTHERS = "OTHERS", "Other reason"


# The reasons a worker may give for changing a child's worker: all but first contact, which is no change.
CHANGE_REASONS = [(code, label) for code, label in WorkerChangeReason.choices if code != WorkerChangeReason.FCONTA]
# A Social Work England registration number as the 903's SW_ID takes it (rules SW01, SW02): "SW" and its digits.
SOCIAL_WORK_ENGLAND_ID = r"SW[0-9]{1,8}"


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    ADMINISTRATOR = "administrator", "Administrator"
    # A child or young person signed in to see their own journey (issue 6): no staff page or API.
    CHILD = "child", "Child or young person"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    FULL_SIBLING = "full_sibling", "Brother or sister"
    HALF_SIBLING = "half_sibling", "Half-brother or half-sister"
    STEP_SIBLING = "step_sibling", "Step-brother or step-sister"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    COUSIN = "cousin", "Cousin"
    OTHER_RELATIVE = "other_relative", "Other relative"
    FRIEND = "friend", "Friend"
    TRUSTED_ADULT = "trusted_adult", "Trusted adult"
    # A young person's own son or daughter: with a date of birth, it makes a looked-after girl a mother in the 903.
    OWN_CHILD = "own_child", "Their own child"


SIBLING_RELATIONSHIPS = (
    Relationship.FULL_SIBLING,
    Relationship.HALF_SIBLING,
    Relationship.STEP_SIBLING,
)


class VisitType(models.TextChoices):
    STATUTORY = "statutory", "Statutory visit to a child in care"
    CHILD_PROTECTION = "child_protection", "Child protection visit"
    DIRECT_WORK = "direct_work", "Direct work"
    REVIEW = "review", "Review"


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class CaseNoteKind(models.TextChoices):
    """Contact about a child that is not a visit: a case note records it (a visit has its own record)."""

    PHONE_CALL = "phone_call", "Phone call"
    MEETING = "meeting", "Meeting"
    MESSAGE = "message", "Text or app message"
    EMAIL = "email", "Email"
    OTHER = "other", "Other contact"


class ContactFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "Every three months"
    OTHER = "other", "Other (see plan)"


class ContactSessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HAPPENED = "happened", "Happened"
    CANCELLED = "cancelled", "Cancelled"


class CancelledBy(models.TextChoices):
    CHILD = "child", "The child"
    SIBLING = "sibling", "The brother or sister"
    CARER = "carer", "A carer"
    FAMILY = "family", "Family"
    COUNCIL = "council", "The council"
    OTHER = "other", "Someone else"


class ClosureReason(models.TextChoices):
    """Why a child's case was closed (a closed case can be reopened; nothing is deleted)."""

    NO_FURTHER_ACTION = "nfa", "No further action: the child and family need no more help from us"
    STEPPED_DOWN = "step_down", "Support carries on from early help or another service"
    MOVED_AWAY = "moved_away", "Moved to another council, which now holds the case"
    PERMANENCE = "permanence", "Adopted, or a special guardianship or child arrangements order: our part has ended"
    ADULTHOOD = "adulthood", "Grew up: moved to adult services, or leaving care support ended"
    DIED = "died", "The child died"
    OTHER = "other", "Another reason (say which)"


class UpnUnknown(models.TextChoices):
    """The SSDA903's codes for a child with no unique pupil number (UPN), in the 903's own order."""

    UN1 = "UN1", "Too young for school: not yet given a UPN"
    UN2 = "UN2", "Has never been to school in England"
    UN3 = "UN3", "Has been to school, but only outside England"
    UN4 = "UN4", "A UPN has been asked for and has not come yet"
    UN5 = "UN5", "The places that would know it could not give it"


class SendNeed(models.TextChoices):
    NONE = "none", "No SEN"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan"


class SharedSection(models.TextChoices):
    """The parts of a signed visit a worker may share with the child; anything else stays staff-only."""

    CHILD_SAID = "child_said", "What you told me"
    OBSERVATIONS = "observations", "What I saw and heard"
    ANALYSIS = "analysis", "What I think it means"
    ACTIONS = "actions", "What happens next"


class Verdict(models.TextChoices):
    RIGHT = "right", "This is right"
    NOT_RIGHT = "not_right", "This isn't right"


class CheckStatus(models.TextChoices):
    AGREED = "agreed", "The child said it is right"
    OPEN = "open", "Waiting for the worker's answer"
    AMENDED = "amended", "The record was changed"
    EXPLAINED = "explained", "The worker explained why it stays"


CHILD_INVITE_DAYS = 14


class InTouch(models.TextChoices):
    """903 OC3 IN_TOUCH: whether the council is in touch with a care leaver around a birthday from 17 to 21."""

    YES = "YES", "In touch"
    NO = "NO", "Not in touch"
    DIED = "DIED", "Died"
    REFU = "REFU", "Does not want contact"
    NREQ = "NREQ", "No longer needs services"
    RHOM = "RHOM", "Returned home to parents for 6 months or more"


class CareLeaverActivity(models.TextChoices):
    """903 OC3 ACTIV: what the young person is doing."""

    F1 = "F1", "Higher education, full-time"
    P1 = "P1", "Higher education, part-time"
    F2 = "F2", "Other education, full-time"
    P2 = "P2", "Other education, part-time"
    F4 = "F4", "Training or employment, full-time"
    P4 = "P4", "Training or employment, part-time"
    F5 = "F5", "Apprenticeship, full-time"
    P5 = "P5", "Apprenticeship, part-time"
    G4 = "G4", "Not in education, training or employment: illness or disability"
    G5 = "G5", "Not in education, training or employment: other reasons"
    G6 = "G6", "Not in education, training or employment: pregnancy or parenting"


class CareLeaverAccommodation(models.TextChoices):
    """903 OC3 ACCOM (the letter; whether it is suitable is recorded beside it)."""

    B = "B", "With parents or relatives"
    C = "C", "Community home or other residential care"
    D = "D", "Semi-independent, transitional accommodation"
    E = "E", "Supported lodgings"
    G = "G", "Gone abroad"
    H = "H", "Deported"
    K = "K", "Ordinary lodgings, without formal support"
    R = "R", "Residence not known"
    S = "S", "No fixed abode or homeless"
    T = "T", "Foyers and similar supported accommodation"
    U = "U", "Independent living"
    V = "V", "Emergency accommodation"
    W = "W", "Bed and breakfast"
    X = "X", "In custody"
    Y = "Y", "Other accommodation"
    Z = "Z", "Staying put with former foster carers"


# Letters whose 903 ACCOM code has no "suitable" form (S1 and X1 do not exist): homelessness and custody never are.
NEVER_SUITABLE = (CareLeaverAccommodation.S, CareLeaverAccommodation.X)
# Former foster carers (staying put) is not an answer at 17: the 903 rejects Z1 and Z2 around the 17th birthday.
STAYING_PUT = CareLeaverAccommodation.Z

CARE_LEAVER_FROM_AGE = 16  # a leaving-care record (pathway plan, personal adviser) starts at 16
CARE_LEAVER_BIRTHDAYS = (17, 18, 19, 20, 21)  # the DfE asks about contact around each of these birthdays


class ReviewParticipation(models.TextChoices):
    """903 Reviews REVIEW_CODE: how the child took part in their looked-after review, in the DfE's own words."""

    PN0 = "PN0", "Child aged under 4 at the time of the review"
    PN1 = "PN1", "Child physically attends and speaks for him or herself"
    PN2 = "PN2", "Child physically attends and an advocate speaks on his or her behalf"
    PN3 = "PN3", "Child attends and conveys his or her view symbolically (non-verbally)"
    PN4 = (
        "PN4",
        (
            "Child physically attends but does not speak for him or herself, does not convey his or her view "
            "symbolically (non-verbally) and does not ask an advocate to speak for him or her"
        ),
    )
    PN5 = "PN5", "Child does not attend physically but briefs an advocate to speak for him or her"
    PN6 = "PN6", "Child does not attend but conveys his or her feelings to the review by a facilitative medium"
    PN7 = "PN7", "Child does not attend nor are his or her views conveyed to the review"


REVIEW_UNDER_AGE = 4  # a child under 4 on the day of the review is coded PN0, and only they are


class MissingKind(models.TextChoices):
    """903 Missing MISSING: missing from where the child lives, or away from it without permission."""

    MISSING = "M", "Missing"
    AWAY = "A", "Away from placement without authorisation"


class SdqReason(models.TextChoices):
    """903 OC2 SDQ_REASON: why a child looked after for a year has no Strengths and Difficulties score."""

    SDQ1 = "SDQ1", "Under 4 or 17 and over when last assessed"
    SDQ2 = "SDQ2", "The carer refused to complete the questionnaire"
    SDQ3 = "SDQ3", "Not possible because of the severity of the child's disability"
    SDQ4 = "SDQ4", "Other reason"
    SDQ5 = "SDQ5", "The child refused to allow it"


SDQ_HIGHEST = 40  # an SDQ total difficulties score is 0 to 40
# The ages at 31 March that decide which questions of the yearly health record apply (the 903's OC2 rules).
DEVELOPMENT_CHECK_UNDER = 5  # development assessments are asked about children under 5
CONVICTION_FROM = 10  # convictions, from the age of criminal responsibility
