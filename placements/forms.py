"""Forms for the placements pages: shape only. The ladder rules are checked by the services, whose
ValidationErrors the views put back onto these forms."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from casework.forms import GOVUK_CLASSES, DateField, DateInput, GovukForm, version_field
from placements import codes, validation
from placements.models import Home
from placements.validation import CollectionYear

DATE_ERRORS = {"invalid": "Enter a real date."}


def _text(label: str, rows: int = 3, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": rows}), required=required, max_length=4000, **kwargs)


def _radios(label: str, choices: Any, required: bool = True) -> forms.ChoiceField:
    field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=required)
    field.widget.attrs["class"] = GOVUK_CLASSES["radioselect"]
    return field


class HomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, home: Home) -> str:
        where = home.postcode or "postcode not recorded"
        area = " out of area" if home.out_of_area else ""
        return f"{home.name} ({where}{area}, £{home.weekly_cost:,.0f} a week)"


class MoveForm(GovukForm):
    home = HomeChoiceField(queryset=Home.objects.none(), label="New home", empty_label="Choose a home")
    started_on = DateField(label="Date of the move", widget=DateInput, error_messages=DATE_ERRORS)
    reason = forms.ChoiceField(
        label="Why is the child moving?",
        choices=[("", "First home in this period of care"), *codes.ReasonPlaceChange.choices],
        required=False,
    )
    school_changed = forms.BooleanField(label="The child has to change school", required=False)
    emergency_reason = _text(
        "If this is an emergency move with no approved decision yet, why could it not wait?",
        help_text="Only for a move today or last night. Its decision must then be approved within 72 hours.",
    )

    def __init__(self, *args: Any, homes: QuerySet[Home], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("home", HomeChoiceField).queryset = homes


class EndCareForm(GovukForm):
    ended_on = DateField(label="Date the child left care", widget=DateInput, error_messages=DATE_ERRORS)
    rec_code = forms.ChoiceField(label="Why did care end?", choices=[("", "Choose a reason"), *codes.END_OF_CARE])


class DecisionStartForm(GovukForm):
    why_needed = _text("Why does the child need a new home?", required=True)
    needs = _text("The child's needs")
    child_views = _text("What the child says, in their words", help_text="Write it as they said it.")
    ideal_rung = forms.TypedChoiceField(
        label="The ideal home would be",
        choices=[("", "Choose"), *codes.Rung.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    ideal_description = _text("Describe the ideal home", rows=2)
    transition = forms.ChoiceField(
        label="Or, for a young person aged 16 or over: a move to more independence",
        choices=[("", "No, a home on the ladder"), *codes.Transition.choices],
        required=False,
    )


class RungForm(GovukForm):
    verdict = _radios("Is this right for the child?", [("yes", "Yes, look for a home here"), ("no", "No, record why not")])
    why_not = _radios("Why not?", codes.WhyNot.choices, required=False)
    tried = _text("What was tried", rows=2)
    detail = _text("Why it was not right", rows=3)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("verdict") == "no" and not data.get("why_not"):
            self.add_error("why_not", "Choose why this is not right for the child.")
        return data


class HomeStepForm(GovukForm):
    version = version_field()
    chosen_home = HomeChoiceField(queryset=Home.objects.none(), label="The home", required=False, empty_label="None found yet")
    move_on = DateField(label="Date of the move", widget=DateInput, error_messages=DATE_ERRORS, required=False)
    reason_place_change = forms.ChoiceField(
        label="Why is the child moving?", choices=[("", "Choose a reason"), *codes.ReasonPlaceChange.choices], required=False
    )

    def __init__(self, *args: Any, homes: QuerySet[Home], residential: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("chosen_home", HomeChoiceField).queryset = homes
        if residential:
            self.fields["step_down_review_on"] = DateField(
                label="Step-down review date (within 12 weeks)",
                widget=DateInput(attrs={"class": GOVUK_CLASSES["date"]}),
                error_messages=DATE_ERRORS,
                required=False,
            )
            self.fields["step_down_plan"] = _text("The plan to move to a family home", rows=3)
            self.fields["step_down_plan"].widget.attrs["class"] = GOVUK_CLASSES["textarea"]


class ChecklistForm(GovukForm):
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stem, question in codes.CHECKLIST:
            self.fields[stem] = _radios(question, codes.Answer.choices)
            self.fields[f"{stem}_reason"] = _text("If no, why not", rows=2)
            self.fields[f"{stem}_reason"].widget.attrs["class"] = GOVUK_CLASSES["textarea"]


class RejectForm(GovukForm):
    reason = _text("Why is it not approved?", rows=3, required=True)


class ForumForm(GovukForm):
    outcome = forms.ChoiceField(label="Forum outcome", choices=codes.RiskOfResidentialOutcome.choices)
    actions = _text("Actions agreed", rows=2)
    reviewed_on = DateField(label="Forum date", widget=DateInput, error_messages=DATE_ERRORS, initial=timezone.localdate)


class ResidentialReviewForm(GovukForm):
    reviewed_on = DateField(label="Date of the review", widget=DateInput, error_messages=DATE_ERRORS, initial=timezone.localdate)
    outcome = _radios("What did the group decide?", codes.ResidentialReviewOutcome.choices)
    notes = _text("What the group agreed", rows=4)
    next_review_on = DateField(
        label="Next review", widget=DateInput, error_messages=DATE_ERRORS, help_text="The group meets monthly."
    )


FIRST_EXPORT_YEAR = 2010


def collection_year_choices(first: int) -> list[tuple[str, str]]:
    """From the year in progress back to `first`: ("2025", "2025/26"), as a person reads it."""
    latest = validation.collection_year_on(timezone.localdate()).start
    return [(str(start), CollectionYear(start).label) for start in range(latest, first - 1, -1)]


class CollectionYearField(forms.TypedChoiceField):
    """A collection year (1 April to 31 March) chosen from a list that reads "2025/26"; its value in a URL is the
    year it starts, as the export API's. Cleaned to a validation.CollectionYear."""

    def __init__(self, *, first: int, **kwargs: Any) -> None:
        super().__init__(
            label="Collection year",
            help_text="1 April to 31 March",
            choices=lambda: collection_year_choices(first),
            coerce=lambda value: CollectionYear(int(value)),
            error_messages={"required": "Choose a collection year.", "invalid_choice": "Choose a collection year from the list."},
            **kwargs,
        )


