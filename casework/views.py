"""Staff pages. Each view parses input, calls one selector or service, and renders.

Children a user may not see are 404 (their existence never leaks); children they may see but not
change are 403 on the pages that change them."""

import sys
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.paginator import Page, Paginator
from django.db import InterfaceError, OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views import defaults
from django.views.decorators.http import require_http_methods

from casework import child_words, chronology, codes, selectors, services
from casework.csv_export import csv_response
from casework.forms import (
    ArrangementChangeForm,
    CareLeaverContactForm,
    CareLeaverForm,
    CareStartForm,
    CaseNoteAmendForm,
    CaseNoteForm,
    ChangeWorkerForm,
    ChildEditForm,
    ChildNewForm,
    ChildStoryForm,
    ChronologyForm,
    CloseCaseForm,
    CorrectionAnswerForm,
    FamilyMemberForm,
    GovukForm,
    HealthRecordForm,
    LegalStatusForm,
    MissingEpisodeForm,
    ReopenCaseForm,
    ReviewForm,
    SessionOutcomeForm,
    ShareVisitForm,
    SiblingContactForm,
    SiblingContactSessionForm,
    SuspendChildAccountForm,
    VisitAmendForm,
    VisitForm,
    field_label,
    yes_no,
)
from casework.http import SignedInRequest
from casework.models import CaseNote, Child, User, Visit
from casework.panels import caseload_columns, render_caseload_notices, render_child_panels, render_visit_panels
from config.celery import app as celery_app

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page[Any]:
    """The page of a list the request asks for (?page=); a page number out of range gives the last page."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def child_for_page(request: SignedInRequest, child_id: int, page: str, *, to_record: bool = False) -> Child:
    """The child a page is about: 404 if not visible to the user, 403 if `to_record` and they may only read it.
    The look is written to the access log either way. Every app's child pages open their child with this."""
    child = selectors.child_get(user=request.user, child_id=child_id)
    services.record_view_log(user=request.user, child=child, page=page)
    if to_record:
        services.require_recorder(actor=request.user, child=child)
    return child


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500. When the database cannot be reached, say so with a 503, not a stack trace.

    Rendered without the request: the signed-in user and their messages live in the database too."""
    if not isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return defaults.server_error(request)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": DATABASE_UNAVAILABLE}), status=503)
    response["Retry-After"] = "30"
    return response


DATABASE_UNAVAILABLE = (
    "Hearth cannot reach its records just now, so what you sent has not been saved. "
    "Go back and send it again in a minute: what you typed is still on that page."
)


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and the run scripts: can Hearth reach its database and cache?"""
    checks = {"database": _check(lambda: connection.cursor().execute("SELECT 1")), "cache": _check(_cache_round_trip)}
    return JsonResponse(checks, status=200 if all(value == "ok" for value in checks.values()) else 503)


def ready(request: HttpRequest) -> JsonResponse:
    """For load balancers and orchestrators before sending work: can this process reach everything it needs?

    The database (and the read replica when there is one), the Celery broker that takes voice notes, and the
    store that keeps their audio (a bucket or a folder). 503 until all answer."""
    checks = {alias: _check(partial(_database_answers, alias)) for alias in _databases_to_check()}
    checks["broker"] = _check(_broker_answers)
    checks["audio storage"] = _check(lambda: storages["private"].exists("readiness-probe"))
    return JsonResponse(checks, status=200 if all(value == "ok" for value in checks.values()) else 503)


def _databases_to_check() -> list[str]:
    return ["default", settings.HEARTH_READ_REPLICA] if settings.HEARTH_READ_REPLICA else ["default"]


def _database_answers(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker_answers() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)


def _check(probe: Callable[[], Any]) -> str:
    try:
        probe()
    except Exception:  # any failure means "not healthy", reported without details
        return "unavailable"
    return "ok"


def _cache_round_trip() -> None:
    cache.set("hearth:health", "ok", 10)
    if cache.get("hearth:health") != "ok":
        raise RuntimeError("cache did not return what was stored")


# Caseload -----------------------------------------------------------------------------------


