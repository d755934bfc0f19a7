"""Pages for homes and placement decisions. Each view parses input, calls one selector or service, renders.

A child a user may not see is a 404; one they may read but not change is a 403 on pages that change it.
The decision form walks down the ladder one rung per page; each step saves the draft, so nothing lives
in the session and a worker can stop in a car park and carry on later."""

import datetime
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework import selectors as casework_selectors
from casework import services as casework_services
from casework.forms import GovukForm
from casework.http import SignedInRequest
from casework.ids import parse_id
from casework.me.journey import JourneyEvent, JourneyPart
from casework.models import Child
from casework.views import child_for_page
from placements import codes, export, fixes, forms, imports, selectors, services, validation
from placements.apis import csv_response
from placements.models import Adoption, AdoptionDecision, PlacementDecision, ReturnCheck


def _decision(request: SignedInRequest, decision_id: int, *, to_record: bool = False) -> PlacementDecision:
    decision = selectors.decision_get(user=request.user, decision_id=decision_id)
    child_for_page(request, decision.child_id, f"decision:{decision.pk}", to_record=to_record)
    return decision


def _form_page(request: SignedInRequest, form: GovukForm, *, child: Child, title: str, button: str, **extra: Any) -> HttpResponse:
    return render(request, "placements/form_page.html", {"form": form, "child": child, "title": title, "button": button, **extra})


def _require_manager(request: SignedInRequest) -> None:
    if not selectors.is_manager(request.user):
        raise PermissionDenied("Only team managers and heads of service use this page.")


# A child's homes -------------------------------------------------------------------------------


def child_homes_panel(request: SignedInRequest, child: Child) -> str:
    """The section of the child's page with their current home and the homes before it."""
    episodes = list(selectors.episodes_visible_to(user=request.user).filter(child=child).order_by("-started_on", "-id"))
    context = {"child": child, "episodes": episodes, "current": next((e for e in episodes if e.ended_on is None), None)}
    return render_to_string("placements/panel.html", context, request=request)


def journey_homes(request: SignedInRequest, child: Child) -> JourneyPart:
    """The "My homes" section of the child's own journey (registered with casework.me.journey): names they know, dates."""
    homes = list(selectors.homes_of_child(child=child))
    # A new home is a new carer or address: another episode in the same home (its type changed) is not one.
    moves = [episode for n, episode in enumerate(homes) if n == 0 or episode.home_id != homes[n - 1].home_id]
    events = [
        JourneyEvent(episode.started_on, f"{'My first home' if n == 0 else 'A new home'}: {episode.home.child_facing_name}.")
        for n, episode in enumerate(moves)
    ]
    html = render_to_string("placements/me/homes.html", {"homes": list(reversed(homes))}, request=request)
    return JourneyPart(html, events)


