"""Date arithmetic the measures share: whole months back (or on) from a day, and the start of a day in local time."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier; the last day of that month where it is shorter (31 May - 3 = 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = (datetime.date(year + (month == 11), (month + 1) % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month + 1, min(day.day, last_day))


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the last day of that month where it is shorter (31 Jan + 1 = 28 Feb)."""
    return months_before(day, -months)


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the council's time zone, for comparing with recorded times."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the end of `day` (the start of the next), so that `< end_of(day)` includes all of it."""
    return start_of(day + datetime.timedelta(days=1))


# Dates typed or sent by users: a year such as 0001 or 9999 is a slip, and date arithmetic on it overflows.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)
OUT_OF_RANGE = "Enter a date between 1 January 1900 and 31 December 2100."


def validate_in_range(day: datetime.date) -> None:
    """The validator every date from input passes: on the models' dates themselves, so every form, serializer,
    admin page and service that saves one checks it, and on casework.forms.DateField and
    casework.serializers.DateField, which check it before anything else is asked."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


def validate_moment_in_range(moment: datetime.datetime) -> None:
    """validate_in_range for a date and time typed or sent (a visit's)."""
    validate_in_range(moment.date())


def birthday(born: datetime.date, age: int) -> datetime.date:
    """The day someone born on `born` turns `age` (29 February's birthdays fall on 28 February, as the DfE counts)."""
    return months_after(born, 12 * age)


def year_to_march(year_ending: int) -> tuple[datetime.date, datetime.date]:
    """The council's reporting year ending 31 March `year_ending`: from 1 April the year before."""
    return datetime.date(year_ending - 1, 4, 1), datetime.date(year_ending, 3, 31)


def year_ending_of(day: datetime.date) -> int:
    """The reporting year (to 31 March) that `day` falls in."""
    return day.year + (day.month >= 4)
