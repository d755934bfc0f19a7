"""SSDA903 code lists for homes and moves, and the placement decision ladder.

Codes are stored as the DfE writes them, so the statutory return is a straight export."""

from django.db import models

from casework import codes as casework_codes


class Rung(models.IntegerChoices):
    """The ladder (Children Act 1989 s22C order): a lower rung only once every higher one is ruled out."""

    OWN_FAMILY = 1, "Own family"
    KINSHIP = 2, "Kinship: family, friends or community"
    IN_HOUSE_FOSTER = 3, "The council's own foster carers"
    IFA = 4, "Independent fostering agency"
    RESIDENTIAL = 5, "Children's home"


class Transition(models.TextChoices):
    """Late-teen moves, for young people aged 16 or over."""

    STAYING_PUT = "staying_put", "Staying put with former foster carers"
    SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    INDEPENDENT = "independent", "Independent living"


class ProviderKind(models.TextChoices):
    OWN_FAMILY = "own_family", "Own family"
    KINSHIP = "kinship", "Kinship or connected person"
    IN_HOUSE_FOSTER = "in_house_foster", "The council's own foster carers"
    IFA = "ifa", "Independent fostering agency"
    COUNCIL_CHILDRENS_HOME = "council_home", "Children's home run by the council"
    PRIVATE_CHILDRENS_HOME = "private_home", "Private children's home"
    SECURE = "secure", "Secure children's home"
    SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    STAYING_PUT = "staying_put", "Staying put"


class ProviderCode(models.TextChoices):
    """903 PLACE_PROVIDER."""

    PR0 = "PR0", "Parent(s) or other person(s) with parental responsibility"
    PR1 = "PR1", "Own provision (by the council)"
    PR2 = "PR2", "Other local authority provision"
    PR3 = "PR3", "Other public provision"
    PR4 = "PR4", "Private provision"
    PR5 = "PR5", "Voluntary/third sector provision"


class PlaceCode(models.TextChoices):
    """903 PLACE: the type of home."""

    A3 = "A3", "Placed for adoption with parental/guardian consent with current foster carer(s)"
    A4 = "A4", "Placed for adoption with parental/guardian consent not with current foster carer(s)"
    A5 = "A5", "Placed for adoption with placement order with current foster carer(s)"
    A6 = "A6", "Placed for adoption with placement order not with current foster carer(s)"
    H5 = "H5", "Semi-independent living accommodation not subject to children's homes regulations (before 2025/26)"
    K1 = "K1", "Secure children's home"
    K2 = "K2", "Children's home subject to Children's Homes Regulations"
    K3 = "K3", "Supported accommodation registered with Ofsted (from 2025/26, for H5 and P2)"
    P1 = "P1", "Placed with own parent(s) or other person(s) with parental responsibility"
    P2 = "P2", "Independent living, with or without formal support (before 2025/26)"
    P3 = "P3", "Residential employment"
    R1 = "R1", "Residential care home"
    R2 = "R2", "NHS/health trust or other establishment providing medical or nursing care"
    R3 = "R3", "Family centre or mother and baby unit"
    R5 = "R5", "Young offender institution or prison"
    S1 = "S1", "Residential school, except where dual-registered as a children's home"
    T0 = "T0", "Temporary: all types of temporary move"
    T1 = "T1", "Temporary periods in hospital"
    T2 = "T2", "Temporary absences of the child on holiday"
    T3 = "T3", "Temporary accommodation whilst normal foster carer(s) is/are on holiday"
    T4 = "T4", "Temporary accommodation of seven days or less, for any reason, not covered by codes T1 to T3"
    U1 = "U1", "Foster placement with relative or friend: long term fostering"
    U2 = "U2", "Foster placement with relative or friend who is also an approved adopter: fostering for adoption"
    U3 = "U3", "Foster placement with relative or friend: not long term or fostering for adoption"
    U4 = "U4", "Foster placement with other foster carer: long term fostering"
    U5 = "U5", "Foster placement with other foster carer who is also an approved adopter: fostering for adoption"
    U6 = "U6", "Foster placement with other foster carer: not long term or fostering for adoption"
    Z1 = "Z1", "Other placements"


class ReasonPlaceChange(models.TextChoices):
    """903 REASON_PLACE_CHANGE: why the child moved."""

    CARPL = "CARPL", "Change to or implementation of the care plan"
    CLOSE = "CLOSE", "Resignation or closure of the provision"
    ALLEG = "ALLEG", "Allegation (s47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer asked for the move because of the child's behaviour"
    CREQO = "CREQO", "Carer asked for the move for another reason"
    CHILD = "CHILD", "The child asked to move"
    LAREQ = "LAREQ", "The responsible or area authority asked for the move"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