@login_required
def child_homes(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "homes")
    context = {
        "child": child,
        "episodes": selectors.episodes_visible_to(user=request.user).filter(child=child).order_by("-started_on", "-id"),
        "decisions": selectors.decisions_visible_to(user=request.user).filter(child=child),
        "can_record": casework_selectors.child_can_record(user=request.user, child=child),
    }
    return render(request, "placements/child_homes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def move_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "homes:move", to_record=True)
    form = forms.MoveForm(request.POST or None, homes=selectors.homes_to_choose(user=request.user))
    if request.method == "POST" and form.is_valid():
        episode = form.submit(lambda: services.placement_start(child=child, actor=request.user, **form.cleaned_data))
        if episode is not None:
            done = "Emergency move" if episode.emergency else "Move"
            messages.success(request, f"{done} to {episode.home} recorded.")
            return redirect("placements:child-homes", child_id=child.pk)
    return _form_page(request, form, child=child, title="Record a move", button="Record the move", intro=_move_intro(child))


def _move_intro(child: Child) -> str:
    """What the move can follow: the approved decisions not yet acted on, or how to make one."""
    waiting = [decision.chosen_home or decision.get_chosen_rung_display() or decision.get_transition_display()
               for decision in selectors.decisions_waiting_for_move(child=child)]  # fmt: skip
    if not waiting:
        return "A move follows an approved decision. There is none waiting for this child: decide on a new home first, " \
            "unless this is an emergency."  # fmt: skip
    return f"Approved and waiting for the move: {'; '.join(str(w) for w in waiting)}."


@login_required
@require_http_methods(["GET", "POST"])
def end_care(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "homes:end-care", to_record=True)
    form = forms.EndCareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.placement_end_care(child=child, actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, "Care ended. The child's home and period in care are closed.")
            return redirect("placements:child-homes", child_id=child.pk)
    return _form_page(request, form, child=child, title="The child leaves care", button="End care")


# The decision, step by step --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "decision:new", to_record=True)
    form = forms.DecisionStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.submit(lambda: services.decision_create(child=child, actor=request.user, **form.cleaned_data))
        if decision is not None:
            return _next_step(decision)
    intro = "Start with why a new home is needed, what the child says, and what the ideal home would be."
    return _form_page(request, form, child=child, title="A new home: the decision", button="Save and continue", intro=intro)


def _next_step(decision: PlacementDecision) -> HttpResponse:
    if decision.transition:
        return redirect("placements:decision-home", decision_id=decision.pk)
    ruled_out = set(decision.rungs.values_list("rung", flat=True))  # not .all(): that may be a stale prefetch
    rung = next((rung for rung in codes.Rung.values if rung not in ruled_out), None)
    if rung is None:
        return redirect("placements:decision-detail", decision_id=decision.pk)
    return redirect("placements:decision-rung", decision_id=decision.pk, rung=rung)


@login_required
@require_http_methods(["GET", "POST"])
def decision_rung(request: SignedInRequest, decision_id: int, rung: int) -> HttpResponse:
    decision = _decision(request, decision_id, to_record=True)
    if rung not in codes.Rung.values:
        return redirect("placements:decision-detail", decision_id=decision.pk)
    form = forms.RungForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["verdict"] == "yes":
            done = form.submit(lambda: services.decision_choose_rung(decision=decision, rung=rung, actor=request.user))
            if done is not None:
                return redirect("placements:decision-home", decision_id=decision.pk)
        else:
            entry = form.submit(
                lambda: services.decision_rung_record(
                    decision=decision,
                    rung=rung,
                    why_not=data["why_not"],
                    detail=data["detail"],
                    tried=data["tried"],
                    actor=request.user,
                )
            )
            if entry is not None:
                return _next_step(decision)
    context = {
        "decision": decision,
        "child": decision.child,
        "form": form,
        "rung": codes.Rung(rung),
        "step": rung,
        "steps": len(codes.Rung.values),
    }
    return render(request, "placements/decision_rung.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_home(request: SignedInRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id, to_record=True)
    if decision.chosen_rung is None and not decision.transition:
        return _next_step(decision)
    homes = selectors.homes_to_choose(user=request.user, rung=decision.chosen_rung, transition=decision.transition)
    if decision.chosen_home_id:
        homes = homes | selectors.homes_for(user=request.user).filter(pk=decision.chosen_home_id)
    initial = {
        name: getattr(decision, name)
        for name in ("chosen_home", "move_on", "reason_place_change", "step_down_review_on", "step_down_plan")
    } | {"version": decision.updated_at.isoformat()}
    form = forms.HomeStepForm(request.POST or None, homes=homes, residential=decision.is_residential, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.decision_update(decision=decision, actor=request.user, **form.cleaned_data))
        if done is not None:
            return redirect("placements:decision-checklist", decision_id=decision.pk)
    label = decision.get_transition_display() if decision.transition else decision.get_chosen_rung_display()
    return _form_page(
        request,
        form,
        child=decision.child,
        title=f"Choose the home: {label}",
        button="Save and continue",
        intro="If no home is found yet, leave it empty: the decision can still go to the manager.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_checklist(request: SignedInRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id, to_record=True)
    stems = [name for stem, _ in codes.CHECKLIST for name in (stem, f"{stem}_reason")]
    initial = {name: getattr(decision, name) for name in stems} | {"version": decision.updated_at.isoformat()}
    form = forms.ChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.decision_update(decision=decision, actor=request.user, **form.cleaned_data))
        if done is not None:
            return redirect("placements:decision-detail", decision_id=decision.pk)
    return _form_page(
        request,
        form,
        child=decision.child,
        title="The Children Act checklist",
        button="Save and check answers",
        intro="Answer each question. Every “no” needs a reason.",
    )


@login_required
def decision_detail(request: SignedInRequest, decision_id: int) -> HttpResponse:
    decision = _decision(request, decision_id)
    context = {
        "decision": decision,
        "child": decision.child,
        "can_record": casework_selectors.child_can_record(user=request.user, child=decision.child),
        "can_approve": services.decision_can_approve(user=request.user, decision=decision),
        "reject_form": forms.RejectForm(),
        "history": decision.history.select_related("history_user").order_by("-history_date")[:20],
    }
    return render(request, "placements/decision_detail.html", context)


def _decision_action(request: SignedInRequest, decision_id: int, action: Any, success: str, to_record: bool) -> HttpResponse:
    decision = _decision(request, decision_id, to_record=to_record)
    try:
        action(decision)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("placements:decision-detail", decision_id=decision.pk)


@login_required
@require_POST
def decision_submit(request: SignedInRequest, decision_id: int) -> HttpResponse:
    action = lambda decision: services.decision_submit(decision=decision, actor=request.user)  # noqa: E731
    return _decision_action(request, decision_id, action, "Sent to the manager for approval.", True)


@login_required
@require_POST
def decision_approve(request: SignedInRequest, decision_id: int) -> HttpResponse:
    action = lambda decision: services.decision_approve(decision=decision, actor=request.user)  # noqa: E731
    return _decision_action(request, decision_id, action, "Decision approved.", False)


@login_required
@require_POST
def decision_reject(request: SignedInRequest, decision_id: int) -> HttpResponse:
    form = forms.RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    action = lambda decision: services.decision_reject(decision=decision, actor=request.user, reason=reason)  # noqa: E731
    return _decision_action(request, decision_id, action, "Decision returned to the worker.", False)


# Manager pages ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def risk_of_residential(request: SignedInRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The decision is a hidden field: anything but a plain id names no decision, a 404 like a missing one.
        decision = _decision(request, parse_id(request.POST.get("decision")) or 0)
        done = form.submit(lambda: services.decision_record_forum(decision=decision, actor=request.user, **form.cleaned_data))
        if done is not None:
            messages.success(request, f"Forum outcome recorded for {decision.child.display_name}.")
            return redirect("placements:risk-of-residential")
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    decisions = list(selectors.at_risk_of_residential(user=request.user))
    casework_services.record_list_log(user=request.user, children=(d.child_id for d in decisions), page="risk-of-residential")
    context = {"decisions": decisions, "form": form, "week_ago": week_ago}
    return render(request, "placements/risk_of_residential.html", context)


@login_required
def residential_review(request: SignedInRequest) -> HttpResponse:
    _require_manager(request)
    rows = selectors.residential_review(user=request.user)
    children = (row.episode.child_id for row in rows)
    casework_services.record_list_log(user=request.user, children=children, page="residential-review")
    return render(request, "placements/residential_review.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def residential_review_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    _require_manager(request)
    child = child_for_page(request, child_id, "residential-review:new", to_record=True)
    episode = selectors.residential_stay_of(child=child)
    form = forms.ResidentialReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review = form.submit(lambda: services.residential_review_record(child=child, actor=request.user, **form.cleaned_data))
        if review is not None:
            messages.success(request, f"Review of {child.display_name} recorded. Next review {review.next_review_on:%-d %b %Y}.")
            return redirect("placements:residential-review")
    reviews = episode.residential_reviews.select_related("recorded_by") if episode else []
    return render(
        request, "placements/residential_review_form.html", {"form": form, "child": child, "episode": episode, "reviews": reviews}
    )


def emergency_moves_notice(request: SignedInRequest) -> str:
    """Above a manager's caseload: emergency moves whose decision is not approved yet, and when each is due."""
    if not selectors.is_manager(request.user):
        return ""
    episodes = list(selectors.emergency_moves_waiting(user=request.user))
    if not episodes:
        return ""
    casework_services.record_list_log(user=request.user, children=(e.child_id for e in episodes), page="emergency-moves")
    context = {"episodes": episodes, "now": timezone.now()}
    return render_to_string("placements/emergency_moves_notice.html", context, request=request)


@login_required
def sufficiency(request: SignedInRequest) -> HttpResponse:
    _require_manager(request)
    return render(request, "placements/sufficiency.html", {"sufficiency": selectors.foster_sufficiency(user=request.user)})


@login_required
def measures(request: SignedInRequest) -> HttpResponse:
    """The placement measures live on the dashboard now, with the others; old links land there."""
    _require_manager(request)
    return redirect("casework:dashboard")


@login_required
def ssda903(request: SignedInRequest) -> HttpResponse:
    if not selectors.may_produce_903(request.user):
        raise PermissionDenied("Only a head of service may produce the SSDA903 return.")
    form = forms.ExportForm(request.GET or None, initial={"year": validation.latest_ended(timezone.localdate()).start})
    if form.is_valid():
        year: validation.CollectionYear = form.cleaned_data["year"]
        data = export.ssda903_build(user=request.user, year=year.start)
        table = form.cleaned_data["table"]
        casework_services.record_list_log(user=request.user, children=data.child_ids(), page=f"ssda903:{request.get_full_path()}")
        return csv_response(data.csv(table), f"ssda903_{year.start}_{table}.csv")
    return render(request, "placements/ssda903.html", {"form": form})


# Checking the return with the DfE's validator before it is sent: the check runs in a Celery task
# (services.return_check_request says why); this page starts it and shows the latest answer.
CHILDREN_PER_PAGE = 25
JUST_NOW = datetime.timedelta(minutes=1)  # "Checked just now", not "Checked 0 minutes ago"


@login_required
@require_http_methods(["GET", "POST"])
def ssda903_check(request: SignedInRequest) -> HttpResponse:
    if not selectors.may_produce_903(request.user):
        raise PermissionDenied("Only a head of service may check the SSDA903 return.")
    if request.method == "POST":
        form = forms.CheckForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            services.return_check_request(user=request.user, year=year)
            return redirect(f"{reverse('placements:ssda903-check')}?year={year.start}")
        return render(request, "placements/ssda903_check.html", {"form": form}, status=400)
    default = {"year": validation.latest_ended(timezone.localdate()).start}
    form = forms.CheckForm(request.GET if "year" in request.GET else default)
    if not form.is_valid():
        return render(request, "placements/ssda903_check.html", {"form": form}, status=400)
    return render(request, "placements/ssda903_check.html", _check_page(request, form, form.cleaned_data["year"]))


def _check_page(request: SignedInRequest, form: forms.CheckForm, year: validation.CollectionYear) -> dict[str, Any]:
    """The newest check (under way, failed or done), the latest with the validator's answer, and the download."""
    checks = list(selectors.return_checks(user=request.user, year=year.start).defer("issues", "children")[:6])
    newest = checks[0] if checks else None
    latest = selectors.return_check_latest(user=request.user, year=year.start)
    context: dict[str, Any] = {
        "form": form,
        "year": year,
        "newest": newest,
        "latest": latest,
        "history": checks,
        "stuck": newest is not None and selectors.return_check_stuck(newest),
        "download": forms.ExportForm(initial={"year": year.start}),
        "query": f"year={year.start}",
    }
    if latest is not None:
        casework_services.record_list_log(user=request.user, children=latest.children, page=f"ssda903:check:{year.start}")
        context |= _issues(request, latest, request.GET.get("page"))
        context["just_now"] = latest.finished_at is not None and timezone.now() - latest.finished_at < JUST_NOW
    return context


def _issues(request: SignedInRequest, check: ReturnCheck, page_number: str | None) -> dict[str, Any]:
    """The check's issues child by child (a page of children at a time, by name), each with the page that puts it
    right, and per rule."""
    by_child: dict[int | None, list[dict[str, Any]]] = {}
    for issue in check.issues:
        by_child.setdefault(issue["child_id"], []).append(issue)
    visible = casework_selectors.children_visible_to(user=request.user).filter(pk__in=[pk for pk in by_child if pk])
    names = {child.pk: child for child in visible.only(*NAME_FIELDS)}
    order = sorted(by_child, key=lambda pk: (names[pk].last_name, names[pk].display_name, pk) if pk in names else ("", "", 0))
    page = Paginator(order, CHILDREN_PER_PAGE).get_page(page_number)
    children = [ChildIssues(names.get(pk) if pk else None, _with_fixes(by_child[pk], pk)) for pk in page]
    return {
        "children_page": page,
        "children": children,
        "children_with_issues": len(by_child),
        "rules": _by_rule(check.issues),
        "summary": check.summary,
    }


NAME_FIELDS = ("first_name", "preferred_name", "last_name")


@dataclass
class ChildIssues:
    child: Child | None  # None: the validator named a CHILD the return does not hold (it should not happen)
    issues: list[dict[str, Any]]

    @property
    def code(self) -> str:
        """The child's id in the 903 return (CHILD)."""
        return str(self.issues[0]["child"])


def _with_fixes(issues: list[dict[str, Any]], child_id: int | None) -> list[dict[str, Any]]:
    if child_id is None:
        return issues
    return [issue | {"fix": fixes.fix_url(table=issue["table"], fields=issue["fields"], child_id=child_id)} for issue in issues]


@dataclass(frozen=True)
class RuleIssues:
    rule: str
    message: str
    issues: int
    children: int
    where: str  # the tables and fields, e.g. "Episodes: HOME_POST, PL_POST"


def _by_rule(issues: list[dict[str, Any]]) -> list[RuleIssues]:
    """Issues per rule, most first (then by code)."""
    rules: dict[str, list[dict[str, Any]]] = {}
    for issue in issues:
        rules.setdefault(issue["rule"], []).append(issue)
    summary = [
        RuleIssues(
            rule=rule,
            message=found[0]["message"],
            issues=len(found),
            children=len({issue["child"] for issue in found}),
            where="; ".join(sorted({f"{issue['table']}: {', '.join(issue['fields'])}" for issue in found})),
        )
        for rule, found in rules.items()
    ]
    return sorted(summary, key=lambda rule: (-rule.issues, rule.rule))


# Bringing a council's children in from its 903 files: a dry run first, then the import of exactly what was checked.
IMPORT_SESSION_KEY = "ssda903_import"


@login_required
@require_http_methods(["GET", "POST"])
def ssda903_import(request: SignedInRequest) -> HttpResponse:
    if not selectors.may_produce_903(request.user):
        raise PermissionDenied("Only a head of service may import the SSDA903 files.")
    if request.method == "POST" and "checked" in request.POST:
        return _import_checked(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        texts = {table: upload.read() for table, upload in form.cleaned_data.items() if upload is not None}
        report = imports.ssda903_import(user=request.user, files=_streams(texts), dry_run=True)
        casework_services.record_list_log(user=request.user, children=report.held, page="ssda903:import:dry-run")
        if not report.problems:  # every file is UTF-8 CSV: keep them for the import the person confirms
            request.session[IMPORT_SESSION_KEY] = {table: content.decode("utf-8-sig") for table, content in texts.items()}
    checked = request.session.get(IMPORT_SESSION_KEY) if report and not report.problems else None
    context = {"form": form, "report": report, "checked": _fingerprint(checked) if checked else ""}
    return render(request, "placements/ssda903_import.html", context)


def _streams(texts: dict[str, bytes]) -> dict[str, Any]:
    return {table: io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="") for table, content in texts.items()}


def _fingerprint(texts: dict[str, str]) -> str:
    """Names the files a dry run checked, so 'Import' imports those and not files checked since in another tab."""
    digest = hashlib.sha256()
    for table in sorted(texts):
        digest.update(f"{table}\0{texts[table]}\0".encode())
    return digest.hexdigest()


def _import_checked(request: SignedInRequest) -> HttpResponse:
    texts = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(texts, dict) or request.POST.get("checked") != _fingerprint(texts):
        messages.error(request, "Those files are no longer the ones checked. Choose them again for a new dry run.")
        return redirect("placements:ssda903-import")
    report = imports.ssda903_import(user=request.user, files=_streams({t: x.encode() for t, x in texts.items()}), dry_run=False)
    casework_services.record_list_log(user=request.user, children=report.held, page="ssda903:import")
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, "The files are imported. Rows that were refused are listed with the reason.")
    return render(request, "placements/ssda903_import.html", {"form": forms.ImportForm(), "report": report, "checked": ""})


# Adoption and previous permanence ------------------------------------------------------------------


def _adoption_form(request: SignedInRequest, form: GovukForm, *, child: Child, title: str, button: str) -> HttpResponse:
    return render(request, "placements/adoption_form_page.html", {"form": form, "child": child, "title": title, "button": button})


def _to_adoption(request: SignedInRequest, child: Child, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect("placements:child-adoption", child_id=child.pk)


def child_adoption_panel(request: SignedInRequest, child: Child) -> str:
    """The section of the child's page on adoption and previous permanence, once the child has been in care."""
    if not child.care_episodes.exists():
        return ""
    context = {"child": child, "permanence": selectors.permanence_of(child=child)}
    return render_to_string("placements/adoption_panel.html", context, request=request)


@login_required
def child_adoption(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "adoption")
    context = {
        "child": child,
        "permanence": selectors.permanence_of(child=child),
        "can_record": casework_selectors.child_can_record(user=request.user, child=child),
    }
    return render(request, "placements/child_adoption.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def adoption_decision_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "adoption:decision:new", to_record=True)
    form = forms.AdoptionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.adoption_decision_record(child=child, actor=request.user, **form.cleaned_data))
        if done is not None:
            return _to_adoption(request, child, "Decision to place for adoption recorded.")
    title = "Decision that the child should be placed for adoption"
    return _adoption_form(request, form, child=child, title=title, button="Record the decision")


def _decision_to_change(request: SignedInRequest, decision_id: int) -> AdoptionDecision:
    decision = selectors.adoption_decision_get(user=request.user, decision_id=decision_id)
    child_for_page(request, decision.child_id, f"adoption:decision:{decision.pk}", to_record=True)
    return decision


@login_required
@require_http_methods(["GET", "POST"])
def adoption_decision(request: SignedInRequest, decision_id: int) -> HttpResponse:
    """The match, the reversal, or a correction (with why) of a decision to place for adoption."""
    decision = _decision_to_change(request, decision_id)
    initial = {name: getattr(decision, name) for name in services.DECISION_CHANGES}
    form = forms.AdoptionDecisionUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.adoption_decision_update(decision=decision, actor=request.user, **form.cleaned_data))
        if done is not None:
            return _to_adoption(request, decision.child, "Decision updated.")
    title = f"Decision of {decision.decided_on:%-d %b %Y} to place for adoption"
    return _adoption_form(request, form, child=decision.child, title=title, button="Save")


@login_required
@require_http_methods(["GET", "POST"])
def adoption_placement_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "adoption:placement", to_record=True)
    form = forms.AdoptionPlacementForm(request.POST or None, homes=selectors.adopters_homes(user=request.user))
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.adoption_placement_start(child=child, actor=request.user, **form.cleaned_data))
        if done is not None:
            return _to_adoption(request, child, "Placement for adoption recorded.")
    return _adoption_form(request, form, child=child, title="Placed for adoption", button="Record the placement")


