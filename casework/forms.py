"""Forms for the staff pages. They check shape (types, lengths, choices); rules that touch other
records live in services, whose ValidationErrors the views put back onto these forms."""

import datetime
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Field as ModelField
from django.db.models import Model, QuerySet
from django.utils import timezone

from casework import codes
from casework.dates import validate_in_range
from casework.models import CaseNote, Child, FamilyMember, HealthRecord, SharedRecord, SiblingContactArrangement, User, Visit
from casework.services import HEALTH_ANSWERS, PossibleDuplicate

T = TypeVar("T")
F = TypeVar("F", bound=forms.Field)

GOVUK_CLASSES = {
    "text": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "date": "govuk-input govuk-input--width-10",
    "time": "govuk-input govuk-input--width-5",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
}


class ServiceForm(forms.Form):
    """A form whose input a service checks: the service's ValidationError goes back onto the form, next to the
    field it names or at the top, so nothing typed is lost. Every app's page forms are these."""

    def submit(self, action: Callable[[], T]) -> T | None:
        """Run the service; its result, or None when it refused the input (the form then says why)."""
        try:
            return action()
        except ValidationError as error:
            self.add_service_error(error)
            return None

    def field_as(self, name: str, kind: type[F]) -> F:
        """The field `name` as the kind of field the form declares (`self.fields` is typed as plain Fields)."""
        field = self.fields[name]
        if not isinstance(field, kind):
            raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
        return field

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class GovukForm(ServiceForm):
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


def field_label(model: type[Model], name: str) -> str:
    """A model field's verbose name with its first letter capitalised, as a page or form shows it (the rest is left
    alone: "things I am proud of" is "Things I am proud of", not "Things i am proud of")."""
    field = model._meta.get_field(name)
    text = str(field.verbose_name if isinstance(field, ModelField) else name)
    return text[:1].upper() + text[1:]


def version_field() -> forms.DateTimeField:
    """The version (updated_at) of the record as the page showed it; the service refuses a save over a newer one.

    Give it as an ISO string in `initial`: a datetime would be rendered without its microseconds."""
    return forms.DateTimeField(widget=forms.HiddenInput, required=False)


