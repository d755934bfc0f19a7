"""The dashboard's measures and exports read from the read replica when there is one, and nothing else does.

One PostgreSQL stands in for both: the test settings name the test database a second time, as `replica` (a
test mirror of `default`), and each test asks which connection its queries ran on. The rows are committed
(transaction=True) because the replica is another connection, as a real standby would be."""

import csv
import io

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import RecordView
from config.replica import read_alias

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

WRITES = ("INSERT", "UPDATE", "DELETE")


def tables_read(queries: list[dict[str, str]]) -> str:
    return " ".join(query["sql"] for query in queries)


@pytest.fixture
def with_replica(settings):
    settings.HEARTH_READ_REPLICA = "replica"
    settings.HEARTH_DASHBOARD_CONNECTIONS = 1  # every measure on this thread's connection, where it can be seen


def test_the_dashboard_reads_its_measures_from_the_replica(with_replica, client, county):
    client.force_login(county.head)
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(reverse("casework:dashboard"))
    assert response.status_code == 200
    assert "Statutory visits" in response.content.decode()
    assert len(replica) > 10
    assert "casework_visit" in tables_read(replica.captured_queries)
    # The primary only answered who is signed in.
    assert "casework_visit" not in tables_read(primary.captured_queries)
    assert "casework_child" not in tables_read(primary.captured_queries)


def test_several_connections_share_one_snapshot_of_the_replica(with_replica, settings, client, county):
    settings.HEARTH_DASHBOARD_CONNECTIONS = 2
    client.force_login(county.head)
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(reverse("casework:dashboard"))
    assert response.status_code == 200
    assert "pg_export_snapshot" in tables_read(replica.captured_queries)
    assert "pg_export_snapshot" not in tables_read(primary.captured_queries)


def test_exports_read_from_the_replica_and_log_the_look_on_the_primary(with_replica, client, county):
    client.force_login(county.manager)
    url = reverse("casework:dashboard-children-csv", args=["statutory-visits"])
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(url, {"part": "overdue"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))  # read as it is sent
    assert [row[0] for row in rows[1:]] == [str(county.child.pk)]
    assert read_alias() == "default"  # the block ended with the export: the next request reads the primary
    assert "casework_child" in tables_read(replica.captured_queries)
    assert not [query for query in replica.captured_queries if query["sql"].lstrip().upper().startswith(WRITES)]
    assert any(query["sql"].startswith("INSERT") for query in primary.captured_queries)  # the access log
    assert RecordView.objects.filter(user=county.manager, page__startswith=url).exists()
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        measure = client.get(reverse("casework:dashboard-measure-csv", args=["statutory-visits"]))
        b"".join(measure.streaming_content)
    assert measure.status_code == 200
    assert "casework_visit" in tables_read(replica.captured_queries)
    assert "casework_visit" not in tables_read(primary.captured_queries)


def test_without_a_replica_everything_reads_from_the_primary(settings, client, county):
    assert settings.HEARTH_READ_REPLICA == ""
    client.force_login(county.head)
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        assert client.get(reverse("casework:dashboard")).status_code == 200
    assert len(replica) == 0
    assert "casework_visit" in tables_read(primary.captured_queries)


def test_other_pages_read_from_the_primary_even_with_a_replica(with_replica, client, county):
    client.force_login(county.worker)
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(reverse("casework:caseload")).status_code == 200
    assert len(replica) == 0
