"""The SSDA903 return for a small hand-built case: columns, episodes cut at each change, dd/mm/YYYY dates."""

import csv
import datetime
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from placements import export
from tests import factories as cw
from tests.placements import factories

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def case(county):
    """In care from 10 May 2024 (section 20), care order from 1 July; foster carers, then an IFA from
    1 September (carer asked), home on 1 February 2025. One worker change on 1 August 2024."""
    child = cw.ChildFactory(date_of_birth=d(2012, 3, 4), sex="M", ethnicity="WBRI", upn="A999123456789", home_postcode="WR1 2AA")
    cw.CareEpisodeFactory(child=child, started_on=d(2024, 5, 10), ended_on=d(2025, 2, 1))
    cw.LegalStatusFactory(child=child, code="V2", started_on=d(2024, 5, 10), ended_on=d(2024, 7, 1))
    cw.LegalStatusFactory(child=child, code="C2", started_on=d(2024, 7, 1), ended_on=d(2025, 2, 1))
    foster = factories.HomeFactory(postcode="WR5 3DA", urn="SC100001")
    ifa = factories.HomeFactory(
        provider=factories.ProviderFactory(provider_code="PR4"), rung=4, place_code="U4", postcode="B12 9AA", urn="SC100002"
    )
    factories.PlacementEpisodeFactory(child=child, home=foster, started_on=d(2024, 5, 10), ended_on=d(2024, 9, 1))
    factories.PlacementEpisodeFactory(
        child=child, home=ifa, started_on=d(2024, 9, 1), ended_on=d(2025, 2, 1), reason_place_change="CREQO", rec="E4A"
    )
    cw.AllocationFactory(
        child=child, worker=county.worker, started_on=d(2024, 5, 10), ended_on=d(2024, 8, 1), end_reason="LEFTRL"
    )
    cw.AllocationFactory(child=child, worker=county.teammate, started_on=d(2024, 8, 1))
    return child


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_episodes_start_at_each_change_of_legal_status_or_home(county, case):
    result = export.ssda903_build(user=county.head, year=2024)
    episodes = [row for row in rows(result.csv("episodes")) if row["CHILD"] == str(case.pk)]
    assert [(e["DECOM"], e["RNE"], e["LS"], e["PLACE"], e["PLACE_PROVIDER"], e["DEC"], e["REC"]) for e in episodes] == [
        ("10/05/2024", "S", "V2", "U6", "PR1", "01/07/2024", "X1"),
        ("01/07/2024", "L", "C2", "U6", "PR1", "01/09/2024", "X1"),
        ("01/09/2024", "P", "C2", "U4", "PR4", "01/02/2025", "E4A"),
    ]
    # The reason for the move is on the episode the move ends (rule 225).
    assert [e["REASON_PLACE_CHANGE"] for e in episodes] == ["", "CREQO", ""]
    assert [e["HOME_POST"] for e in episodes] == ["WR1 2AA"] * 3
    assert [e["PL_POST"] for e in episodes] == ["WR5 3DA", "WR5 3DA", "B12 9AA"]
    assert [e["URN"] for e in episodes] == ["SC100001", "SC100001", "SC100002"]
    assert {e["CIN"] for e in episodes} == {"N1"}  # as recorded when care started


def test_the_header_and_social_worker_tables_have_the_903_columns(county, case):
    result = export.ssda903_build(user=county.head, year=2024)
    header = rows(result.csv("header"))
    assert list(header[0]) == list(export.HEADER)
    mine = next(row for row in header if row["CHILD"] == str(case.pk))
    assert (mine["SEX"], mine["DOB"], mine["ETHNIC"], mine["UPN"]) == ("M", "04/03/2012", "WBRI", "A999123456789")
    workers = [row for row in rows(result.csv("social_workers")) if row["CHILD"] == str(case.pk)]
    assert list(workers[0]) == list(export.SOCIAL_WORKERS)
    # SW_REASON is why this worker became the child's: the first is a first contact; the second came as the first left.
    assert [(w["SW_ID"], w["SW_DECOM"], w["SW_DEC"], w["SW_REASON"]) for w in workers] == [
        (county.worker.social_work_england_id, "10/05/2024", "01/08/2024", "FCONTA"),
        (county.teammate.social_work_england_id, "01/08/2024", "", "LEFTRL"),
    ]
    assert list(rows(result.csv("episodes"))[0]) == list(export.EPISODES)


def test_a_year_before_the_child_came_into_care_leaves_them_out(county, case):
    result = export.ssda903_build(user=county.head, year=2022)
    assert str(case.pk) not in {row["CHILD"] for row in result.header}


def test_an_ongoing_episode_at_the_year_end_has_no_end_date(county, case):
    result = export.ssda903_build(user=county.head, year=2024 - 0)
    episodes = [row for row in result.episodes if row["CHILD"] == case.pk]
    assert episodes[-1]["DEC"] == "01/02/2025"  # ended inside the year
    later = cw.ChildFactory()
    cw.CareEpisodeFactory(child=later, started_on=d(2025, 1, 1))
    factories.PlacementEpisodeFactory(child=later, started_on=d(2025, 1, 1))
    episode = next(row for row in export.ssda903_build(user=county.head, year=2024).episodes if row["CHILD"] == later.pk)
    assert (episode["DECOM"], episode["DEC"], episode["REC"]) == ("01/01/2025", "", "")


@pytest.mark.parametrize("who", ["worker", "manager", "admin"])
def test_only_a_head_of_service_may_produce_the_return(county, who):
    with pytest.raises(PermissionDenied):
        export.ssda903_build(user=getattr(county, who), year=2024)


def test_the_command_writes_a_csv_file_for_each_table(county, case, tmp_path: Path):
    call_command("ssda903", year=2024, user=county.head.username, out=str(tmp_path), stdout=StringIO())
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"{table}_2024.csv" for table in export.TABLES)
    assert len(export.TABLES) == 11  # every table of the return
    assert (tmp_path / "episodes_2024.csv").read_text().startswith(",".join(export.EPISODES))