class ReasonEpisodeCeased(models.TextChoices):
    """903 REC: why a period in care (or a 903 episode) ended."""

    E11 = "E11", "Adopted: application unopposed"
    E12 = "E12", "Adopted: consent dispensed with by the court"
    E13 = "E13", "Left care to live with parents, relatives or others with no parental responsibility"
    E14 = "E14", "Accommodation on remand ended"
    E15 = "E15", "Age assessment determined the child is 18 or over"
    E16 = "E16", "Child moved abroad"
    E17 = "E17", "Aged 18 or over and stayed with current carers (staying put)"
    E2 = "E2", "Died"
    E3 = "E3", "Care taken over by another local authority in the UK"
    E4A = "E4A", "Returned home to parents or others with parental responsibility, as part of the care plan"
    E4B = "E4B", "Returned home to parents or others with parental responsibility, not as part of the care plan"
    E41 = "E41", "Child arrangement (residence) order granted"
    E45 = "E45", "Special guardianship order to former foster carers who are relatives or friends"
    E46 = "E46", "Special guardianship order to former foster carers, not relatives or friends"
    E47 = "E47", "Special guardianship order to other carers who are relatives or friends"
    E48 = "E48", "Special guardianship order to other carers, not relatives or friends"
    E5 = "E5", "Moved to independent living with formal support"
    E6 = "E6", "Moved to independent living with no formal support"
    E7 = "E7", "Transferred to residential care funded by adult social care"
    E8 = "E8", "Period in care ceased for any other reason"
    E9 = "E9", "Sentenced to custody"
    X1 = "X1", "Episode ceases and a new one begins on the same day"


# REC codes a person records when care ends (X1 is the export's own, between episodes).
END_OF_CARE = [(code, label) for code, label in ReasonEpisodeCeased.choices if code != ReasonEpisodeCeased.X1]


CategoryOfNeed = casework_codes.CategoryOfNeed  # recorded when care starts (casework), carried on each home


class WhyNot(models.TextChoices):
    """Why a rung on the ladder was not right for this child."""

    SAFETY = "safety", "Not safe"
    NO_CAPACITY = "no_capacity", "No home available (no capacity)"
    NOT_SUITABLE = "not_suitable", "Not suitable for the child's needs"
    CHILD_WISH = "child_wish", "The child did not want it"
    OTHER = "other", "Other"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


# The Children Act 1989 checklist: (field stem, the question).
CHECKLIST = (
    ("connected_person", "A connected person was considered first"),
    ("near_home", "The home is near the child's home"),
    ("education", "The child's education is not disrupted"),
    ("siblings", "Brothers and sisters live together"),
    ("disability", "The home suits any disability the child has"),
    ("in_area", "The home is within the council's area"),
)


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"


class RiskOfResidentialOutcome(models.TextChoices):
    """What the Risk of Residential forum decided."""

    KEEP_SEARCHING = "keep_searching", "Keep searching for a family; review next week"
    EDGE_OF_CARE = "edge_of_care", "Extra support so the child can stay where they are"
    FAMILY_FOUND = "family_found", "A family home was found"
    RESIDENTIAL_AUTHORISED = "residential_authorised", "Residential search authorised"


RESIDENTIAL_PLACE_CODES = (PlaceCode.K1, PlaceCode.K2, PlaceCode.R1, PlaceCode.S1)
STEP_DOWN_WEEKS = 12
TRANSITION_AGE = 16


class ResidentialReviewOutcome(models.TextChoices):
    """What the Residential Review Group decided at a child's monthly review."""

    STAYS = "stays", "Stays: the home meets the child's needs; keep the step-down plan"
    SEARCH = "search", "Step down: search for a family now"
    READY = "ready", "Step down: a family is found; plan the move"
    ESCALATE = "escalate", "Escalate: the home is not meeting the child's needs"


EMERGENCY_APPROVAL_HOURS = 72  # an emergency move needs its decision approved within this
RESIDENTIAL_REVIEW_WEEKS = 5  # the group meets monthly: the next review is due within about a month


class ReturnCheckStatus(models.TextChoices):
    """Where a check of the 903 return by the DfE's validator is (placements.models.ReturnCheck)."""

    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Checking"
    DONE = "done", "Checked"
    FAILED = "failed", "Could not check"


# Adoption and previous permanence ----------------------------------------------------------------

# 903 PLACE codes of a child placed for adoption. With the current foster carers (A3, A5) the child stays where they
# are and only the type of home changes; a placement order (legal status E1) makes it A5 or A6, consent A3 or A4.
PLACED_FOR_ADOPTION = (PlaceCode.A3, PlaceCode.A4, PlaceCode.A5, PlaceCode.A6)
WITH_FOSTER_CARERS = (PlaceCode.A3, PlaceCode.A5)
FOSTERING = (PlaceCode.U1, PlaceCode.U2, PlaceCode.U3, PlaceCode.U4, PlaceCode.U5, PlaceCode.U6)
PLACEMENT_ORDER = "E1"  # casework's legal status code for a placement order
ADOPTED = (ReasonEpisodeCeased.E11, ReasonEpisodeCeased.E12)
ADULT_AGE = 18  # a child cannot be adopted at 18 or over


class ReasonPlacedCeased(models.TextChoices):
    """903 REASON_PLACED_CEASED: why a decision that the child should be placed for adoption was reversed."""

    RD1 = "RD1", "The child's needs changed after the decision"
    RD2 = "RD2", "The court did not make a placement order"
    RD3 = "RD3", "Prospective adopters could not be found"
    RD4 = "RD4", "Any other reason"


