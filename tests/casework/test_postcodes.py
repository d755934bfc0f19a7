"""Postcodes and councils from data-to-insight's reference data, as the DfE's validator reads them."""

from decimal import Decimal

import pytest

from casework import postcodes


@pytest.mark.parametrize(
    ("written", "tidy"), [("wr53da", "WR5 3DA"), ("W1 3PF", "W1 3PF"), ("sw1a 1aa", "SW1A 1AA"), ("nope", "")]
)
def test_a_postcode_is_written_as_people_write_it(written, tidy):
    assert postcodes.tidy(written) == tidy


def test_a_postcode_is_found_with_its_council_or_its_country():
    assert postcodes.find("WR5 3DA").local_authority == "E10000034"  # Worcester: Worcestershire, the upper tier
    assert postcodes.find("B1 1AA").local_authority == "E08000025"  # Birmingham
    assert postcodes.find("CF10 1AA").local_authority == "WAL"
    assert postcodes.authority_name("E10000034") == "Worcestershire"


def test_a_postcode_the_data_does_not_hold_is_not_found():
    assert postcodes.find("WR99 9ZZ") is None
    assert postcodes.find("not one") is None
    assert postcodes.find("") is None


def test_the_distance_is_the_guidances_straight_line_in_miles():
    worcester, birmingham = postcodes.find("WR5 3DA"), postcodes.find("B1 1AA")
    # sqrt((384941 - 406649)² + (253880 - 286530)²) / 1000 / 1.6093, to one place
    assert postcodes.distance_miles(worcester, birmingham) == Decimal("24.4")
    assert postcodes.distance_miles(worcester, worcester) == Decimal("0.0")
