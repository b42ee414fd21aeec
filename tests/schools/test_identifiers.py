import pytest

from schools.identifiers import is_valid_brin, is_valid_bsn, is_valid_onderwijsnummer, is_valid_vestiging
from tests.factories import make_bsn, make_onderwijsnummer


def test_reference_example_bsn_passes_the_elfproef():
    assert is_valid_bsn("111222333")


@pytest.mark.parametrize("value", ["111222334", "12345678", "1234567890", "11122233a", "", "000000000"])
def test_bsn_that_fails_the_elfproef_or_format_is_refused(value):
    assert not is_valid_bsn(value)


def test_reference_example_onderwijsnummer_passes_its_rule():
    assert is_valid_onderwijsnummer("101222331")


@pytest.mark.parametrize("value", ["101222332", "111222333", "10122233", "201222331"])
def test_onderwijsnummer_not_starting_with_10_or_failing_the_sum_is_refused(value):
    assert not is_valid_onderwijsnummer(value)


def test_generated_identifiers_are_valid():
    for _ in range(200):
        assert is_valid_bsn(make_bsn())
        assert is_valid_onderwijsnummer(make_onderwijsnummer())


@pytest.mark.parametrize("brin,ok", [("99AA", True), ("12AB", True), ("9AAA", False), ("99aa", False), ("99A1", False)])
def test_brin_is_two_digits_and_two_capitals(brin, ok):
    assert is_valid_brin(brin) is ok


@pytest.mark.parametrize("vestiging,ok", [("00", True), ("01", True), ("0", False), ("A0", False)])
def test_vestiging_is_two_digits(vestiging, ok):
    assert is_valid_vestiging(vestiging) is ok
