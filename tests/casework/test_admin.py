"""The admin: administrators manage staff and teams, never case content; heads of service audit read-only."""

import pytest
from django.urls import reverse

from casework.models import RecordView
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_in_admin(county):
    county.head.is_staff = True
    county.head.save(update_fields=["is_staff"])
    return county.head


def test_administrator_manages_staff_accounts_and_teams(client, county):
    client.force_login(county.admin)
    assert client.get(reverse("admin:casework_user_changelist")).status_code == 200
    assert client.get(reverse("admin:casework_team_changelist")).status_code == 200


@pytest.mark.parametrize(
    "model", ["child", "visit", "allocation", "recordview", "familymember", "childaccount", "sharedrecord", "recordcheck"]
)
def test_administrator_cannot_open_case_records_in_the_admin(client, county, model):
    client.force_login(county.admin)
    assert client.get(reverse(f"admin:casework_{model}_changelist")).status_code == 403
    body = client.get(reverse("admin:index")).content.decode()
    assert county.child.last_name not in body


def test_administrator_never_sees_a_childs_own_sign_in(client, county):
    account = factories.ChildAccountFactory(child=county.child, user__username="young.sign.in")
    client.force_login(county.admin)

    listing = client.get(reverse("admin:casework_user_changelist"))

    assert "young.sign.in" not in listing.content.decode()
    assert client.get(reverse("admin:casework_user_change", args=[account.user.pk])).status_code in (302, 404)


def test_nobody_can_delete_a_staff_account_or_a_child_in_the_admin(client, county, head_in_admin):
    client.force_login(county.admin)
    assert client.get(reverse("admin:casework_user_delete", args=[county.worker.pk])).status_code == 403
    client.force_login(head_in_admin)
    assert client.get(reverse("admin:casework_child_delete", args=[county.child.pk])).status_code == 403
    assert client.post(reverse("admin:casework_child_change", args=[county.child.pk]), {"first_name": "X"}).status_code == 403


def test_head_of_service_sees_who_viewed_a_childs_record(client, county, head_in_admin):
    client.force_login(county.teammate)
    client.get(reverse("casework:child-detail", args=[county.child.pk]))
    client.force_login(head_in_admin)
    body = client.get(reverse("admin:casework_recordview_changelist")).content.decode()
    assert RecordView.objects.filter(user=county.teammate, child=county.child).exists()
    assert county.teammate.username in body or str(county.teammate) in body
