"""Templates set up by the council, the default star, and starting a child's star from one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outcomes import codes, services
from outcomes.models import StarArea, StarTemplate
from tests.outcomes.factories import days_ago, default_template, small_template, start_star

pytestmark = pytest.mark.django_db


def test_the_default_template_has_eight_areas_worded_for_children():
    template = default_template()
    names = list(template.areas.values_list("name", flat=True))
    assert names == [
        "Feeling happy and well",
        "Feeling safe",
        "Things I do outside home",
        "Money",
        "Family and friends",
        "Learning",
        "Health",
        "Home",
    ]
    assert (template.scale_min, template.scale_max, template.active) == (1, 10, True)
    assert template.word_for(1) == "Really hard" and template.word_for(10) == "Really good"
    questions = " ".join(template.areas.values_list("question", flat=True)).lower()
    assert "placement" not in questions and all(q.endswith("?") for q in template.areas.values_list("question", flat=True))


def test_a_star_starts_with_one_area_for_each_template_area(county):
    star = start_star(county.child, county.worker)
    areas = list(star.areas.all())
    assert [a.name for a in areas] == list(default_template().areas.values_list("name", flat=True))
    assert {a.origin for a in areas} == {codes.AreaOrigin.TEMPLATE}
    assert all(a.template_area.name == a.name == a.original_name for a in areas)
    assert star.created_by == county.worker


def test_a_child_has_one_star_per_template(county):
    start_star(county.child, county.worker)
    with pytest.raises(ValidationError) as error:
        start_star(county.child, county.worker)
    assert "already has a star" in error.value.message_dict["template"][0]


def test_an_inactive_template_cannot_start_a_star(county):
    template = small_template()
    template.active = False
    template.save()
    with pytest.raises(ValidationError) as error:
        start_star(county.child, county.worker, template=template)
    assert "no longer used" in error.value.message_dict["template"][0]


def test_a_template_outside_the_childs_age_band_is_refused(county):
    template = small_template()
    template.min_age, template.max_age = 13, 18
    template.save()
    with pytest.raises(ValidationError) as error:
        start_star(county.child, county.worker, template=template)  # the child is 10
    assert error.value.message_dict["template"] == ["This template is for ages 13 to 18."]


def test_a_star_cannot_start_in_the_future(county):
    with pytest.raises(ValidationError) as error:
        services.star_start(child=county.child, template=default_template(), actor=county.worker, started_on=days_ago(-1))
    assert error.value.message_dict["started_on"] == ["The date cannot be in the future."]


def test_scale_words_must_be_points_on_the_scale():
    template = StarTemplate(name="Bad words", scale_min=1, scale_max=5, scale_words={"7": "Great"})
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "7 is not a point on the scale 1–5." in error.value.message_dict["scale_words"]


def test_administrators_edit_templates_but_cannot_open_stars_in_the_admin(client, county):
    start_star(county.child, county.worker)
    client.force_login(county.admin)
    template = default_template()
    page = client.get(reverse("admin:outcomes_startemplate_change", args=[template.pk]))
    assert page.status_code == 200 and "Things I do outside home" in page.content.decode()
    assert client.get(reverse("admin:outcomes_star_changelist")).status_code == 403
    assert client.get(reverse("admin:outcomes_checkin_changelist")).status_code == 403


def test_stars_are_read_only_in_the_admin_for_heads_of_service(client, county):
    star = start_star(county.child, county.worker)
    county.head.is_staff = True
    county.head.save(update_fields=["is_staff"])
    client.force_login(county.head)
    assert client.get(reverse("admin:outcomes_star_change", args=[star.pk])).status_code == 200
    response = client.post(reverse("admin:outcomes_star_change", args=[star.pk]), {"started_on": days_ago(1).isoformat()})
    assert response.status_code == 403
    assert client.get(reverse("admin:outcomes_star_delete", args=[star.pk])).status_code == 403
    assert StarArea.objects.filter(star=star).count() == 8