class DateInput(forms.DateInput):
    """The phone's own date picker; browsers send and accept ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """Every date typed on a page: the phone's date picker, a clear message, and only years 1900 to 2100."""

    widget = DateInput
    default_validators = [validate_in_range]
    default_error_messages = {"invalid": "Enter a real date."}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class VisitForm(GovukForm):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    version = version_field()
    visit_type = forms.ChoiceField(choices=codes.VisitType.choices, label="Type of visit")
    visited_on = DateField(label="Date of the visit", widget=DateInput, error_messages={"invalid": "Enter a real date."})
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
        fields |= {"version": visit.updated_at.isoformat()}
        return fields | {"visited_on": local.date(), "visited_time": local.time(), "idempotency_key": visit.idempotency_key}

    def visit_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape services.visit_create and visit_update take."""
        data = dict(self.cleaned_data)
        day, time = data.pop("visited_on"), data.pop("visited_time")
        for not_a_visit_field in ("idempotency_key", "reason", "reviewed", "version"):
            data.pop(not_a_visit_field, None)
        data["visited_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
        return data


class VisitAmendForm(VisitForm):
    reason = forms.CharField(
        label="Why are you changing a signed record?", widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user} ({user.team or 'no team'})"


class ChangeWorkerForm(GovukForm):
    worker = WorkerChoiceField(queryset=User.objects.none(), label="New social worker", empty_label="Choose a worker")
    started_on = DateField(label="Date the new worker starts", widget=DateInput, error_messages={"invalid": "Enter a real date."})
    reason = forms.ChoiceField(choices=[("", "Choose a reason"), *codes.CHANGE_REASONS], label="Why is the worker changing?")

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("worker", WorkerChoiceField).queryset = workers


class SiblingContactForm(GovukForm):
    sibling = forms.ModelChoiceField(queryset=FamilyMember.objects.none(), label="Brother or sister", empty_label="Choose")
    frequency = forms.ChoiceField(choices=codes.ContactFrequency.choices, label="How often")
    requested_by_child = forms.BooleanField(label="The child asked for this contact", required=False)
    plan = forms.CharField(
        label="What the plan agreed", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    started_on = DateField(label="Starting from", widget=DateInput, error_messages={"invalid": "Enter a real date."})

    def __init__(self, *args: Any, siblings: QuerySet[FamilyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("sibling", forms.ModelChoiceField).queryset = siblings


class ArrangementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, arrangement: SiblingContactArrangement) -> str:
        return arrangement.sibling.name


class SiblingContactSessionForm(GovukForm):
    arrangement = ArrangementChoiceField(
        queryset=SiblingContactArrangement.objects.none(), label="Contact with", empty_label="Choose"
    )
    planned_on = DateField(label="Date of the session", widget=DateInput, error_messages={"invalid": "Enter a real date."})
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
        self.field_as("arrangement", ArrangementChoiceField).queryset = arrangements


class SessionOutcomeForm(GovukForm):
    """What became of a planned session, on a phone: held or cancelled (who, why), and what the child said."""

    status = forms.ChoiceField(choices=codes.ContactSessionStatus.choices, label="What happened", widget=forms.RadioSelect)
    cancelled_by = forms.ChoiceField(
        choices=[("", "Not cancelled"), *codes.CancelledBy.choices], label="If cancelled, who cancelled", required=False
    )
    cancel_reason = forms.CharField(
        label="If cancelled, why", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    child_comment = forms.CharField(
        label="What the child said about it", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    version = version_field()


class ArrangementChangeForm(GovukForm):
    """Change how often contact is and its plan, or end it with a reason; the service checks the rest."""

    frequency = forms.ChoiceField(choices=codes.ContactFrequency.choices, label="How often")
    requested_by_child = forms.BooleanField(label="The child asked for this contact", required=False)
    plan = forms.CharField(
        label="What the plan agreed", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    ended_on = DateField(label="Last day of contact", required=False, help_text="Leave empty while contact goes on.")
    end_reason = forms.CharField(
        label="Why contact ended", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    version = version_field()


# A child's account, sharing with the child, answering the child ---------------------------------


class KeptText(forms.CharField):
    """Words kept exactly as written: never trimmed. Only the browser's line endings (CRLF) become plain
    newlines, so an untouched text compares equal to what is stored and is not saved again."""

    def __init__(self, *, rows: int = 4, css: str = "govuk-textarea", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(strip=False, widget=forms.Textarea(attrs={"rows": rows, "class": css}), **kwargs)

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


def changed_words(form: forms.Form) -> dict[str, str]:
    """Only the words that were changed, so the history shows who changed what and when."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


class SuspendChildAccountForm(GovukForm):
    reason = forms.CharField(
        label="Why are you suspending the account?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the account's history. The child is signed out at once.",
    )


def child_version_field(label: str, initial: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,  # the service asks for words only in the parts being shared
        initial=initial,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6, "data-reading-age": ""}),
        help_text="Write it to them, as “you”, in words they use. The child reads this, never the record.",
    )


class ShareVisitForm(GovukForm):
    sections = forms.MultipleChoiceField(
        label="Which parts can the child read?",
        choices=codes.SharedSection.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the parts you tick, each in the version for the child below. Nothing else reaches them.",
    )
    note_to_child = forms.CharField(
        label="A note for the child (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "data-reading-age": ""}),
    )

    def __init__(self, *args: Any, visit: Visit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer only parts with words in them, in the child's words for each.
        offered = [(value, label) for value, label in codes.SharedSection.choices if getattr(visit, value).strip()]
        self.field_as("sections", forms.MultipleChoiceField).choices = offered
        # The child's version of each part starts as the latest one shared, else the record's words to rewrite.
        latest = {s: t for share in visit.shares.order_by("shared_at", "id") for s, t in share.child_versions.items()}
        for value, label in offered:
            self.fields[f"child_{value}"] = child_version_field(
                f"“{label}”, for the child", latest.get(value, getattr(visit, value))
            )
        self.section_names = [value for value, _ in offered]

    def child_versions(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"child_{name}", "") for name in self.section_names}

    def shared(self) -> dict[str, Any]:
        """What the service takes: the parts chosen, the child's version of each and the note."""
        return {
            "sections": self.cleaned_data["sections"],
            "child_versions": self.child_versions(),
            "note_to_child": self.cleaned_data["note_to_child"],
        }


