"""Words that slipped (issue 21): what a page says is what a person would write, not a route name or a lower-case "i"."""

import pytest
from django.urls import reverse

from casework.forms import field_label
from casework.models import Child, RecordView

pytestmark = pytest.mark.django_db


def test_a_label_keeps_its_capital_i() -> None:
    assert field_label(Child, "proud_of") == "Things I am proud of"
    assert field_label(Child, "how_i_like_to_be_spoken_to") == "How I like to be spoken to"


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("api:child-detail", "The API: child detail"),
        ("me:record:1", "The child's own pages, signed in as the child: record no. 1"),
        ("visit:12:amend", "A visit: no. 12 amend"),
        ("access-log", "Who has viewed this record"),
        ("/?q=Jon", "A list: /?q=Jon"),
        ("something-new:7", "Something new: no. 7"),
    ],
)
def test_the_access_log_says_in_words_what_was_opened(page: str, words: str) -> None:
    assert RecordView(page=page).page_in_words == words


def test_the_access_log_page_shows_words_not_route_names(client, county) -> None:
    RecordView.objects.create(user=county.worker, child=county.child, page="api:my-words")
    client.force_login(county.head)
    page = client.get(reverse("casework:child-access-log", args=[county.child.pk])).content.decode()
    assert "The API: my words" in page and "api:my-words" not in page
