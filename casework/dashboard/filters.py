"""The dashboard's filters: as-at date, period, team, worker, age band and any ChildFilter an app registers."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from casework import codes
from casework.dashboard.registry import Periods, child_filters, periods_for
from casework.dates import months_before
from casework.forms import DateField, DateInput, GovukForm
from casework.ids import parse_id
from casework.models import Child, Team, User

AGE_BANDS = {  # (youngest, oldest) on the as-at date, as the 903 groups ages
    "0-4": ("Under 5", 0, 4),
    "5-9": ("5 to 9", 5, 9),
    "10-15": ("10 to 15", 10, 15),
    "16+": ("16 and over", 16, 25),
}
PERIODS = {"3": "3 months", "6": "6 months", "12": "12 months"}


@dataclass(frozen=True)
class Filters:
    on: datetime.date
    months: int = 3
    team: Team | None = None
    worker: User | None = None
    age_band: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def periods(self) -> Periods:
        return periods_for(on=self.on, months=self.months)

    def query(self) -> dict[str, str]:
        """The filters as query parameters, for links to drill-downs and exports."""
        values = {"on": self.on.isoformat(), "period": str(self.months), "age_band": self.age_band, **self.extra}
        values |= {"team": str(self.team.pk) if self.team else "", "worker": str(self.worker.pk) if self.worker else ""}
        return {key: value for key, value in values.items() if value}


def allocated_on(on: datetime.date, **worker: Any) -> Q:
    """Children whose allocated social worker on `on` matches `worker` (e.g. worker=user, worker__team=team)."""
    lookups = {f"allocations__{key}": value for key, value in worker.items()}
    ongoing = Q(allocations__ended_on__isnull=True) | Q(allocations__ended_on__gt=on)
    return Q(allocations__started_on__lte=on, **lookups) & ongoing


def filtered_children(children: QuerySet[Child], filters: Filters) -> QuerySet[Child]:
    """Narrow the children by the dashboard's filters; the result is a plain set of children to count."""
    narrowed = children
    if filters.team:
        narrowed = narrowed.filter(pk__in=Child.objects.filter(allocated_on(filters.on, worker__team=filters.team)).values("pk"))
    if filters.worker:
        narrowed = narrowed.filter(pk__in=Child.objects.filter(allocated_on(filters.on, worker=filters.worker)).values("pk"))
    if filters.age_band:
        _, youngest, oldest = AGE_BANDS[filters.age_band]
        born_after = months_before(filters.on, 12 * (oldest + 1))
        narrowed = narrowed.filter(date_of_birth__gt=born_after, date_of_birth__lte=months_before(filters.on, 12 * youngest))
    for child_filter in child_filters():
        if value := filters.extra.get(child_filter.key):
            narrowed = child_filter.apply(narrowed, value, filters.on)
    return narrowed


class FilterForm(GovukForm):
    """The dashboard's filters. Teams and workers offered are only those the user may look at."""

    on = DateField(label="As at", widget=DateInput, required=False, help_text="The last day counted.")
    period = forms.ChoiceField(label="Period", choices=list(PERIODS.items()), required=False)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams")
    worker = forms.ModelChoiceField(
        label="Social worker", queryset=User.objects.none(), required=False, empty_label="All workers"
    )
    age_band = forms.ChoiceField(
        label="Age", required=False, choices=[("", "All ages")] + [(key, label) for key, (label, *_) in AGE_BANDS.items()]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for child_filter in child_filters():
            self.fields[child_filter.key] = forms.ChoiceField(
                label=child_filter.label, required=False, choices=[("", "Any")] + child_filter.choices()
            )
            self.fields[child_filter.key].widget.attrs["class"] = "govuk-select"
        workers = User.objects.none()
        if user.role == codes.Role.HEAD_OF_SERVICE:
            self.field_as("team", forms.ModelChoiceField).queryset = Team.objects.all()
            workers = self._workers(team_id=self._chosen_team_id())
        elif user.role == codes.Role.TEAM_MANAGER:
            del self.fields["team"]
            workers = self._workers(team_id=user.team_id)
        else:  # a social worker's dashboard is their own children only
            del self.fields["team"]
        if workers.exists():
            self.field_as("worker", forms.ModelChoiceField).queryset = workers
        else:
            del self.fields["worker"]  # a head of service chooses a team first

    def _chosen_team_id(self) -> int | None:
        value = (self.data or {}).get("team", "")
        return parse_id(value)

    @staticmethod
    def _workers(team_id: int | None) -> QuerySet[User]:
        if team_id is None:
            return User.objects.none()
        roles = [codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER]
        return User.objects.filter(team_id=team_id, role__in=roles).order_by("last_name", "first_name", "id")

    def clean_on(self) -> datetime.date:
        on = self.cleaned_data.get("on") or timezone.localdate()
        if on > timezone.localdate():
            raise forms.ValidationError("The as-at date must be today or earlier.")
        if on.year < 2000:
            raise forms.ValidationError("The as-at date must be in 2000 or later.")
        return on

    def filters(self) -> Filters:
        data = self.cleaned_data
        extra = {child_filter.key: data.get(child_filter.key, "") for child_filter in child_filters()}
        return Filters(
            on=data["on"],
            months=int(data.get("period") or 3),
            team=data.get("team"),
            worker=data.get("worker"),
            age_band=data.get("age_band", ""),
            extra={key: value for key, value in extra.items() if value},
        )


def filters_from(*, user: User, data: Any) -> tuple[FilterForm, Filters | None]:
    """The form (with any errors to show) and, when the input is valid, the filters."""
    form = FilterForm(data, user=user)
    return form, (form.filters() if form.is_valid() else None)
