import pytest

from opp_portal.spreadsheet import safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("https://x")'])
def test_a_cell_that_starts_like_a_formula_stays_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["12AB", "2025-08-25", "", "Jansen", "1001", "a=b"])
def test_an_ordinary_cell_is_left_as_it_is(value):
    assert safe_cell(value) == value