class ChildStoryForm(GovukForm):
    """The worker writes with the child: the story of why they came into care, and the other words."""

    my_story = KeptText(
        label="Why I came into care, in my words",
        max_length=8000,
        rows=6,
        help_text="Write it with the child, in words they choose. They read it on their journey.",
    )
    what_matters_to_me = KeptText(label="What matters to me", max_length=4000, rows=3)
    how_i_like_to_be_spoken_to = KeptText(label="How I like to be spoken to", max_length=4000, rows=3)
    people_who_matter = KeptText(label="People who are important to me", max_length=4000, rows=3)
    proud_of = KeptText(label="Things I am proud of", max_length=4000, rows=3)

    changed_words = changed_words


class CorrectionAnswerForm(GovukForm):
    """The shared parts of the record, to change, and the answer the child will read."""

    answer = forms.CharField(
        label="Your answer to the child",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you changed, or why it stays as it is. Write it for the child: they read it.",
    )

    def __init__(self, *args: Any, share: SharedRecord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(codes.SharedSection.choices)
        for name in share.sections:
            self.fields[f"child_{name}"] = child_version_field(
                f"“{labels[name]}”, as the child reads it", share.child_versions.get(name, "")
            )
            self.fields[name] = KeptText(
                label=f"{field_label(Visit, name)} (the record)", initial=getattr(share.visit, name), rows=6
            )
        self.section_names = share.sections

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.section_names}

    def child_changes(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"child_{name}"] for name in self.section_names}


# A child's own pages ------------------------------------------------------------------------------
# The child's skin has its own classes (casework/static/hearth/me.scss) and kinder words; the
# services' ValidationErrors go back onto these forms the same way.

CHILD_CLASSES = {"textarea": "me-textarea", "radioselect": "me-radio__input", "password": "me-input"}


class ChildForm(ServiceForm):
    """Gives each widget the child skin's class, and points it at its hint and error for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            kind = field.widget.__class__.__name__.lower().replace("input", "")
            field.widget.attrs.setdefault("class", CHILD_CLASSES.get(kind, "me-input"))

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._describe()

    def _describe(self) -> None:
        for name, field in self.fields.items():
            described = [f"id_{name}-hint"] if field.help_text else []
            if name in self.errors:
                described.append(f"id_{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described and field.widget.__class__ is not forms.RadioSelect:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class ChildSignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "That username and password don't match. Check them and try again. "
        "If you still can't get in, ask your worker.",
        "inactive": "You can't sign in just now. Ask your worker.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "me-input"
        self.fields["username"].widget.attrs |= {"autocapitalize": "none", "spellcheck": "false"}


class JoinForm(ChildForm):
    code = forms.CharField(
        label="Your code",
        max_length=20,
        help_text="Your worker gave you this. It looks like ABCDE-FGHJK.",
        error_messages={"required": "Type the code your worker gave you."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        help_text="You will use this to sign in. Letters, numbers and . - _ only. Not your full name.",
        error_messages={"required": "Choose a username."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 12 letters, numbers or symbols. Three or four words you will remember work well.",
        error_messages={"required": "Choose a password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type your password again",
        strip=False,
        error_messages={"required": "Type your password again, so we know it is right."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ChildText(KeptText):
    """The child's own words, in the child skin."""

    def __init__(self, *, rows: int = 4, **kwargs: Any) -> None:
        super().__init__(rows=rows, css="me-textarea", **kwargs)


class ChildWordsForm(ChildForm):
    """The child's own words, kept exactly as typed."""

    what_matters_to_me = ChildText(label="What matters to me", max_length=4000)
    how_i_like_to_be_spoken_to = ChildText(
        label="How I like people to talk to me",
        help_text="For example, the name you like, or things you would rather people did not say.",
        max_length=4000,
    )
    people_who_matter = ChildText(label="People who are important to me", max_length=4000)
    proud_of = ChildText(label="Things I am proud of", max_length=4000)
    my_story = ChildText(
        label="Why I came into care, in my words",
        help_text="You can write this with your worker, or on your own.",
        max_length=8000,
        rows=6,
    )

    changed_words = changed_words


class RecordCheckForm(ChildForm):
    verdict = forms.ChoiceField(
        label="Is this right?",
        choices=codes.Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose “This is right” or “This isn't right”."},
    )
    child_words = ChildText(
        label="Tell us what isn't right, in your own words",
        help_text="Your worker will read this and answer you here. You can leave it empty if it is all right.",
        max_length=4000,
        rows=5,
    )


# A child's details (a new child, and correcting them) ---------------------------------------------


def _choose(choices: list[tuple[str, str]], prompt: str = "Choose") -> list[tuple[str, str]]:
    return [("", prompt), *choices]