@login_required
@require_http_methods(["GET", "POST"])
def adoption_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "adoption:new", to_record=True)
    form = forms.AdoptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.adoption_record(child=child, actor=request.user, **form.cleaned_data))
        if done is not None:
            return _to_adoption(request, child, "Adoption recorded. The child's care has ended.")
    return _adoption_form(request, form, child=child, title="The adoption order", button="Record the adoption")


@login_required
@require_http_methods(["GET", "POST"])
def adoption_correct(request: SignedInRequest, adoption_id: int) -> HttpResponse:
    adoption: Adoption = selectors.adoption_get(user=request.user, adoption_id=adoption_id)
    child = child_for_page(request, adoption.child_id, f"adoption:{adoption.pk}:correct", to_record=True)
    initial = {name: getattr(adoption, name) for name in services.ADOPTION_CORRECTIONS}
    form = forms.AdoptionCorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.adoption_correct(adoption=adoption, actor=request.user, **form.cleaned_data))
        if done is not None:
            return _to_adoption(request, child, "Adoption corrected.")
    return _adoption_form(request, form, child=child, title="Correct the adoption's details", button="Save the correction")


@login_required
@require_http_methods(["GET", "POST"])
def previous_permanence(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = child_for_page(request, child_id, "previous-permanence", to_record=True)
    record = selectors.permanence_of(child=child).previous
    initial = {name: getattr(record, name) for name in services.PERMANENCE_FIELDS} if record else {}
    form = forms.PreviousPermanenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form.submit(lambda: services.previous_permanence_record(child=child, actor=request.user, **form.cleaned_data))
        if done is not None:
            return _to_adoption(request, child, "Previous permanence recorded.")
    return _adoption_form(request, form, child=child, title="Previous permanence", button="Save")