@login_required
def caseload(request: SignedInRequest) -> HttpResponse:
    user: User = request.user
    if user.role == codes.Role.CHILD:  # a child has no caseload: their own journey instead
        return redirect("me:journey")
    if user.role == codes.Role.ADMINISTRATOR:
        return render(request, "casework/administrator_home.html")
    show_team = user.role != codes.Role.SOCIAL_WORKER or request.GET.get("view") == "team"
    searched = request.GET.get("q", "").strip()[:100]
    if searched:  # every child the user may see, open or closed, best match first
        children = selectors.children_found(user=user, query=searched)
    else:
        children = selectors.team_caseload(user=user) if show_team else selectors.my_caseload(user=user)
    show, sort = request.GET.get("show", ""), request.GET.get("sort", "")
    page = page_of(request, selectors.caseload_filtered(children, show=show, sort=sort, best_first=bool(searched)))
    rows = selectors.caseload_rows_of(page)
    services.record_list_log(user=user, children=(row.child.pk for row in rows), page=request.get_full_path())
    columns = caseload_columns([row.child for row in rows])
    extra = [[(column.heading, values.get(row.child.pk, column.empty)) for column, values in columns] for row in rows]
    # A child's "this isn't right" stays at the top of their worker's caseload until it is answered.
    corrections = list(selectors.open_corrections_for(user=user))
    context = {
        "notices": render_caseload_notices(request),
        "corrections": corrections,
        "correction_child_ids": {check.shared_record.visit.child_id for check in corrections},
        "page": page,
        "rows": list(zip(rows, extra, strict=True)),
        "has_rows": bool(rows),
        "headings": [column.heading for column, _ in columns],
        "show_team": show_team,
        "is_worker": user.role == codes.Role.SOCIAL_WORKER,
        "searched": searched,
        "show": show if show in selectors.CASELOAD_SHOWS else "",
        "sort": sort if sort in selectors.CASELOAD_SORTS else "",
        "shows": selectors.CASELOAD_SHOWS.items(),
        "sorts": selectors.CASELOAD_SORTS.items(),
        "page_query": urlencode({key: request.GET[key] for key in ("q", "view", "show", "sort") if request.GET.get(key)}),
    }
    return render(request, "casework/caseload.html", context)


# A child's record ---------------------------------------------------------------------------


