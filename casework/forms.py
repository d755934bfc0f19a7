"""Forms for the staff pages. They check shape (types, lengths, choices); rules that touch other
records live in services, whose ValidationErrors the views put back onto these forms."""

import datetime
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from casework import codes
from casework.models import FamilyMember, SiblingContactArrangement, User, Visit

GOVUK_CLASSES = {
    "text": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "date": "govuk-input govuk-input--width-10",
    "time": "govuk-input govuk-input--width-5",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
}


class GovukForm(forms.Form):
    """Gives each widget its GOV.UK Frontend class, and the error variant when the field has errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            kind = field.widget.__class__.__name__.lower().replace("input", "")  # TextInput -> "text"
            css = GOVUK_CLASSES.get(kind, GOVUK_CLASSES["text"])
            field.widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                base = widget.attrs.get("class", "").split(" ")[0]
                if base in ("govuk-input", "govuk-textarea", "govuk-select"):
                    widget.attrs["class"] += f" {base}--error"

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError next to the field it names, or at the top of the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class DateInput(forms.DateInput):
    """The phone's own date picker; browsers send and accept ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class VisitForm(GovukForm):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    visit_type = forms.ChoiceField(choices=codes.VisitType.choices, label="Type of visit")
    visited_on = forms.DateField(label="Date of the visit", widget=DateInput, error_messages={"invalid": "Enter a real date."})
    visited_time = forms.TimeField(label="Time", widget=TimeInput, error_messages={"invalid": "Enter a time like 14:30."})
    location = forms.CharField(label="Where", max_length=200, required=False, help_text="For example, the foster carers' home")
    present = forms.CharField(label="Who was present", max_length=500, required=False)
    seen_alone = forms.BooleanField(label="I saw the child alone", required=False)
    child_said = forms.CharField(
        label="What the child said, in their words", widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, required=False
    )
    observations = forms.CharField(
        label="What I saw", widget=forms.Textarea(attrs={"rows": 8}), max_length=100_000, required=False
    )
    analysis = forms.CharField(label="Analysis", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000, required=False)
    actions = forms.CharField(label="Actions", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, required=False)

    def __init__(self, *args: Any, needs_review: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_review:
            # Machine text is never filed unreviewed: signing asks the worker to confirm they checked it.
            self.fields["reviewed"] = forms.BooleanField(
                label="I have read the draft from the voice note and corrected it", required=False
            )
            self.fields["reviewed"].widget.attrs["class"] = GOVUK_CLASSES["checkbox"]

    @classmethod
    def initial_for(cls, visit: Visit | None = None) -> dict[str, Any]:
        if visit is None:
            now = timezone.localtime()
            return {"visited_on": now.date(), "visited_time": now.time().replace(second=0, microsecond=0)}
        local = timezone.localtime(visit.visited_at)
        fields = {name: getattr(visit, name) for name in ("visit_type", "location", "present", "seen_alone", "child_said")}
        fields |= {name: getattr(visit, name) for name in ("observations", "analysis", "actions")}
        return fields | {"visited_on": local.date(), "visited_time": local.time(), "idempotency_key": visit.idempotency_key}

    def visit_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape services.visit_create and visit_update take."""
        data = dict(self.cleaned_data)
        day, time = data.pop("visited_on"), data.pop("visited_time")
        for not_a_visit_field in ("idempotency_key", "reason", "reviewed"):
            data.pop(not_a_visit_field, None)
        data["visited_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
        return data


class VisitAmendForm(VisitForm):
    reason = forms.CharField(
        label="Why are you changing a signed record?", widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class ChangeWorkerForm(GovukForm):
    worker = forms.ModelChoiceField(queryset=User.objects.none(), label="New social worker", empty_label="Choose a worker")
    started_on = forms.DateField(
        label="Date the new worker starts", widget=DateInput, error_messages={"invalid": "Enter a real date."}
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *codes.WorkerChangeReason.choices], label="Why is the worker changing?"
    )

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda user: f"{user} ({user.team or 'no team'})"


class SiblingContactForm(GovukForm):
    sibling = forms.ModelChoiceField(queryset=FamilyMember.objects.none(), label="Brother or sister", empty_label="Choose")
    frequency = forms.ChoiceField(choices=codes.ContactFrequency.choices, label="How often")
    requested_by_child = forms.BooleanField(label="The child asked for this contact", required=False)
    plan = forms.CharField(
        label="What the plan agreed", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    started_on = forms.DateField(label="Starting from", widget=DateInput, error_messages={"invalid": "Enter a real date."})

    def __init__(self, *args: Any, siblings: QuerySet[FamilyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sibling"].queryset = siblings


class SiblingContactSessionForm(GovukForm):
    arrangement = forms.ModelChoiceField(
        queryset=SiblingContactArrangement.objects.none(), label="Contact with", empty_label="Choose"
    )
    planned_on = forms.DateField(label="Date of the session", widget=DateInput, error_messages={"invalid": "Enter a real date."})
    status = forms.ChoiceField(choices=codes.ContactSessionStatus.choices, label="What happened", widget=forms.RadioSelect)
    cancelled_by = forms.ChoiceField(
        choices=[("", "Not cancelled"), *codes.CancelledBy.choices], label="If cancelled, who cancelled", required=False
    )
    cancel_reason = forms.CharField(
        label="If cancelled, why", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    child_comment = forms.CharField(
        label="What the child said about it", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )

    def __init__(self, *args: Any, arrangements: QuerySet[SiblingContactArrangement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arrangement"].queryset = arrangements
        self.fields["arrangement"].label_from_instance = lambda arrangement: arrangement.sibling.name