class ChildDetailsForm(GovukForm):
    """Who a child is, as a worker records it. The service (child_create, child_update) checks the rest."""

    first_name = forms.CharField(label="Legal first name", max_length=100)
    last_name = forms.CharField(label="Legal last name", max_length=100)
    preferred_name = forms.CharField(label="Name they like to be called", max_length=100, required=False)
    pronouns = forms.CharField(max_length=40, required=False, help_text="For example: she/her, he/him, they/them.")
    date_of_birth = DateField(label="Date of birth")
    date_of_birth_expected = forms.BooleanField(label="Not born yet: this is the expected date", required=False)
    sex = forms.ChoiceField(choices=_choose(codes.Sex.choices))
    ethnicity = forms.ChoiceField(choices=_choose(codes.Ethnicity.choices), help_text="As the child or family describe it.")
    upn = forms.CharField(
        label="Unique pupil number (UPN)", max_length=20, required=False, help_text="13 characters, from school."
    )
    upn_unknown = forms.ChoiceField(
        label="If there is no UPN, why not", choices=_choose(codes.UpnUnknown.choices, "There is a UPN"), required=False
    )
    uasc = forms.BooleanField(label="Unaccompanied asylum-seeking child", required=False)
    uasc_ceased_on = DateField(
        label="Date UASC status ceased", required=False,
        help_text="When leave to remain was granted, or the child was found to be an adult. It ends at 18 anyway.",
    )  # fmt: skip
    disability = forms.BooleanField(label="The child has a disability", required=False)
    disability_details = forms.CharField(
        label="About the disability", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    send = forms.ChoiceField(label="Special educational needs", choices=codes.SendNeed.choices)
    home_postcode = forms.CharField(label="Home postcode", max_length=10, required=False, help_text="Where the child lived.")
    school = forms.CharField(max_length=200, required=False)
    first_language = forms.CharField(max_length=100, required=False)
    needs_interpreter = forms.BooleanField(label="Needs an interpreter", required=False)


class ChildNewForm(ChildDetailsForm):
    worker = WorkerChoiceField(queryset=User.objects.none(), label="Allocated social worker", empty_label="Choose a worker")
    allocated_on = DateField(label="Date the worker starts", initial=timezone.localdate)
    # Shown only once the service has found a child who may be this one (PossibleDuplicate).
    not_a_duplicate = forms.BooleanField(label="I have checked: this is a different child", required=False)

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("worker", WorkerChoiceField).queryset = workers
        self.duplicates_found: list[Child] = []

    def add_service_error(self, error: ValidationError) -> None:
        if isinstance(error, PossibleDuplicate):
            self.duplicates_found = error.visible
        super().add_service_error(error)


class ChildEditForm(ChildDetailsForm):
    version = version_field()


class CloseCaseForm(GovukForm):
    closed_on = DateField(label="Date the case closes", initial=timezone.localdate)
    reason = forms.ChoiceField(label="Why is the case closing?", choices=_choose(codes.ClosureReason.choices))
    note = forms.CharField(
        label="About the closing", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happens next for the child, and who to contact if things change.",
    )  # fmt: skip


class ReopenCaseForm(GovukForm):
    reason = forms.CharField(
        label="Why is the case opening again?", max_length=90, help_text="For example: a new referral from school."
    )
    worker = WorkerChoiceField(queryset=User.objects.none(), label="Allocated social worker", empty_label="Choose a worker")
    allocated_on = DateField(label="Date the worker starts", initial=timezone.localdate)

    def __init__(self, *args: Any, workers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("worker", WorkerChoiceField).queryset = workers


class FamilyMemberForm(GovukForm):
    """Someone in the child's network; the service (family_member_add, family_member_update) checks the rest."""

    name = forms.CharField(max_length=200)
    relationship = forms.ChoiceField(choices=_choose(codes.Relationship.choices), label="Relationship to the child")
    date_of_birth = DateField(label="Date of birth", required=False)
    own_record = forms.ModelChoiceField(
        queryset=Child.objects.none(), required=False, label="Their own record, if a brother or sister is known to us",
        empty_label="None",
    )  # fmt: skip
    lives_with_child = forms.BooleanField(label="Lives with the child", required=False)
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    phone = forms.CharField(max_length=40, required=False, label="Phone")
    address = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Notes (staff only)")
    started_on = DateField(label="Part of the network since", required=False)
    ended_on = DateField(label="Left the network on", required=False, help_text="Leave empty while they are part of it.")
    version = version_field()

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("own_record", forms.ModelChoiceField).queryset = children


def _radios(label: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)
    field.widget.attrs["class"] = GOVUK_CLASSES["radioselect"]
    return field


class CareStartForm(GovukForm):
    started_on = DateField(label="Date the child came into care", initial=timezone.localdate)
    legal_status = forms.ChoiceField(label="Legal status", choices=_choose(codes.LegalStatusCode.choices))
    category_of_need = _radios(
        "The main reason the child needs care",
        codes.CategoryOfNeed.choices,
        error_messages={"required": "Choose the main reason the child needs care."},
    )


class LegalStatusForm(GovukForm):
    code = forms.ChoiceField(label="New legal status", choices=_choose(codes.LegalStatusCode.choices))
    started_on = DateField(label="Date it began", initial=timezone.localdate)


class CareLeaverForm(GovukForm):
    pathway_plan_on = DateField(label="Date of the pathway plan", required=False)
    personal_adviser = forms.CharField(label="Personal adviser", max_length=200, required=False)
    personal_adviser_phone = forms.CharField(label="Personal adviser's phone", max_length=40, required=False)
    version = version_field()


class CareLeaverContactForm(GovukForm):
    birthday = forms.TypedChoiceField(
        label="Around which birthday?",
        coerce=int,
        choices=_choose([(str(a), f"{a}th birthday") for a in codes.CARE_LEAVER_BIRTHDAYS]),
    )
    in_touch = _radios("Is the council in touch with the young person?", codes.InTouch.choices)
    activity = forms.ChoiceField(label="What they are doing", choices=_choose(codes.CareLeaverActivity.choices), required=False)
    accommodation = forms.ChoiceField(
        label="Where they live", choices=_choose(codes.CareLeaverAccommodation.choices), required=False
    )
    accommodation_suitable = forms.TypedChoiceField(
        label="Is it suitable?", choices=[("", "Choose"), ("yes", "Yes"), ("no", "No")], required=False,
        coerce=lambda answer: answer == "yes", empty_value=None,
    )  # fmt: skip


# Looked-after reviews and missing episodes ---------------------------------------------------------------


def yes_no(value: bool | None) -> str:
    """A yes/no answer as the form's choice ("" not yet answered), for a form's initial values."""
    return "" if value is None else "yes" if value else "no"


def _yes_no_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=[("", "Not recorded yet"), ("yes", "Yes"), ("no", "No")], required=False,
        coerce=lambda answer: answer == "yes", empty_value=None,
    )  # fmt: skip


class ReviewForm(GovukForm):
    reviewed_on = DateField(label="Date of the review")
    participation = _radios(
        "How did the child take part?",
        codes.ReviewParticipation.choices,
        error_messages={"required": "Choose how the child took part in the review."},
    )
    chaired_by = forms.CharField(
        label="Chaired by", max_length=200, required=False, help_text="The independent reviewing officer (IRO)"
    )
    version = version_field()


class MissingEpisodeForm(GovukForm):
    kind = _radios(
        "Missing, or away without permission?",
        codes.MissingKind.choices,
        error_messages={"required": "Say whether the child was missing or away without permission."},
    )
    started_on = DateField(label="Date they went missing")
    ended_on = DateField(label="Date they came back", required=False, help_text="Leave empty while they are still missing.")
    return_interview_offered = _yes_no_field("Was a return interview offered?")
    return_interview_taken = _yes_no_field("Did the child take it up?")
    version = version_field()


# Case notes ---------------------------------------------------------------------------------------


def _yes_no(label: str, *, always: bool = True, help_text: str = "") -> forms.TypedChoiceField:
    """A yes-or-no question of the health record; one asked only at some ages can be left unanswered."""
    choices = [("yes", "Yes"), ("no", "No")] + ([] if always else [("", "Not asked at this age")])
    field = forms.TypedChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, coerce=lambda answer: answer == "yes", empty_value=None,
        required=always, help_text=help_text, error_messages={"required": "Answer yes or no."},
    )  # fmt: skip
    field.widget.attrs["class"] = GOVUK_CLASSES["radioselect"]
    return field


