"""The DfE's SSDA903 validator, run in its own Python over a return Hearth built through its services."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework import codes
from casework import services as casework_services
from casework.models import Child
from placements import export, validation
from tests.conftest import County
from tests.placements import factories, returns

pytestmark = pytest.mark.django_db
d = datetime.date
YEAR = 2026  # the validator's year: the collection ending 31 March 2026 (2025/26)


@pytest.fixture
def child(county: County) -> Child:
    """Referred on 1 May 2025, in care from 2 June under a care order, with foster carers from that day."""
    child = casework_services.child_create(
        actor=county.worker, worker=county.worker, allocated_on=d(2025, 5, 1), first_name="Robin", last_name="Newchild",
        date_of_birth=d(2016, 4, 2), sex=codes.Sex.FEMALE, ethnicity=codes.Ethnicity.WBRI, upn="A123456789012",
        home_postcode="WR1 2AA",
    )  # fmt: skip
    returns.care_start(child=child, actor=county.worker, started_on=d(2025, 6, 2), legal_status="C2", category_of_need="N1")
    factories.move(child, factories.HomeFactory(), d(2025, 6, 2), county.worker)
    return child


def the_return(county: County, child: Child) -> export.Return:
    """The 2025/26 return with only this child in it (the county fixture's own children have no homes)."""
    return returns.only(export.ssda903_build(user=county.head, year=YEAR - 1), child)


def test_a_wrong_ethnicity_is_the_validators_issue_for_that_child_and_field(county, child):
    result = the_return(county, child)
    before = validation.ssda903_validate(result, year=YEAR)
    result.header[0]["ETHNIC"] = "WXYZ"  # no such code in the 903
    after = validation.ssda903_validate(result, year=YEAR)
    ethnicity = [issue for issue in after.issues if issue.rule == "103"]
    assert [(issue.child, issue.table, issue.fields) for issue in ethnicity] == [(str(child.pk), "Header", ("ETHNIC",))]
    assert ethnicity[0].message == "The ethnicity code is either not valid or has not been entered."
    assert "103" not in dict(before.by_rule())
    assert set(after.by_rule()) - set(before.by_rule()) == {("103", 1)}
    assert len(after.run) > 100  # it ran the year's rules over the return, and did not stop
    assert set(after.not_run) <= {"231", "233"}  # 0.1.17's two rules that crash on every return


def test_the_command_prints_the_issues_per_rule_and_the_totals(county, child):
    out = StringIO()
    call_command("check_ssda903", year=YEAR, user=county.head.username, stdout=out)
    lines = out.getvalue().splitlines()
    issues, rules = re.fullmatch(r"SSDA903 2025/26: (\d+) issues from (\d+) rules", lines[0]).groups()
    counts = [int(line.split()[0]) for line in lines[1 : 1 + int(rules)]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == int(issues) > 0
    assert lines[1 + int(rules)].startswith("Children in the return: ")
    assert re.match(r"Rules: \d+ in the 2025/26 set, \d+ ran, \d+ skipped", lines[2 + int(rules)])


def test_only_a_head_of_service_may_check_the_return(county):
    with pytest.raises(CommandError, match="head of service"):
        call_command("check_ssda903", year=YEAR, user=county.worker.username, stdout=StringIO())


def test_a_missing_validator_is_a_clear_error(county, child, settings, tmp_path):
    settings.HEARTH_SSDA903_VALIDATOR_PYTHON = str(tmp_path / "no-such-python")
    with pytest.raises(validation.ValidatorError, match="bin/setup-validator"):
        validation.ssda903_check(user=county.head, year=YEAR)
