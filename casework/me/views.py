"""The pages a child or young person uses: joining with their worker's code, signing in, their
journey, their own words, and the records their worker shared with them.

Every page after sign-in starts from selectors.own_child (or the child's own shared-record
selectors), so a member of staff, a suspended child or anyone guessing another child's ids gets a
404 and nothing is written. The words are the child's: "home", never "placement" or "case"."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casework import codes, selectors, services
from casework.forms import ChildSignInForm, ChildWordsForm, JoinForm, RecordCheckForm
from casework.http import SignedInRequest
from casework.me.journey import JourneyEvent, JourneyPart, journey_for
from casework.models import Child, SharedRecord, User
from casework.views import page_of

SIGN_IN = "me:sign-in"
RECORDS_PAGE_SIZE = 10
# Why a worker changed, said kindly (903 SW_REASON). No reason is ever the child's fault.
WORKER_CHANGE_WORDS: dict[str, str] = {
    codes.WorkerChangeReason.MANAGE: "The team shared out its work in a new way.",
    codes.WorkerChangeReason.LEFTRL: "They left to do a different job.",
    codes.WorkerChangeReason.ORGRST: "The council changed how its teams work.",
    codes.WorkerChangeReason.TSPROC: "You moved to a team that helps children for longer.",
    codes.WorkerChangeReason.ABSENC: "They had to be away for a while.",
    codes.WorkerChangeReason.CHCHAN: "You or your family asked for a new worker.",
    codes.WorkerChangeReason.PCCHAN: "Things changed in your life.",
    codes.WorkerChangeReason.SWDIED: "Sadly, they died.",
}


def child_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-out children go to their own sign-in page, not the staff one."""
    return login_required(view, login_url=SIGN_IN)


def _own_child(request: SignedInRequest, page: str) -> Child:
    """The signed-in child's own record (404 for anyone else), with the look written to the access log."""
    child = selectors.own_child(user=request.user)
    services.record_view_log(user=request.user, child=child, page=f"me:{page}")
    return child