class AdoptersLegalStatus(models.TextChoices):
    """903 LS_ADOPTR: who adopted the child. A single adopter is one person (NB_ADOPTR 1); every other is a couple."""

    L0 = "L0", "A single person"
    L11 = "L11", "A married couple of different sexes"
    L12 = "L12", "A married couple of the same sex"
    L2 = "L2", "A civil partnership"
    L3 = "L3", "An unmarried couple of different sexes"
    L4 = "L4", "An unmarried couple of the same sex"


class AdoptersSex(models.TextChoices):
    """903 SEX_ADOPTR."""

    M1 = "M1", "A man (single adopter)"
    F1 = "F1", "A woman (single adopter)"
    MM = "MM", "Two men"
    FF = "FF", "Two women"
    MF = "MF", "A man and a woman"


# Which adopters' sexes each legal status allows (903 rules 511 to 524).
ADOPTERS_SEXES = {
    AdoptersLegalStatus.L0: (AdoptersSex.M1, AdoptersSex.F1),
    AdoptersLegalStatus.L11: (AdoptersSex.MF,),
    AdoptersLegalStatus.L12: (AdoptersSex.MM, AdoptersSex.FF),
    AdoptersLegalStatus.L2: (AdoptersSex.MM, AdoptersSex.FF, AdoptersSex.MF),
    AdoptersLegalStatus.L3: (AdoptersSex.MF,),
    AdoptersLegalStatus.L4: (AdoptersSex.MM, AdoptersSex.FF),
}


class PreviousPermanence(models.TextChoices):
    """903 PREV_PERM: how the child left an earlier period in care for a permanent home, if they did."""

    P1 = "P1", "Adoption"
    P2 = "P2", "Special guardianship order"
    P3 = "P3", "Residence order or child arrangements order (with whom the child lives)"
    P4 = "P4", "Not known whether the child had a previous permanence option"
    Z1 = "Z1", "The child has not previously had a permanence option"


# An order (P1 to P3) is dated and placed; Z1 and P4 have no order to describe.
PERMANENCE_ORDERS = (PreviousPermanence.P1, PreviousPermanence.P2, PreviousPermanence.P3)
LA_NOT_KNOWN = "999"  # 903 LA_PERM when the council that made the order is not known
# 903 LA_PERM: an English council's code (the DfE's list, as its validator checks it), or a nation outside England.
LA_OUTSIDE_ENGLAND = {"WAL": "Wales", "SCO": "Scotland", "NIR": "Northern Ireland", "NUK": "Outside the UK"}
_LA_CODES_AS_PRINTED = (
    "800 889 822 301 304 303 330 825 837 302 846 370 350 890 867 380 305 801 351 873 823 895 896 381 909 202 908 331 306 "
    "841 830 831 878 371 835 332 840 307 308 811 881 845 390 916 203 876 850 311 204 884 312 205 313 805 919 310 309 420 "
    "921 206 207 886 810 382 314 340 888 208 856 383 855 209 925 341 201 821 352 806 887 826 315 929 812 391 926 892 813 "
    "802 928 891 392 316 815 353 931 879 836 851 874 807 354 317 870 318 372 857 333 935 343 803 373 342 893 356 355 871 "
    "394 334 933 882 936 861 852 319 860 808 393 866 210 357 894 883 880 358 211 937 869 320 359 865 384 335 336 212 868 "
    "872 885 344 877 213 938 816"
)
LA_CODES = frozenset(_LA_CODES_AS_PRINTED.split())
# Types of home with no Ofsted registration, so no URN in the 903 (rules 218, 222): with parents, in residential
# employment, care homes, hospitals, custody and temporary moves. Every other type of home gives its Ofsted URN (a
# foster home its fostering service's).
NO_URN_PLACES = frozenset({"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"})
# An Ofsted URN as registers show it: SC and six digits for children's social care, or a number (schools).
OFSTED_URN = r"SC[0-9]{6}|[0-9]{6,7}"


# The DfE's code list for 2025/26 replaced semi-independent (H5) and independent living (P2) with supported
# accommodation registered with Ofsted (K3); a return is written in the codes of the year it is for.
SUPPORTED_ACCOMMODATION_FROM = 2025  # the first collection year (by its start) with K3
BEFORE_SUPPORTED_ACCOMMODATION: dict[str, str] = {PlaceCode.K3: PlaceCode.H5}
SINCE_SUPPORTED_ACCOMMODATION: dict[str, str] = {PlaceCode.H5: PlaceCode.K3, PlaceCode.P2: PlaceCode.K3}


def place_in_year(place: str, start: int) -> str:
    """A PLACE code as the collection year starting in `start` codes it."""
    since = start >= SUPPORTED_ACCOMMODATION_FROM
    changed = SINCE_SUPPORTED_ACCOMMODATION if since else BEFORE_SUPPORTED_ACCOMMODATION
    return changed.get(place, place)