class HealthRecordForm(GovukForm):
    """The yearly health record (903 OC2); the service (health_record_save) checks the answers against the age."""

    year_ending = forms.TypedChoiceField(label="For the year to 31 March", coerce=int, choices=[])
    sdq_score = forms.IntegerField(
        label="Strengths and Difficulties (SDQ) score", required=False, min_value=0, max_value=codes.SDQ_HIGHEST,
        help_text="0 to 40, from the carer's questionnaire. Asked of children aged 4 to 16 during the year.",
        error_messages={"invalid": "Enter the score as a whole number from 0 to 40."},
    )  # fmt: skip
    sdq_reason = forms.ChoiceField(
        label="If there is no SDQ score, why not", choices=_choose(codes.SdqReason.choices, "There is a score"), required=False
    )
    development_check = _yes_no("Development assessments up to date", always=False, help_text="Children under 5.")
    immunisations = _yes_no("Immunisations up to date")
    teeth_check = _yes_no("Teeth checked by a dentist during the year")
    health_assessment = _yes_no("Annual health assessment up to date")
    convicted = _yes_no("Convicted or given a final warning or reprimand during the year", always=False,
                        help_text="Children 10 and over.")  # fmt: skip
    substance_misuse = _yes_no("Identified as having a substance misuse problem during the year")
    intervention_received = _yes_no("Received an intervention for it", always=False)
    intervention_offered = _yes_no("Offered an intervention and refused it", always=False, help_text="If none was received.")
    version = version_field()

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(year), f"1 April {year - 1} to 31 March {year}") for year in years]
        self.field_as("year_ending", forms.TypedChoiceField).choices = choices

    @classmethod
    def initial_for(cls, record: HealthRecord | None, year_ending: int) -> dict[str, Any]:
        if record is None:
            return {"year_ending": year_ending}
        answers = {name: getattr(record, name) for name in HEALTH_ANSWERS}
        shown = {name: ("yes" if value else "no") if isinstance(value, bool) else value for name, value in answers.items()}
        return shown | {"year_ending": record.year_ending, "version": record.updated_at.isoformat()}


