"""Customising a star with its history kept, check-ins, and the bad input the services refuse."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outcomes import codes, services
from outcomes.models import CheckInScore, StarArea
from tests.outcomes.factories import days_ago, default_template, record, start_star

pytestmark = pytest.mark.django_db


@pytest.fixture
def star(county):
    return start_star(county.child, county.worker)


def area(star, name: str) -> StarArea:
    return star.areas.get(name=name)


def errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# Customising --------------------------------------------------------------------------------


def test_renaming_an_area_keeps_its_identity_and_earlier_check_ins(county, star):
    check_in = record(star, county.worker, {"Home": 4, "Money": 6})
    home = area(star, "Home")
    renamed = services.star_area_rename(area=home, name="My room and my dog", actor=county.worker)
    assert renamed.pk == home.pk
    assert (renamed.name, renamed.original_name, renamed.was_renamed) == ("My room and my dog", "Home", True)
    score = CheckInScore.objects.get(check_in=check_in, area_id=home.pk)
    assert (score.area.name, score.score) == ("My room and my dog", 4)
    names = list(renamed.history.order_by("history_date").values_list("name", "history_user", "history_change_reason"))
    assert names[0][0] == "Home"
    assert names[-1] == ("My room and my dog", county.worker.pk, "Renamed from “Home”")


def test_a_child_adds_their_own_area_grouped_with_a_template_area(county, star):
    pets = services.star_area_add(
        star=star, name="My dog Biscuit", actor=county.worker, based_on=default_template().areas.get(name="Family and friends")
    )
    own = services.star_area_add(star=star, name="Drawing", question="How is drawing going?", actor=county.worker)
    assert pets.added_by_child and pets.template_area.name == "Family and friends"
    assert own.template_area is None and own.question == "How is drawing going?"
    assert star.areas.filter(retired_on__isnull=True).count() == 10


def test_an_area_based_on_another_templates_area_is_refused(county, star):
    from tests.outcomes.factories import small_template

    other = small_template().areas.first()
    with pytest.raises(ValidationError) as excinfo:
        services.star_area_add(star=star, name="Sleep", actor=county.worker, based_on=other)
    assert errors(excinfo)["based_on"] == ["Choose an area from this star's template."]


def test_an_area_cannot_share_a_name_with_a_current_area(county, star):
    with pytest.raises(ValidationError) as excinfo:
        services.star_area_add(star=star, name="  home ", actor=county.worker)
    assert errors(excinfo)["name"] == ["The star already has an area called “home”."]


def test_a_template_origin_cannot_be_claimed_for_an_added_area(county, star):
    with pytest.raises(ValidationError) as excinfo:
        services.star_area_add(star=star, name="Sport", actor=county.worker, origin=codes.AreaOrigin.TEMPLATE)
    assert "origin" in errors(excinfo)


def test_retiring_an_area_keeps_its_scores_and_stops_new_ones(county, star):
    old = record(star, county.worker, {"Money": 3, "Home": 5})
    money = services.star_area_retire(area=area(star, "Money"), actor=county.worker)
    assert money.is_retired and money.retired_on is not None
    assert old.scores.filter(area=money).get().score == 3
    with pytest.raises(ValidationError) as excinfo:
        record(star, county.worker, {"Money": 4}, days=10)
    assert errors(excinfo)["scores"] == ["“Money” has been retired: it cannot be scored in a new check-in."]
    with pytest.raises(ValidationError):
        services.star_area_rename(area=money, name="Cash", actor=county.worker)
    with pytest.raises(ValidationError) as excinfo:
        services.star_area_retire(area=money, actor=county.worker)
    assert errors(excinfo)["area"] == ["This area is already retired."]


def test_the_last_current_area_cannot_be_retired(county, star):
    areas = list(star.areas.all())
    for each in areas[:-1]:
        services.star_area_retire(area=each, actor=county.worker)
    with pytest.raises(ValidationError) as excinfo:
        services.star_area_retire(area=areas[-1], actor=county.worker)
    assert "at least one area" in errors(excinfo)["area"][0]


# Check-ins ----------------------------------------------------------------------------------


def test_several_people_can_answer_at_the_same_check_in(county, star):
    child = record(star, county.worker, {"Home": 8}, respondent=codes.Respondent.CHILD)
    carer = record(star, county.worker, {"Home": 6}, respondent=codes.Respondent.CARER)
    assert (child.date, child.stage) == (carer.date, carer.stage)
    assert star.check_ins.count() == 2 and carer.recorded_by == county.worker


@pytest.mark.parametrize(
    ("scores", "days", "field", "message"),
    [
        ({"Home": 11}, 10, "scores", "The score for “Home” must be from 1 to 10."),
        ({"Home": 0}, 10, "scores", "The score for “Home” must be from 1 to 10."),
        ({"Home": 5}, 201, "date", f"The date cannot be before the star was started ({days_ago(200):%d/%m/%Y})."),
        ({"Home": 5}, -1, "date", "The date cannot be in the future."),
        ({}, 10, "scores", "Give a score for at least one area."),
    ],
)
def test_bad_check_ins_are_refused_with_a_clear_message(county, star, scores, days, field, message):
    with pytest.raises(ValidationError) as excinfo:
        record(star, county.worker, scores, days=days)
    assert errors(excinfo)[field] == [message]
    assert not star.check_ins.exists()


def test_an_area_from_another_childs_star_is_refused(county, star):
    other_star = start_star(county.other_child, county.other_worker)
    theirs = other_star.areas.get(name="Home")
    with pytest.raises(ValidationError) as excinfo:
        services.check_in_record(
            star=star,
            stage=codes.Stage.START,
            date=days_ago(5),
            respondent=codes.Respondent.CHILD,
            scores=[services.ScoreInput(area=theirs, score=5)],
            actor=county.worker,
        )
    assert errors(excinfo)["scores"] == ["“Home” is not an area of this child's star."]


def test_an_area_scored_twice_in_one_check_in_is_refused(county, star):
    home = area(star, "Home")
    with pytest.raises(ValidationError) as excinfo:
        services.check_in_record(
            star=star,
            stage=codes.Stage.START,
            date=days_ago(5),
            respondent=codes.Respondent.CHILD,
            scores=[services.ScoreInput(area=home, score=5), services.ScoreInput(area=home, score=6)],
            actor=county.worker,
        )
    assert errors(excinfo)["scores"] == ["“Home” is scored twice."]


# Who may write ------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["teammate", "other_worker", "admin"])
def test_only_people_who_record_for_the_child_change_the_star(county, star, reader):
    actor = getattr(county, reader)
    home = area(star, "Home")
    attempts = [
        lambda: start_star(county.child, actor, template=None),
        lambda: services.star_area_add(star=star, name="Sport", actor=actor),
        lambda: services.star_area_rename(area=home, name="House", actor=actor),
        lambda: services.star_area_retire(area=home, actor=actor),
        lambda: record(star, actor, {"Home": 5}),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert (home.name, star.check_ins.count(), star.areas.count()) == ("Home", 0, 8)


def test_the_team_manager_and_head_of_service_may_record(county, star):
    record(star, county.manager, {"Home": 5})
    record(star, county.head, {"Home": 6}, respondent=codes.Respondent.WORKER)
    assert star.check_ins.count() == 2
