"""Dutch dates in lower case everywhere (`|short_date`, `|long_date` are template builtins)."""

import datetime

from django.template import Context, Template

from opp_portal.dates import long_date, short_date


def test_dates_are_written_in_lower_case_dutch():
    assert short_date(datetime.date(2025, 10, 20)) == "20 okt. 2025"
    assert short_date(datetime.date(2025, 5, 1)) == "1 mei 2025"  # "mei" has no abbreviation
    assert long_date(datetime.date(2025, 10, 20)) == "20 oktober 2025"
    assert short_date(None) == "" and short_date("geen datum") == ""


def test_every_template_can_use_them_without_loading_anything():
    rendered = Template("{{ day|short_date }} · {{ day|long_date }}").render(Context({"day": datetime.date(2026, 3, 2)}))
    assert rendered == "2 mrt. 2026 · 2 maart 2026"


def test_a_moment_is_shown_as_its_local_day():
    moment = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March in Amsterdam
    assert short_date(moment) == "2 mrt. 2026"