def _is_child(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.role == codes.Role.CHILD


# Joining, signing in and out -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The child types (or follows a link with) the code from their worker, then chooses a username and password."""
    if _is_child(request.user):
        return redirect("me:journey")
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        typed = dict(form.cleaned_data)  # a service error takes its field out of cleaned_data
        user = form.submit(lambda: services.child_account_create(**typed)) or _joined_already(request, form, **typed)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            name = user.first_name or "there"
            messages.success(request, f"Welcome, {name}! Your username is {user.username}. You need it to sign in.")
            return redirect("me:journey")
    return render(request, "casework/me/join.html", {"form": form})


def _joined_already(request: HttpRequest, form: JoinForm, *, code: str, password: str, **typed: str) -> User | None:
    """A second click on "Join" finds the code used by the first: carry on as the account it made. The password
    goes through authenticate(), so django-axes counts a wrong one like any other sign-in."""
    if "code" not in form.errors:
        return None
    account = selectors.child_account_joined_with(code_hash=services.invite_code_hash(code))
    if account is None:
        return None
    return authenticate(request, username=account.user.username, password=password)


class ChildSignInView(LoginView):
    """Django's sign-in (so django-axes locks a username after too many wrong passwords) in the child's skin."""

    template_name = "casework/me/sign_in.html"
    authentication_form = ChildSignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("me:journey") if _is_child(self.request.user) else reverse("casework:caseload")


class ChildSignOutView(LogoutView):
    next_page = SIGN_IN

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out. See you soon!")
        return response


# My journey ----------------------------------------------------------------------------------


@child_login_required
def journey(request: SignedInRequest) -> HttpResponse:
    child = _own_child(request, "journey")
    return render(request, "casework/me/journey.html", {"child": child, "journey": journey_for(request, child)})


def came_into_care_part(request: SignedInRequest, child: Child) -> JourneyPart:
    episodes = list(child.care_episodes.order_by("started_on"))
    events = [JourneyEvent(e.started_on, "I came into care.") for e in episodes]
    events += [JourneyEvent(e.ended_on, "I left care.") for e in episodes if e.ended_on]
    html = render_to_string("casework/me/part_came_into_care.html", {"child": child, "episodes": episodes}, request=request)
    return JourneyPart(html, events)


def workers_part(request: SignedInRequest, child: Child) -> JourneyPart:
    allocations = list(selectors.child_workers(child=child))
    workers = [
        {"allocation": allocation, "why_changed": WORKER_CHANGE_WORDS.get(allocation.end_reason, "")}
        for allocation in reversed(allocations)
    ]
    events = [JourneyEvent(a.started_on, f"{a.worker.get_full_name() or 'A new worker'} became my worker.") for a in allocations]
    html = render_to_string("casework/me/part_workers.html", {"workers": workers}, request=request)
    return JourneyPart(html, events)


def people_part(request: SignedInRequest, child: Child) -> JourneyPart:
    next_contact = selectors.next_sibling_contact(child=child)
    people = [(person, next_contact.get(person.pk)) for person in selectors.people_who_matter_to_child(child=child)]
    context = {"child": child, "people": people}
    return JourneyPart(render_to_string("casework/me/part_people.html", context, request=request))


def proud_of_part(request: SignedInRequest, child: Child) -> JourneyPart:
    return JourneyPart(render_to_string("casework/me/part_proud_of.html", {"child": child}, request=request))


def records_part(request: SignedInRequest, child: Child) -> JourneyPart:
    records = list(selectors.shared_records_for_child(user=request.user)[:3])
    context = {"records": [(record, _check_state(record)) for record in records]}
    return JourneyPart(render_to_string("casework/me/part_records.html", context, request=request))


# My words ------------------------------------------------------------------------------------


@child_login_required
@require_http_methods(["GET", "POST"])
def words(request: SignedInRequest) -> HttpResponse:
    child = _own_child(request, "words")
    form = ChildWordsForm(request.POST or None, initial={name: getattr(child, name) for name in services.CHILD_WORDS})
    if request.method == "POST" and form.is_valid():
        changed = form.changed_words()
        if not changed:
            messages.success(request, "Nothing was changed, so your words are just as they were.")
            return redirect("me:words")
        if form.submit(lambda: services.child_words_update(child=child, actor=request.user, **changed)) is not None:
            messages.success(request, "Saved. Your words are kept just as you wrote them.")
            return redirect("me:words")
    history = selectors.child_words_history(child=child, fields=services.CHILD_WORDS)
    fields = [(form[name], history[name][:6]) for name in services.CHILD_WORDS]
    return render(request, "casework/me/words.html", {"child": child, "form": form, "fields": fields})


# What my worker wrote ------------------------------------------------------------------------


CHECK_STATES: dict[str, str] = {codes.CheckStatus.AGREED: "agreed", codes.CheckStatus.OPEN: "waiting"}


def _check_state(record: SharedRecord) -> str:
    """Where the child's check of a shared record is, for a short label: new, agreed, waiting or answered."""
    checks = list(record.checks.all())  # prefetched, newest first
    if not checks:
        return "new"
    return CHECK_STATES.get(checks[0].status, "answered")


@child_login_required
def records(request: SignedInRequest) -> HttpResponse:
    _own_child(request, "records")
    page = page_of(request, selectors.shared_records_for_child(user=request.user), RECORDS_PAGE_SIZE)
    return render(request, "casework/me/records.html", {"page": page, "rows": [(r, _check_state(r)) for r in page]})


@child_login_required
@require_http_methods(["GET", "POST"])
def record_detail(request: SignedInRequest, shared_record_id: int) -> HttpResponse:
    record = selectors.shared_record_for_child(user=request.user, shared_record_id=shared_record_id)
    services.record_view_log(user=request.user, child=record.visit.child, page=f"me:record:{record.pk}")
    form = RecordCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = form.submit(lambda: services.record_check(shared_record=record, actor=request.user, **form.cleaned_data))
        if check is not None:
            thanks = (
                "Thank you for checking. We have kept a note that you said it is right."
                if check.verdict == codes.Verdict.RIGHT
                else "Thank you. Your worker will read what you said and answer you here."
            )
            messages.success(request, thanks)
            return redirect(reverse("me:record", args=[record.pk]) + "#what-i-said")
    checks = list(record.checks.all())
    sections = record.for_child()
    context = {
        "record": record,
        "sections": sections,
        "checks": checks,
        "waiting": any(check.is_open for check in checks),
        "form": form,
    }
    return render(request, "casework/me/record_detail.html", context)