class CheckForm(GovukForm):
    year = CollectionYearField(first=validation.FIRST_CHECKED_YEAR)


class ExportForm(GovukForm):
    year = CollectionYearField(first=FIRST_EXPORT_YEAR)
    table = forms.ChoiceField(
        label="Table",
        choices=[
            ("header", "Header"),
            ("episodes", "Episodes"),
            ("uasc", "Unaccompanied asylum-seeking children (UASC)"),
            ("reviews", "Looked-after reviews"),
            ("ad1", "Adoptions (AD1)"),
            ("placed_adoption", "Decisions to place for adoption (PlacedAdoption)"),
            ("prev_perm", "Previous permanence (PrevPerm)"),
            ("missing", "Missing or away"),
            ("oc2", "Looked after for 12 months: health (OC2)"),
            ("oc3", "Care leavers (OC3)"),
            ("social_workers", "Social worker episodes"),
        ],  # fmt: skip
    )


IMPORT_MAX_BYTES = 20_000_000  # a county's 903 tables are a few megabytes; anything far bigger is the wrong file


class CsvFileField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"})

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"The file is too big: a 903 table is under {IMPORT_MAX_BYTES // 1_000_000} MB.")
        return upload


class ImportForm(GovukForm):
    """The council's 903 tables Hearth reads, checked first in a dry run (views.ssda903_import)."""

    header = CsvFileField(label="Header (CSV)", error_messages={"required": "Choose the Header file."})
    episodes = CsvFileField(label="Episodes (CSV)", required=False)
    social_workers = CsvFileField(label="Social worker episodes (CSV)", required=False)
    reviews = CsvFileField(label="Reviews (CSV)", required=False)
    missing = CsvFileField(label="Missing (CSV)", required=False)
    placed_adoption = CsvFileField(label="Decisions to place for adoption, PlacedAdoption (CSV)", required=False)
    ad1 = CsvFileField(label="Adoptions, AD1 (CSV)", required=False)
    prev_perm = CsvFileField(label="Previous permanence, PrevPerm (CSV)", required=False)
    uasc = CsvFileField(label="Unaccompanied asylum-seeking children, UASC (CSV)", required=False)


