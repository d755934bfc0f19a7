"""Forms for the placements pages: shape only. The ladder rules are checked by the services, whose
ValidationErrors the views put back onto these forms."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from casework.forms import GOVUK_CLASSES, DateField, DateInput, GovukForm, version_field
from placements import codes
from placements.models import Home

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


class ExportForm(GovukForm):
    year = forms.IntegerField(label="Collection year starting 1 April", min_value=2000, max_value=2100)
    table = forms.ChoiceField(
        label="Table",
        choices=[("header", "Header"), ("episodes", "Episodes"), ("social_workers", "Social worker episodes")],
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
    """The council's three 903 tables, checked first in a dry run (views.ssda903_import)."""

    header = CsvFileField(label="Header (CSV)", error_messages={"required": "Choose the Header file."})
    episodes = CsvFileField(label="Episodes (CSV)", required=False)
    social_workers = CsvFileField(label="Social worker episodes (CSV)", required=False)