@login_required
def child_detail(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child")
    contact = list(selectors.sibling_contact_visible_to(user=request.user).filter(child=child))
    visits = page_of(request, selectors.visits_visible_to(user=request.user).filter(child=child), 10)
    family = selectors.family_with_homes_now(user=request.user, child=child)
    context = {
        "child": child,
        "row": selectors.caseload_rows(children=Child.objects.filter(pk=child.pk))[0],
        "can_record": selectors.child_can_record(user=request.user, child=child),
        "family": family,
        "family_summary": f"Show the {len(family)} {'person' if len(family) == 1 else 'people'} in the network",
        "contact_due": selectors.sibling_contact_due(arrangements=contact, today=timezone.localdate()),
        "allocations": selectors.allocations_visible_to(user=request.user).filter(child=child).order_by("-started_on", "-id"),
        "visits": visits,
        "visits_summary": f"Show the {visits.paginator.count} visit{'' if visits.paginator.count == 1 else 's'} recorded",
        "case_notes": list(selectors.case_notes_visible_to(user=request.user).filter(child=child)[:10]),
        "contact": contact,
        "legal_status": child.legal_statuses.filter(ended_on__isnull=True).first(),
        "care_episodes": child.care_episodes.order_by("-started_on"),
        "reviews": list(child.reviews.all()),
        "missing": list(child.missing_episodes.all()),
        "panels": render_child_panels(request, child),
        "account": selectors.child_account_of(child=child),
        "child_words": [(field_label(Child, name), getattr(child, name)) for name in services.CHILD_WORDS],
        "open_invite": selectors.open_invite_of(child=child),
        "health_due": selectors.health_records_due(child=child, today=timezone.localdate()),
    }
    return render(request, "casework/child_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def child_new(request: SignedInRequest) -> HttpResponse:
    """A child new to the council: who they are and their first worker. A child Hearth may already hold is
    shown, with a link, before a second record is made."""
    services.require_may_add_child(actor=request.user)
    form = ChildNewForm(request.POST or None, workers=selectors.team_members(user=request.user))
    if request.method == "GET":
        form.initial["worker"] = request.user.pk if request.user.role == codes.Role.SOCIAL_WORKER else None
    possible: list[Child] = []
    if request.method == "POST" and form.is_valid():
        child = form.submit(lambda: services.child_create(actor=request.user, **form.cleaned_data))
        if child is not None:
            messages.success(request, f"{child.display_name} is now on {child.allocations.get().worker}'s caseload.")
            return redirect("casework:child-detail", child_id=child.pk)
        possible = list(form.duplicates_found)
    context = {"form": form, "possible": possible, "asks_duplicate": "not_a_duplicate" in form.errors}
    return render(request, "casework/child_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child:edit", to_record=True)
    initial = {name: getattr(child, name) for name in services.CHILD_DETAILS} | {"version": child.updated_at.isoformat()}
    form = ChildEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        details = {name: form.cleaned_data[name] for name in form.changed_data if name in services.CHILD_DETAILS}
        version = form.cleaned_data["version"]
        saved = form.submit(lambda: services.child_update(child=child, actor=request.user, version=version, **details))
        if saved is not None:
            messages.success(request, "Saved. The history keeps what it said before.")
            return redirect("casework:child-detail", child_id=child.pk)
    return render(request, "casework/child_edit.html", {"child": child, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def child_close(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child:close", to_record=True)
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closed = form.submit(lambda: services.child_close(child=child, actor=request.user, **form.cleaned_data))
        if closed is not None:
            messages.success(request, f"{child.display_name}'s case is closed. A head of service can open it again.")
            if selectors.children_visible_to(user=request.user).filter(pk=child.pk).exists():
                return redirect("casework:child-detail", child_id=child.pk)
            return redirect("casework:caseload")
    return render(request, "casework/child_close.html", {"child": child, "form": form})


def _child_form_page(
    request: SignedInRequest, form: GovukForm, *, child: Child, title: str, button: str, **extra: Any
) -> HttpResponse:
    context = {"form": form, "child": child, "title": title, "button": button, **extra}
    return render(request, "casework/child_form_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def care_start(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child:care-start", to_record=True)
    form = CareStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        episode = form.submit(lambda: services.care_start(child=child, actor=request.user, **form.cleaned_data))
        if episode is not None:
            messages.success(
                request, f"{child.display_name} is in care from {episode.started_on:%-d %b %Y}. Record their first home next."
            )
            return redirect("placements:child-homes", child_id=child.pk)
    intro = "The first home follows as a move, after an approved decision (or as an emergency move)."
    return _child_form_page(request, form, child=child, title="Comes into care", button="Record", intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def legal_status_change(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child:legal-status", to_record=True)
    form = LegalStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        status = form.submit(lambda: services.legal_status_change(child=child, actor=request.user, **form.cleaned_data))
        if status is not None:
            messages.success(request, f"Legal status is now {status.get_code_display().lower()}.")
            return redirect("casework:child-detail", child_id=child.pk)
    return _child_form_page(request, form, child=child, title="Change the legal status", button="Save")


@login_required
@require_http_methods(["GET", "POST"])
def leaving_care(request: SignedInRequest, child_id: int) -> HttpResponse:
    """A young person's leaving-care record from 16: the pathway plan, their personal adviser, contact at 17 to 21."""
    # One look, one row in the access log; a change also needs the right to record for the child.
    child = child_for_page(request, child_id, "child:leaving-care", to_record=request.method == "POST")
    record = selectors.care_leaver_of(child=child)
    initial = {name: getattr(record, name) for name in services.CARE_LEAVER_FIELDS} if record else {}
    initial["version"] = record.updated_at.isoformat() if record else None
    form = CareLeaverForm(request.POST if "pathway" in request.POST else None, initial=initial)
    contact_form = CareLeaverContactForm(request.POST if "contact" in request.POST else None)
    if request.method == "POST":
        if "pathway" in request.POST and form.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.CARE_LEAVER_FIELDS}
            version = form.cleaned_data["version"]
            if form.submit(lambda: services.care_leaver_update(child=child, actor=request.user, version=version, **fields)):
                messages.success(request, "Leaving-care record saved.")
                return redirect("casework:leaving-care", child_id=child.pk)
        elif "contact" in request.POST and contact_form.is_valid():
            fields = contact_form.cleaned_data
            if contact_form.submit(lambda: services.care_leaver_contact_record(child=child, actor=request.user, **fields)):
                messages.success(request, "Contact recorded.")
                return redirect("casework:leaving-care", child_id=child.pk)
    context = {
        "child": child, "form": form, "contact_form": contact_form, "record": record,
        "contacts": child.care_leaver_contacts.all(), "can_record": selectors.child_can_record(user=request.user, child=child),
    }  # fmt: skip
    return render(request, "casework/leaving_care.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    """A statutory looked-after review: its day, how the child took part, who chaired it."""
    child = child_for_page(request, child_id, "child:review-new", to_record=True)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.REVIEW_FIELDS}
        review = form.submit(lambda: services.review_record(child=child, actor=request.user, **fields))
        if review is not None:
            messages.success(request, f"Review on {review.reviewed_on:%-d %b %Y} recorded.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#reviews")
    return _child_form_page(request, form, child=child, title="Record a looked-after review", button="Save")


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: SignedInRequest, review_id: int) -> HttpResponse:
    """Correct a review; the page shows what it said before, and who changed it."""
    review = selectors.review_get(user=request.user, review_id=review_id)
    child = child_for_page(request, review.child_id, f"review:{review.pk}:edit", to_record=True)
    initial = {name: getattr(review, name) for name in services.REVIEW_FIELDS} | {"version": review.updated_at.isoformat()}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in services.REVIEW_FIELDS}
        version = form.cleaned_data["version"]
        saved = form.submit(lambda: services.review_update(review=review, actor=request.user, version=version, **changed))
        if saved is not None:
            messages.success(request, "Saved. The history keeps what the review said before.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#reviews")
    versions = [(row, _review_words(row)) for row in selectors.versions_of(review)]
    context = {"form": form, "child": child, "title": f"Correct the review of {review.reviewed_on:%-d %B %Y}",
               "versions": versions, "anchor": "reviews"}  # fmt: skip
    return render(request, "casework/record_correct.html", context)


def _review_words(review: Any) -> str:
    """What one version of a review said, in a line."""
    chair = f"chaired by {review.chaired_by}" if review.chaired_by else "no chair recorded"
    return f"{review.reviewed_on:%-d %B %Y}: {review.participation}, {review.get_participation_display().lower()}; {chair}"


@login_required
@require_http_methods(["GET", "POST"])
def missing_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    """A time the child went missing, or was away without permission: the day they came back when it is known."""
    child = child_for_page(request, child_id, "child:missing-new", to_record=True)
    form = MissingEpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.MISSING_FIELDS}
        episode = form.submit(lambda: services.missing_episode_record(child=child, actor=request.user, **fields))
        if episode is not None:
            messages.success(request, f"{episode} recorded.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#missing")
    intro = "Record it as soon as the child is missing; come back to add the day they returned and the return interview."
    return _child_form_page(request, form, child=child, title="Missing or away without permission", button="Save", intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def missing_edit(request: SignedInRequest, episode_id: int) -> HttpResponse:
    """Record the day the child came back and the return interview, or correct the episode."""
    episode = selectors.missing_episode_get(user=request.user, episode_id=episode_id)
    child = child_for_page(request, episode.child_id, f"missing:{episode.pk}:edit", to_record=True)
    initial = {name: getattr(episode, name) for name in services.MISSING_FIELDS} | {"version": episode.updated_at.isoformat()}
    for name in ("return_interview_offered", "return_interview_taken"):
        initial[name] = yes_no(initial[name])
    form = MissingEpisodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in services.MISSING_FIELDS}
        version = form.cleaned_data["version"]
        saved = form.submit(
            lambda: services.missing_episode_update(episode=episode, actor=request.user, version=version, **changed)
        )
        if saved is not None:
            messages.success(request, "Saved. The history keeps what the episode said before.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#missing")
    versions = [(row, _missing_words(row)) for row in selectors.versions_of(episode)]
    title = "Came back, or correct" if episode.ended_on is None else "Correct the missing episode"
    context = {"form": form, "child": child, "title": title, "versions": versions, "anchor": "missing"}
    return render(request, "casework/record_correct.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def health_records(request: SignedInRequest, child_id: int) -> HttpResponse:
    """The yearly health records of a child looked after all year (903 OC2): those made, the years still needing
    one, and a form that makes or corrects the year asked for (?year=2026), or the first still due."""
    child = child_for_page(request, child_id, "child:health-records", to_record=request.method == "POST")
    due = selectors.health_records_due(child=child, today=timezone.localdate())
    records = {record.year_ending: record for record in child.health_records.all()}
    years = sorted({item.year_ending for item in due} | set(records), reverse=True)
    year = _year_asked(request, years, due)
    form = HealthRecordForm(
        request.POST or None, years=years, initial=HealthRecordForm.initial_for(records.get(year), year) if year else {}
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        saved = form.submit(
            lambda: services.health_record_save(child=child, actor=request.user, version=form.cleaned_data["version"], **fields)
        )
        if saved is not None:
            messages.success(request, f"Health record saved for the year to 31 March {saved.year_ending}.")
            return redirect("casework:health-records", child_id=child.pk)
    context = {
        "child": child, "form": form, "records": list(records.values()), "due": due, "years": years,
        "can_record": selectors.child_can_record(user=request.user, child=child),
    }  # fmt: skip
    return render(request, "casework/health_records.html", context)


def _year_asked(request: SignedInRequest, years: list[int], due: list[selectors.HealthDue]) -> int | None:
    asked = request.GET.get("year", "")
    if asked.isdigit() and int(asked) in years:
        return int(asked)
    return next((item.year_ending for item in due if item.is_due), years[0] if years else None)


@login_required
@require_http_methods(["GET", "POST"])
def child_reopen(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child:reopen", to_record=True)
    form = ReopenCaseForm(request.POST or None, workers=selectors.team_members(user=request.user))
    if request.method == "POST" and form.is_valid():
        opened = form.submit(lambda: services.child_reopen(child=child, actor=request.user, **form.cleaned_data))
        if opened is not None:
            messages.success(request, f"{child.display_name}'s case is open again.")
            return redirect("casework:child-detail", child_id=child.pk)
    return render(request, "casework/child_reopen.html", {"child": child, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def family_member_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "family:new", to_record=True)
    others = selectors.children_visible_to(user=request.user).exclude(pk=child.pk)
    form = FamilyMemberForm(request.POST or None, children=others)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        member = form.submit(lambda: services.family_member_add(child=child, actor=request.user, **fields))
        if member is not None:
            messages.success(request, f"{member.name} added to {child.display_name}'s network.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#family")
    return render(request, "casework/family_member_form.html", {"child": child, "form": form, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def family_member_edit(request: SignedInRequest, member_id: int) -> HttpResponse:
    member = selectors.family_member_get(user=request.user, member_id=member_id)
    child = child_for_page(request, member.child_id, f"family:{member.pk}:edit", to_record=True)
    initial = {name: getattr(member, name) for name in services.FAMILY_FIELDS} | {"version": member.updated_at.isoformat()}
    others = selectors.children_visible_to(user=request.user).exclude(pk=child.pk)
    form = FamilyMemberForm(request.POST or None, initial=initial, children=others)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in services.FAMILY_FIELDS}
        version = form.cleaned_data["version"]
        saved = form.submit(lambda: services.family_member_update(member=member, actor=request.user, version=version, **changed))
        if saved is not None:
            messages.success(request, f"Saved. The history keeps what {member.name}'s details said before.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#family")
    return render(request, "casework/family_member_form.html", {"child": child, "form": form, "member": member})


def _missing_words(episode: Any) -> str:
    """What one version of a missing episode said, in a line."""
    answers = {None: "not recorded", True: "yes", False: "no"}
    offered, taken = answers[episode.return_interview_offered], answers[episode.return_interview_taken]
    return f"{episode.instance}; return interview offered: {offered}, taken up: {taken}"


# A child's chronology -------------------------------------------------------------------------------


@login_required
def child_chronology(request: SignedInRequest, child_id: int) -> HttpResponse:
    """Everything recorded about the child, from every app, in date order; filtered by kind and dates."""
    child = child_for_page(request, child_id, "chronology")
    form, entries = _chronology_for(request, child)
    labels = {source.kind: source.label for source in chronology.chronology_sources()}
    rows = [(entry, labels.get(entry.kind, entry.kind)) for entry in entries]
    context = {"child": child, "form": form, "rows": rows, "csv_query": request.GET.urlencode()}
    return render(request, "casework/chronology.html", context, status=200 if form.is_valid() else 400)


@login_required
def child_chronology_csv(request: SignedInRequest, child_id: int) -> HttpResponseBase:
    """The chronology as the page filters it, for a spreadsheet or a court bundle."""
    child = child_for_page(request, child_id, "chronology.csv")
    form, entries = _chronology_for(request, child)
    if not form.is_valid():
        return render(request, "casework/chronology.html", {"child": child, "form": form, "rows": []}, status=400)
    site = request.build_absolute_uri("/").rstrip("/")
    rows: list[list[object]] = [["date", "time", "kind", "title", "detail", "recorded by", "link"]]
    rows += [
        [entry.day, entry.time.strftime("%H:%M") if entry.time else "", entry.kind, entry.title, entry.detail,
         entry.recorded_by, site + entry.link if entry.link else ""]
        for entry in entries
    ]  # fmt: skip
    return csv_response(rows, f"chronology_{child.pk}_{timezone.localdate():%Y-%m-%d}.csv")


def _chronology_for(request: SignedInRequest, child: Child) -> tuple[ChronologyForm, list[chronology.Entry]]:
    """The filter form as sent (an empty query is every kind, newest first) and, when it is valid, the entries."""
    kinds = [(source.kind, source.label) for source in chronology.chronology_sources()]
    form = ChronologyForm(request.GET or {"order": "newest"}, kinds=kinds)
    if not form.is_valid():
        return form, []
    chosen = form.cleaned_data
    entries = chronology.chronology(
        child=child,
        kinds=chosen["kind"],
        since=chosen["since"],
        until=chosen["until"],
        newest_first=chosen["order"] != "oldest",
    )
    return form, entries


@login_required
def child_access_log(request: SignedInRequest, child_id: int) -> HttpResponse:
    """Who opened this child's record, and when. For a head of service; the look itself is logged too."""
    child = selectors.child_get(user=request.user, child_id=child_id)
    views = selectors.record_views_of(user=request.user, child=child)  # refuses anyone but a head of service
    services.record_view_log(user=request.user, child=child, page="access-log")
    return render(request, "casework/access_log.html", {"child": child, "page": page_of(request, views, 50)})


# The child's own account (invite, suspend) and the words written with them ---------------------


@login_required
@require_http_methods(["POST"])
def child_invite(request: SignedInRequest, child_id: int) -> HttpResponse:
    """Make an invite and show its code once: only a hash is kept, so it cannot be shown again."""
    child = child_for_page(request, child_id, "child-account:invite", to_record=True)
    try:
        invite, code = services.child_invite_create(child=child, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("casework:child-detail", args=[child.pk]) + "#account")
    link = request.build_absolute_uri(reverse("me:join")) + f"?code={code}"
    return render(request, "casework/child_invite.html", {"child": child, "invite": invite, "code": code, "link": link})


@login_required
@require_http_methods(["GET", "POST"])
def child_account_suspend(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child-account:suspend", to_record=True)
    form = SuspendChildAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.child_account_suspend(child=child, actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, "The account is suspended. The child is signed out.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#account")
    return render(request, "casework/child_account_suspend.html", {"child": child, "form": form})


@login_required
@require_http_methods(["POST"])
def child_account_reinstate(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "child-account:reinstate", to_record=True)
    try:
        services.child_account_reinstate(child=child, actor=request.user)
        messages.success(request, "The account is working again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("casework:child-detail", args=[child.pk]) + "#account")


@login_required
@require_http_methods(["GET", "POST"])
def child_story(request: SignedInRequest, child_id: int) -> HttpResponse:
    """The worker writes with the child: the story of why they came into care and the child's other words."""
    child = child_for_page(request, child_id, "child:words", to_record=True)
    initial = {name: getattr(child, name) for name in services.CHILD_WORDS}
    form = ChildStoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        words = form.changed_words()
        saved = form.submit(lambda: services.child_words_update(child=child, actor=request.user, **words)) if words else child
        if saved is not None:
            messages.success(request, "Saved. The child sees these words on their journey.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#about-me")
    return render(request, "casework/child_story.html", {"child": child, "form": form})


# Sharing records with the child and answering their corrections ----------------------------------


@login_required
@require_http_methods(["POST"])
def words_check(request: SignedInRequest) -> HttpResponse:
    """How a text written for a child reads (reading age, words children dislike), as the share page's
    fields show it under each: the page asks again as the worker types. Reads no record."""
    if not request.user.is_case_staff:
        raise PermissionDenied
    text = request.POST.get("text", "")[:8000]
    return render(request, "casework/includes/words_check.html", {"check": child_words.words_check(text)})


@login_required
@require_http_methods(["GET", "POST"])
def visit_share(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    child = child_for_page(request, visit.child_id, f"visit:{visit.pk}:share", to_record=True)
    form = ShareVisitForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        shared = form.submit(lambda: services.visit_share(visit=visit, actor=request.user, **form.shared()))
        if shared is not None:
            messages.success(request, f"Shared with {child.preferred_name or child.first_name}.")
            return redirect(reverse("casework:visit-detail", args=[visit.pk]) + "#shared")
    versions = [
        (form[f"child_{name}"], getattr(visit, name), child_words.words_check(form[f"child_{name}"].value() or ""))
        for name in form.section_names
    ]
    context = {"visit": visit, "child": child, "form": form, "versions": versions}
    return render(request, "casework/visit_share.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correction_answer(request: SignedInRequest, check_id: int) -> HttpResponse:
    check = selectors.correction_get(user=request.user, check_id=check_id)
    visit = check.shared_record.visit
    child = child_for_page(request, visit.child_id, f"correction:{check.pk}", to_record=True)
    form = CorrectionAnswerForm(request.POST or None, share=check.shared_record)
    if request.method == "POST" and form.is_valid():
        answered = form.submit(
            lambda: services.correction_answer(
                check=check,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                changes=form.changes(),
                child_changes=form.child_changes(),
            ),
        )
        if answered is not None:
            messages.success(request, "Answered. The child sees your answer.")
            return redirect(reverse("casework:visit-detail", args=[visit.pk]) + "#shared")
    context = {"check": check, "visit": visit, "child": child, "form": form}
    return render(request, "casework/correction_answer.html", context)


# Visits -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "visit:new", to_record=True)
    form = VisitForm(request.POST or None, initial=VisitForm.initial_for())
    if request.method == "POST" and form.is_valid():
        visit = form.submit(
            lambda: services.visit_create(
                child=child,
                author=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                **form.visit_fields(),
            ),
        )
        if visit is not None:
            return _after_save(request, form, visit)
    return _visit_form_page(request, child=child, form=form, visit=None)


def _visit_form_page(
    request: SignedInRequest, *, child: Child, form: GovukForm, visit: Visit | None, **extra: Any
) -> HttpResponse:
    context = {"child": child, "form": form, "visit": visit, "panels": render_visit_panels(request, visit, child.pk), **extra}
    return render(request, "casework/visit_form.html", context)


def _after_save(request: SignedInRequest, form: GovukForm, visit: Visit) -> HttpResponse:
    """Either keep the draft open for more writing, or sign it when the worker pressed Sign."""
    if form.cleaned_data.get("reviewed"):
        services.visit_review_draft(visit=visit, actor=request.user)
    if "sign" not in request.POST:
        messages.success(request, "Draft saved.")
        return redirect("casework:visit-edit", visit_id=visit.pk)
    signed = form.submit(lambda: services.visit_sign(visit=visit, actor=request.user))
    if signed is None:
        # The draft was saved, only signing was refused: the form goes on from the version just saved.
        visit.refresh_from_db(fields=["updated_at"])
        data = request.POST.copy()
        data["version"] = visit.updated_at.isoformat()
        form.data = data
        return _visit_form_page(request, child=visit.child, form=form, visit=visit)
    messages.success(request, "Visit signed.")
    return redirect("casework:visit-detail", visit_id=visit.pk)


@login_required
def visit_detail(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    services.record_view_log(user=request.user, child=visit.child, page=f"visit:{visit.pk}")
    context = {
        "visit": visit,
        "child": visit.child,
        "can_record": selectors.child_can_record(user=request.user, child=visit.child),
        "history": visit.history.select_related("history_user").order_by("-history_date")[:50],
        "shares": selectors.shares_of_visit(visit=visit),
    }
    return render(request, "casework/visit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    child = child_for_page(request, visit.child_id, f"visit:{visit.pk}:edit", to_record=True)
    if visit.is_signed:
        return redirect("casework:visit-amend", visit_id=visit.pk)
    form = VisitForm(request.POST or None, initial=VisitForm.initial_for(visit), needs_review=visit.awaits_review)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        updated = form.submit(
            lambda: services.visit_update(visit=visit, actor=request.user, version=version, **form.visit_fields())
        )
        if updated is not None:
            return _after_save(request, form, updated)
    return _visit_form_page(request, child=child, form=form, visit=visit)


@login_required
@require_http_methods(["GET", "POST"])
def visit_amend(request: SignedInRequest, visit_id: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id)
    child = child_for_page(request, visit.child_id, f"visit:{visit.pk}:amend", to_record=True)
    if not visit.is_signed:
        return redirect("casework:visit-edit", visit_id=visit.pk)
    form = VisitAmendForm(request.POST or None, initial=VisitForm.initial_for(visit))
    if request.method == "POST" and form.is_valid():
        fields = form.visit_fields() | {"reason": form.cleaned_data["reason"], "version": form.cleaned_data["version"]}
        amended = form.submit(lambda: services.visit_amend(visit=visit, actor=request.user, **fields))
        if amended is not None:
            messages.success(request, "Visit amended. The history keeps the earlier version.")
            return redirect("casework:visit-detail", visit_id=visit.pk)
    return _visit_form_page(request, child=child, form=form, visit=visit, amending=True)


# Case notes: contact that is not a visit ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_note_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "case-note:new", to_record=True)
    form = CaseNoteForm(request.POST or None, initial=CaseNoteForm.initial_for())
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["idempotency_key"]  # the page's: a second click returns the note the first made
        note = form.submit(
            lambda: services.case_note_create(child=child, author=request.user, idempotency_key=key, **form.note_fields())
        )
        if note is not None:
            return _after_case_note_save(request, note)
    return _case_note_form_page(request, child=child, form=form, note=None)


def _case_note_form_page(
    request: SignedInRequest, *, child: Child, form: GovukForm, note: CaseNote | None, amending: bool = False
) -> HttpResponse:
    context = {"child": child, "form": form, "note": note, "amending": amending}
    return render(request, "casework/case_note_form.html", context)


def _after_case_note_save(request: SignedInRequest, note: CaseNote) -> HttpResponse:
    """Keep the draft open for more writing, or sign it when the worker pressed Sign. A refused signing goes back to
    the saved draft (not this form again, which on a new note would post a second one), saying why."""
    if "sign" not in request.POST:
        messages.success(request, "Draft saved.")
        return redirect("casework:case-note-edit", note_id=note.pk)
    try:
        services.case_note_sign(note=note, actor=request.user)
    except ValidationError as error:
        messages.error(request, "The draft is saved but not signed: " + " ".join(error.messages))
        return redirect("casework:case-note-edit", note_id=note.pk)
    messages.success(request, "Case note signed.")
    return redirect("casework:case-note-detail", note_id=note.pk)


@login_required
def case_note_detail(request: SignedInRequest, note_id: int) -> HttpResponse:
    note = selectors.case_note_get(user=request.user, note_id=note_id)
    services.record_view_log(user=request.user, child=note.child, page=f"case-note:{note.pk}")
    context = {
        "note": note,
        "child": note.child,
        "can_record": selectors.child_can_record(user=request.user, child=note.child),
        "history": note.history.select_related("history_user").order_by("-history_date", "-history_id")[:50],
    }
    return render(request, "casework/case_note_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_note_edit(request: SignedInRequest, note_id: int) -> HttpResponse:
    note = selectors.case_note_get(user=request.user, note_id=note_id)
    child = child_for_page(request, note.child_id, f"case-note:{note.pk}:edit", to_record=True)
    if note.is_signed:
        return redirect("casework:case-note-amend", note_id=note.pk)
    if note.author_id != request.user.pk:
        raise PermissionDenied("Only the person who wrote this draft can change or sign it.")
    form = CaseNoteForm(request.POST or None, initial=CaseNoteForm.initial_for(note))
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        fields = form.note_fields()
        saved = form.submit(lambda: services.case_note_update(note=note, actor=request.user, version=version, **fields))
        if saved is not None:
            return _after_case_note_save(request, saved)
    return _case_note_form_page(request, child=child, form=form, note=note)


@login_required
@require_http_methods(["POST"])
def case_note_sign(request: SignedInRequest, note_id: int) -> HttpResponse:
    """Sign a draft from its page (the draft's own form has a Sign button too)."""
    note = selectors.case_note_get(user=request.user, note_id=note_id)
    child_for_page(request, note.child_id, f"case-note:{note.pk}:sign", to_record=True)
    try:
        services.case_note_sign(note=note, actor=request.user)
        messages.success(request, "Case note signed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("casework:case-note-edit", note_id=note.pk)
    return redirect("casework:case-note-detail", note_id=note.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_note_amend(request: SignedInRequest, note_id: int) -> HttpResponse:
    note = selectors.case_note_get(user=request.user, note_id=note_id)
    child = child_for_page(request, note.child_id, f"case-note:{note.pk}:amend", to_record=True)
    if not note.is_signed:
        return redirect("casework:case-note-edit", note_id=note.pk)
    form = CaseNoteAmendForm(request.POST or None, initial=CaseNoteForm.initial_for(note))
    if request.method == "POST" and form.is_valid():
        fields = form.note_fields() | {"reason": form.cleaned_data["reason"], "version": form.cleaned_data["version"]}
        amended = form.submit(lambda: services.case_note_amend(note=note, actor=request.user, **fields))
        if amended is not None:
            messages.success(request, "Case note amended. The history keeps the earlier version.")
            return redirect("casework:case-note-detail", note_id=note.pk)
    return _case_note_form_page(request, child=child, form=form, note=note, amending=True)


# Worker changes and sibling contact --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def change_worker(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "worker:change", to_record=True)
    form = ChangeWorkerForm(request.POST or None, workers=selectors.team_members(user=request.user))
    if request.method == "POST" and form.is_valid():
        allocation = form.submit(lambda: services.allocation_change(child=child, actor=request.user, **form.cleaned_data))
        if allocation is not None:
            messages.success(request, f"{allocation.worker} is now {child.display_name}'s social worker.")
            return redirect("casework:child-detail", child_id=child.pk)
    current = selectors.current_allocation(child=child)
    return render(request, "casework/change_worker.html", {"child": child, "form": form, "current": current})


@login_required
@require_http_methods(["GET", "POST"])
def sibling_contact_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "sibling-contact:new", to_record=True)
    siblings = selectors.family_visible_to(user=request.user).filter(child=child, relationship__in=codes.SIBLING_RELATIONSHIPS)
    form = SiblingContactForm(request.POST or None, siblings=siblings)
    if request.method == "POST" and form.is_valid():
        arrangement = form.submit(
            lambda: services.sibling_contact_arrangement_create(child=child, actor=request.user, **form.cleaned_data)
        )
        if arrangement is not None:
            messages.success(request, f"Contact with {arrangement.sibling.name} recorded.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#sibling-contact")
    return render(
        request, "casework/sibling_contact_form.html", {"child": child, "form": form, "has_siblings": siblings.exists()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def sibling_session_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "sibling-contact:session", to_record=True)
    arrangements = selectors.sibling_contact_visible_to(user=request.user).filter(child=child, ended_on__isnull=True)
    form = SiblingContactSessionForm(
        request.POST or None, arrangements=arrangements, initial={"arrangement": request.GET.get("arrangement")}
    )
    if request.method == "POST" and form.is_valid():
        session = form.submit(lambda: services.sibling_contact_session_record(actor=request.user, **form.cleaned_data))
        if session is not None:
            messages.success(request, "Contact session recorded.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#sibling-contact")
    context = {"child": child, "form": form, "has_arrangements": arrangements.exists()}
    return render(request, "casework/sibling_session_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sibling_session_outcome(request: SignedInRequest, session_id: int) -> HttpResponse:
    """Record what happened at a planned session, on its own row: held or cancelled, and what the child said."""
    session = selectors.sibling_contact_session_get(user=request.user, session_id=session_id)
    child = child_for_page(request, session.arrangement.child_id, f"sibling-contact:session:{session.pk}", to_record=True)
    fields = ("status", "cancelled_by", "cancel_reason", "child_comment")
    initial = {name: getattr(session, name) for name in fields} | {"version": session.updated_at.isoformat()}
    if session.status == codes.ContactSessionStatus.PLANNED:
        initial["status"] = ""  # the worker says what happened; nothing is chosen for them
    form = SessionOutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcome = {name: form.cleaned_data[name] for name in fields}
        version = form.cleaned_data["version"]
        saved = form.submit(
            lambda: services.sibling_contact_session_update(session=session, actor=request.user, version=version, **outcome)
        )
        if saved is not None:
            messages.success(request, f"Saved what happened at the session on {session.planned_on:%-d %B %Y}.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#sibling-contact")
    context = {"child": child, "form": form, "session": session}
    return render(request, "casework/sibling_session_outcome.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sibling_contact_edit(request: SignedInRequest, arrangement_id: int) -> HttpResponse:
    """Change how often contact is, its plan, or end it with a reason."""
    arrangement = selectors.sibling_contact_get(user=request.user, arrangement_id=arrangement_id)
    child = child_for_page(request, arrangement.child_id, f"sibling-contact:{arrangement.pk}:edit", to_record=True)
    initial = {name: getattr(arrangement, name) for name in services.ARRANGEMENT_FIELDS}
    form = ArrangementChangeForm(request.POST or None, initial=initial | {"version": arrangement.updated_at.isoformat()})
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in services.ARRANGEMENT_FIELDS}
        version = form.cleaned_data["version"]
        saved = form.submit(
            lambda: services.sibling_contact_arrangement_update(
                arrangement=arrangement, actor=request.user, version=version, **changed
            )
        )
        if saved is not None:
            messages.success(request, f"Saved. The history keeps what contact with {arrangement.sibling.name} was before.")
            return redirect(reverse("casework:child-detail", args=[child.pk]) + "#sibling-contact")
    context = {"child": child, "form": form, "arrangement": arrangement}
    return render(request, "casework/sibling_contact_edit.html", context)