# Adoption and previous permanence ------------------------------------------------------------------


def _date(label: str, required: bool = True, **kwargs: Any) -> DateField:
    return DateField(label=label, widget=DateInput, error_messages=DATE_ERRORS, required=required, **kwargs)


def _why_correcting() -> forms.CharField:
    return forms.CharField(
        label="If you are correcting something recorded wrongly, why?", required=False, max_length=500,
        help_text="Not needed for a match or a reversal recorded for the first time.",
    )  # fmt: skip


class AdoptionDecisionForm(GovukForm):
    decided_on = _date("Date of the decision that the child should be placed for adoption")


class AdoptionDecisionUpdateForm(GovukForm):
    decided_on = _date("Date of the decision")
    matched_on = _date("Date the child was matched with adopters", required=False)
    ceased_on = _date("Date the decision was reversed", required=False, help_text="Only if the plan is no longer adoption.")
    ceased_reason = forms.ChoiceField(
        label="Why was it reversed?", choices=[("", "Not reversed"), *codes.ReasonPlacedCeased.choices], required=False
    )
    reason = _why_correcting()


class AdoptionPlacementForm(GovukForm):
    started_on = _date("Date the child was placed for adoption")
    home = HomeChoiceField(
        queryset=Home.objects.none(), label="Adopters' home", required=False,
        empty_label="The foster carers the child lives with are adopting them",
    )  # fmt: skip

    def __init__(self, *args: Any, homes: QuerySet[Home], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("home", HomeChoiceField).queryset = homes


class AdoptionForm(GovukForm):
    adopted_on = _date("Date of the adoption order")
    rec = _radios("Was the adoption opposed?", [(code, code.label) for code in codes.ADOPTED])
    adopters = _radios("Who adopted the child?", codes.AdoptersLegalStatus.choices)
    adopters_sex = _radios("The adopters are", codes.AdoptersSex.choices)


class AdoptionCorrectForm(GovukForm):
    rec = _radios("Was the adoption opposed?", [(code, code.label) for code in codes.ADOPTED])
    adopters = _radios("Who adopted the child?", codes.AdoptersLegalStatus.choices)
    adopters_sex = _radios("The adopters are", codes.AdoptersSex.choices)
    reason = forms.CharField(label="Why are you correcting it?", max_length=500)


class PreviousPermanenceForm(GovukForm):
    option = _radios("Before this care, did the child leave care for a permanent home?", codes.PreviousPermanence.choices)
    local_authority = forms.CharField(
        label="The council that arranged it", required=False, max_length=3,
        help_text="Its three-digit code; WAL, SCO, NIR or NUK outside England; 999 if not known.",
    )  # fmt: skip
    order_day = forms.IntegerField(label="Day of the order", required=False, min_value=1, max_value=31)
    order_month = forms.IntegerField(label="Month of the order", required=False, min_value=1, max_value=12)
    order_year = forms.IntegerField(
        label="Year of the order", required=False, min_value=1990, max_value=2100,
        help_text="Leave out any part of the date that is not known.",
    )  # fmt: skip
    reason = forms.CharField(label="If you are correcting what was recorded, why?", required=False, max_length=500)
