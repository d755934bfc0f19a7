"""Star pages: the panel on a child's page, the star itself (staff and child versions), a check-in,
and managing areas. Each view parses input, calls one selector or service, and renders.

A star whose child the user may not see is 404; one they may see but not change is 403 on the
pages that change it (the casework rules, through outcomes.selectors)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework import selectors as casework_selectors
from casework import services as casework_services
from casework.http import SignedInRequest
from casework.ids import parse_id
from casework.me.journey import JourneyEvent, JourneyPart
from casework.me.views import child_login_required
from casework.models import Child
from outcomes import codes, selectors, services
from outcomes.forms import CHILD_STAGES, AreaAddForm, AreaRenameForm, CheckInForm, ChildAreaForm, ChildCheckInForm, StarStartForm
from outcomes.models import Star, StarArea
from outcomes.svg import check_in_label, star_svg


def _star_for(request: SignedInRequest, star_id: int, page: str, *, to_record: bool = False) -> Star:
    """The star (404 if its child is not visible), with the view written to the access log."""
    star = selectors.star_get(user=request.user, star_id=star_id)
    casework_services.record_view_log(user=request.user, child=star.child, page=page)
    if to_record and not casework_selectors.child_can_record(user=request.user, child=star.child):
        raise PermissionDenied("You can read this child's star but not change it.")
    return star


def _int_param(request: HttpRequest, name: str) -> int | None:
    return parse_id(request.GET.get(name))


# The panel on the child's page --------------------------------------------------------------


def child_star_panel(request: SignedInRequest, child: Child) -> str:
    """The star on the child's page (registered with casework.panels): picture, history, the child's own areas."""
    stars = list(selectors.stars_visible_to(user=request.user).filter(child=child))
    pictures = [(star, selectors.star_picture(star=star)) for star in stars]
    context = {
        "child": child,
        "stars": [
            {
                "star": star,
                "picture": picture,
                "svg": star_svg(picture, element_id=f"star-{star.pk}"),
                "history": [check_in_label(c, child_friendly=False) for c in reversed(picture.check_ins)][:8],
                "own_areas": [area for area in picture.all_areas if area.added_by_child],
            }
            for star, picture in pictures
        ],
        "can_record": casework_selectors.child_can_record(user=request.user, child=child),
    }
    return render_to_string("outcomes/panel.html", context, request=request)


# Stars --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def star_new(request: SignedInRequest, child_id: int) -> HttpResponse:
    child = casework_selectors.child_get(user=request.user, child_id=child_id)
    casework_services.record_view_log(user=request.user, child=child, page="star:new")
    if not casework_selectors.child_can_record(user=request.user, child=child):
        raise PermissionDenied("You can read this child's record but not change it.")
    form = StarStartForm(
        request.POST or None, templates=selectors.templates_available(), initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        star = form.submit(lambda: services.star_start(child=child, actor=request.user, **form.cleaned_data))
        if star is not None:
            messages.success(request, "Star started.")
            return redirect("outcomes:star-detail", star_id=star.pk)
    return render(request, "outcomes/star_new.html", {"child": child, "form": form})


@login_required
def star_detail(request: SignedInRequest, star_id: int) -> HttpResponse:
    """The star, comparing the first and latest check-in (or the two in ?first= and ?second=).

    ?view=child is the child's version: warmer words, larger labels, no staff-only sections."""
    star = _star_for(request, star_id, f"star:{star_id}")
    child_friendly = request.GET.get("view") == "child"
    picture = selectors.star_picture(star=star, first_id=_int_param(request, "first"), second_id=_int_param(request, "second"))
    rows = [(area, [picture.scores.get((c.pk, area.pk)) for c in picture.shown]) for area in picture.areas]
    context = {
        "star": star,
        "child": star.child,
        "picture": picture,
        "svg": star_svg(picture, child_friendly=child_friendly),
        "rows": rows,
        "shown_labels": [check_in_label(c, child_friendly=child_friendly) for c in picture.shown],
        "all_labels": [(c, check_in_label(c, child_friendly=False)) for c in picture.check_ins],
        "child_friendly": child_friendly,
        "disagreements": [] if child_friendly else selectors.disagreements(star=star),
        "areas": selectors.star_areas(star=star),
        "can_record": casework_selectors.child_can_record(user=request.user, child=star.child),
        "gap": codes.DISAGREEMENT_GAP,
    }
    return render(request, "outcomes/star_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_in_new(request: SignedInRequest, star_id: int) -> HttpResponse:
    star = _star_for(request, star_id, f"star:{star_id}:check-in", to_record=True)
    areas = list(star.areas.filter(retired_on__isnull=True))
    template = star.template
    initial = {"date": timezone.localdate(), "respondent": codes.Respondent.CHILD}
    form = CheckInForm(request.POST or None, areas=areas, low=template.scale_min, high=template.scale_max, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("stage", "date", "respondent", "answered_by_name")}
        check_in = form.submit(lambda: services.check_in_record(star=star, actor=request.user, scores=form.scores(), **fields))
        if check_in is not None:
            messages.success(request, "Check-in saved.")
            return redirect("outcomes:star-detail", star_id=star.pk)
    context = {
        "star": star,
        "child": star.child,
        "form": form,
        "words": sorted(template.scale_words.items(), key=lambda w: int(w[0])),
    }
    return render(request, "outcomes/check_in_form.html", context)


# Areas --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def star_areas(request: SignedInRequest, star_id: int) -> HttpResponse:
    """Every area of the star, current and retired, with a form to add one."""
    star = _star_for(request, star_id, f"star:{star_id}:areas")
    can_record = casework_selectors.child_can_record(user=request.user, child=star.child)
    form = AreaAddForm(request.POST or None, template=star.template)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied("You can read this child's star but not change it.")
        if form.is_valid():
            area = form.submit(lambda: services.star_area_add(star=star, actor=request.user, **form.cleaned_data))
            if area is not None:
                messages.success(request, f"“{area.name}” added to the star.")
                return redirect("outcomes:star-areas", star_id=star.pk)
    context = {
        "star": star,
        "child": star.child,
        "form": form,
        "areas": selectors.star_areas(star=star),
        "can_record": can_record,
    }
    return render(request, "outcomes/star_areas.html", context)


def _area_to_record(request: SignedInRequest, area_id: int, page: str) -> StarArea:
    area = selectors.star_area_get(user=request.user, area_id=area_id)
    casework_services.record_view_log(user=request.user, child=area.star.child, page=page)
    if not casework_selectors.child_can_record(user=request.user, child=area.star.child):
        raise PermissionDenied("You can read this child's star but not change it.")
    return area


@login_required
@require_http_methods(["GET", "POST"])
def star_area_rename(request: SignedInRequest, area_id: int) -> HttpResponse:
    area = _area_to_record(request, area_id, f"star-area:{area_id}:rename")
    form = AreaRenameForm(request.POST or None, initial={"name": area.name, "question": area.question})
    if request.method == "POST" and form.is_valid():
        renamed = form.submit(lambda: services.star_area_rename(area=area, actor=request.user, **form.cleaned_data))
        if renamed is not None:
            messages.success(request, f"Renamed to “{renamed.name}”. Earlier check-ins keep their scores.")
            return redirect("outcomes:star-areas", star_id=area.star_id)
    history = area.history.select_related("history_user").order_by("-history_date")[:20]
    context = {"area": area, "star": area.star, "child": area.star.child, "form": form, "history": history}
    return render(request, "outcomes/area_rename.html", context)


@login_required
@require_POST
def star_area_retire(request: SignedInRequest, area_id: int) -> HttpResponse:
    area = _area_to_record(request, area_id, f"star-area:{area_id}:retire")
    try:
        services.star_area_retire(area=area, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{area.name}” retired. Its earlier scores stay in the star's history.")
    return redirect("outcomes:star-areas", star_id=area.star_id)


# The child's own star (under /me/star/, in the child's skin) --------------------------------------
# Every page starts from the child's own selectors: staff, a suspended child, or another child's
# ids get a 404 and nothing is written.

MY_CHECK_INS_PAGE_SIZE = 5


def journey_star(request: SignedInRequest, child: Child) -> JourneyPart:
    """The "My star" section of the child's own journey (registered with casework.me.journey): their own answers only."""
    items: list[dict[str, Any]] = []
    for star in selectors.own_stars(user=request.user):
        picture = selectors.own_star_picture(star=star)
        svg = star_svg(picture, child_friendly=True, element_id=f"my-star-{star.pk}")
        items.append({"star": star, "picture": picture, "svg": svg})
    firsts = [item["picture"].check_ins[0] for item in items if item["picture"].check_ins]
    events = [JourneyEvent(check_in.date, "I filled in my star for the first time.") for check_in in firsts]
    html = render_to_string("outcomes/me/journey_star.html", {"items": items}, request=request)
    return JourneyPart(html, events)


def _my_star(request: SignedInRequest, star_id: int, page: str) -> Star:
    star = selectors.own_star_get(user=request.user, star_id=star_id)
    casework_services.record_view_log(user=request.user, child=star.child, page=f"me:star:{star.pk}{page}")
    return star


@child_login_required
def my_stars(request: SignedInRequest) -> HttpResponse:
    """Most children have one star: straight to it. Otherwise a choice, or kind words when there is none yet."""
    stars = list(selectors.own_stars(user=request.user))
    if len(stars) == 1:
        return redirect("my-star:star", star_id=stars[0].pk)
    return render(request, "outcomes/me/stars.html", {"stars": stars})


@child_login_required
def my_star(request: SignedInRequest, star_id: int) -> HttpResponse:
    star = _my_star(request, star_id, "")
    first, second = _int_param(request, "first"), _int_param(request, "second")
    picture = selectors.own_star_picture(star=star, first_id=first, second_id=second)
    page = Paginator(list(reversed(picture.check_ins)), MY_CHECK_INS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "star": star,
        "picture": picture,
        "svg": star_svg(picture, child_friendly=True, element_id="my-star"),
        "rows": [(area, [picture.scores.get((c.pk, area.pk)) for c in picture.shown]) for area in picture.areas],
        "shown": picture.shown,
        "page": page,
        "times": [(check_in, dict(CHILD_STAGES)[check_in.stage]) for check_in in page],
    }
    return render(request, "outcomes/me/star.html", context)


@child_login_required
def my_check_in(request: SignedInRequest, check_in_id: int) -> HttpResponse:
    check_in = selectors.own_check_in_get(user=request.user, check_in_id=check_in_id)
    casework_services.record_view_log(user=request.user, child=check_in.star.child, page=f"me:check-in:{check_in.pk}")
    context = {"check_in": check_in, "star": check_in.star, "stage": dict(CHILD_STAGES)[check_in.stage]}
    return render(request, "outcomes/me/check_in.html", context)


@child_login_required
@require_http_methods(["GET", "POST"])
def my_check_in_new(request: SignedInRequest, star_id: int) -> HttpResponse:
    star = _my_star(request, star_id, ":check-in")
    areas = list(star.areas.filter(retired_on__isnull=True))
    template = star.template
    first_time = not selectors.own_check_ins(star=star).exists()
    initial = {"stage": codes.Stage.START if first_time else codes.Stage.REVIEW}
    form = ChildCheckInForm(request.POST or None, areas=areas, low=template.scale_min, high=template.scale_max, initial=initial)
    if request.method == "POST" and form.is_valid():
        check_in = form.submit(
            lambda: services.check_in_record(
                star=star,
                stage=form.cleaned_data["stage"],
                date=timezone.localdate(),
                respondent=codes.Respondent.CHILD,
                scores=form.scores(),
                actor=request.user,
            ),
        )
        if check_in is not None:
            messages.success(request, "Thank you! Your star is saved.")
            return redirect("my-star:star", star_id=star.pk)
    words = sorted(template.scale_words.items(), key=lambda w: int(w[0]))
    return render(request, "outcomes/me/check_in_form.html", {"star": star, "form": form, "words": words})


@child_login_required
@require_http_methods(["GET", "POST"])
def my_star_areas(request: SignedInRequest, star_id: int) -> HttpResponse:
    """The child's areas: add one in their own words, or rename one. Retiring an area stays with the worker."""
    star = _my_star(request, star_id, ":areas")
    form = ChildAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = form.submit(lambda: services.star_area_add(star=star, actor=request.user, **form.cleaned_data))
        if area is not None:
            messages.success(request, f"“{area.name}” is on your star now.")
            return redirect("my-star:areas", star_id=star.pk)
    return render(request, "outcomes/me/areas.html", {"star": star, "form": form, "areas": selectors.star_areas(star=star)})


@child_login_required
@require_http_methods(["GET", "POST"])
def my_area_rename(request: SignedInRequest, area_id: int) -> HttpResponse:
    area = selectors.own_star_area_get(user=request.user, area_id=area_id)
    casework_services.record_view_log(user=request.user, child=area.star.child, page=f"me:star-area:{area.pk}:rename")
    form = ChildAreaForm(request.POST or None, initial={"name": area.name, "question": area.question})
    if request.method == "POST" and form.is_valid():
        renamed = form.submit(lambda: services.star_area_rename(area=area, actor=request.user, **form.cleaned_data))
        if renamed is not None:
            messages.success(request, f"Now it is called “{renamed.name}”. Your earlier answers are kept.")
            return redirect("my-star:areas", star_id=area.star_id)
    return render(request, "outcomes/me/area_rename.html", {"area": area, "star": area.star, "form": form})