# Case notes ---------------------------------------------------------------------------------------


class CaseNoteForm(GovukForm):
    """Contact that is not a visit; the service (case_note_create, case_note_update) checks the rest."""

    version = version_field()
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    kind = forms.ChoiceField(label="Type of contact", choices=_choose(codes.CaseNoteKind.choices))
    happened_on = DateField(label="Date")
    happened_time = forms.TimeField(label="Time", widget=TimeInput, error_messages={"invalid": "Enter a time like 14:30."})
    who = forms.CharField(label="With whom", max_length=300, required=False, help_text="For example, the child's teacher")
    summary = forms.CharField(
        label="What was said or agreed", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000, required=False
    )

    @classmethod
    def initial_for(cls, note: CaseNote | None = None) -> dict[str, Any]:
        if note is None:
            now = timezone.localtime()
            return {"happened_on": now.date(), "happened_time": now.time().replace(second=0, microsecond=0)}
        local = timezone.localtime(note.happened_at)
        fields = {name: getattr(note, name) for name in ("kind", "who", "summary")}
        return fields | {"happened_on": local.date(), "happened_time": local.time(), "version": note.updated_at.isoformat()}

    def note_fields(self) -> dict[str, Any]:
        """The cleaned data in the shape services.case_note_create and case_note_update take."""
        data = {name: self.cleaned_data[name] for name in ("kind", "who", "summary")}
        moment = datetime.datetime.combine(self.cleaned_data["happened_on"], self.cleaned_data["happened_time"])
        return data | {"happened_at": timezone.make_aware(moment)}


class CaseNoteAmendForm(CaseNoteForm):
    reason = forms.CharField(
        label="Why are you changing a signed record?", widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


# A child's chronology ------------------------------------------------------------------------------------------


class ChronologyForm(GovukForm):
    """The chronology's filters, sent as a GET so a filtered chronology (and its CSV) has its own address."""

    kind = forms.MultipleChoiceField(
        label="Show", required=False, widget=forms.CheckboxSelectMultiple, help_text="Tick none to show everything.",
        error_messages={"invalid_choice": "Choose from the kinds of record listed."},
    )  # fmt: skip
    since = DateField(label="From", required=False)
    until = DateField(label="To", required=False)
    order = forms.ChoiceField(
        label="Order", required=False, widget=forms.RadioSelect, choices=[("newest", "Newest first"), ("oldest", "Oldest first")]
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_as("kind", forms.MultipleChoiceField).choices = kinds
        self.fields["order"].initial = "newest"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The “to” date must be the same as or after the “from” date.")
        return cleaned
