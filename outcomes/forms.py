"""Forms for the star pages. They check shape; the services check the rules (scale, dates, areas)
and their ValidationErrors go back onto these forms."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from casework.forms import GOVUK_CLASSES, ChildForm, ChildText, DateField, DateInput, GovukForm
from outcomes import codes
from outcomes.models import StarArea, StarTemplate, TemplateArea
from outcomes.services import ScoreInput


class StarStartForm(GovukForm):
    template = forms.ModelChoiceField(queryset=StarTemplate.objects.none(), label="Star to use", empty_label=None)
    started_on = DateField(label="Date started", widget=DateInput, error_messages={"invalid": "Enter a real date."})

    def __init__(self, *args: Any, templates: QuerySet[StarTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("template", forms.ModelChoiceField).queryset = templates


class CheckInForm(GovukForm):
    stage = forms.ChoiceField(choices=codes.Stage.choices, label="Which check-in is this?", widget=forms.RadioSelect)
    date = DateField(label="Date", widget=DateInput, error_messages={"invalid": "Enter a real date."})
    respondent = forms.ChoiceField(choices=codes.Respondent.choices, label="Who answered?", widget=forms.RadioSelect)
    answered_by_name = forms.CharField(label="Their name (optional)", max_length=100, required=False)

    def __init__(self, *args: Any, areas: list[StarArea], low: int, high: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[f"score_{area.pk}"] = forms.IntegerField(
                label=f"{area.name} ({low} to {high})",
                help_text=area.child_question,
                required=False,
                error_messages={"invalid": f"Enter a whole number from {low} to {high}."},
                widget=forms.NumberInput(
                    attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric", "min": low, "max": high}
                ),
            )
            self.fields[f"comment_{area.pk}"] = forms.CharField(
                label=f"Anything to add about {area.name.lower()}? (optional)", max_length=2000, required=False
            )
            self.fields[f"next_step_{area.pk}"] = forms.CharField(
                label=f"A next step for {area.name.lower()} (optional)", max_length=2000, required=False
            )
        for name in ("stage", "respondent"):
            self.fields[name].widget.attrs["class"] = GOVUK_CLASSES["radioselect"]

    def score_fields(self) -> list[tuple[Any, Any, Any]]:
        """(score, comment, next step) fields, one set for each area, for the template."""
        return [(self[f"score_{area.pk}"], self[f"comment_{area.pk}"], self[f"next_step_{area.pk}"]) for area in self.areas]

    def scores(self) -> list[ScoreInput]:
        data = self.cleaned_data
        return [
            ScoreInput(
                area=area,
                score=data[f"score_{area.pk}"],
                comment=data.get(f"comment_{area.pk}", ""),
                next_step=data.get(f"next_step_{area.pk}", ""),
            )
            for area in self.areas
            if data.get(f"score_{area.pk}") is not None
        ]


class AreaAddForm(GovukForm):
    name = forms.CharField(label="Name of the area, in the child's words", max_length=80)
    question = forms.CharField(
        label="The question to ask (optional)", max_length=300, required=False, help_text="For example: How do you feel about…"
    )
    origin = forms.ChoiceField(
        choices=[c for c in codes.AreaOrigin.choices if c[0] != codes.AreaOrigin.TEMPLATE],
        label="Who asked for this area?",
        widget=forms.RadioSelect,
        initial=codes.AreaOrigin.CHILD,
    )
    based_on = forms.ModelChoiceField(
        queryset=TemplateArea.objects.none(),
        label="Which area is it closest to? (optional)",
        required=False,
        empty_label="None – it is the child's own",
        help_text="So the figures can group it with that area.",
    )

    def __init__(self, *args: Any, template: StarTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("based_on", forms.ModelChoiceField).queryset = template.areas.all()
        self.fields["origin"].widget.attrs["class"] = GOVUK_CLASSES["radioselect"]


class AreaRenameForm(GovukForm):
    name = forms.CharField(label="New name", max_length=80)
    question = forms.CharField(label="The question to ask (optional)", max_length=300, required=False)


# The child's own star pages (their skin: casework.forms.ChildForm) --------------------------------

CHILD_STAGES: list[tuple[str, str]] = [
    (codes.Stage.START, "This is my first time"),
    (codes.Stage.MID_POINT, "I am about halfway"),
    (codes.Stage.REVIEW, "I am checking in again"),
    (codes.Stage.END, "This is my last time"),
]


class ChildCheckInForm(ChildForm):
    """The child's own check-in: a tap on a number for each area, and anything they want to say."""

    stage = forms.ChoiceField(
        choices=CHILD_STAGES,
        label="Which time is this?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which time this is."},
    )

    def __init__(self, *args: Any, areas: list[StarArea], low: int, high: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[f"score_{area.pk}"] = forms.TypedChoiceField(
                label=area.child_question,
                choices=[(n, str(n)) for n in range(low, high + 1)],
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "me-scale__input"}),
            )
            self.fields[f"comment_{area.pk}"] = ChildText(
                label=f"Anything you want to say about {area.name[:1].lower()}{area.name[1:]}? (you don't have to)",
                max_length=2000,
                rows=2,
            )

    def score_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"score_{area.pk}"], self[f"comment_{area.pk}"]) for area in self.areas]

    def scores(self) -> list[ScoreInput]:
        data = self.cleaned_data
        return [
            ScoreInput(area=area, score=data[f"score_{area.pk}"], comment=data.get(f"comment_{area.pk}", ""))
            for area in self.areas
            if data.get(f"score_{area.pk}") not in (None, "")
        ]


class ChildAreaForm(ChildForm):
    name = forms.CharField(
        label="What do you want to call it?",
        max_length=80,
        help_text="Use your own words. For example: Football, My cat, Seeing my sister.",
        error_messages={"required": "Give it a name, in your own words."},
    )
    question = forms.CharField(
        label="A question to ask about it (you don't have to)",
        max_length=300,
        required=False,
        help_text="For example: How do you feel about football?",
    )
