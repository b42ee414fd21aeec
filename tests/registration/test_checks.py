"""Every check before export: a failing period is held back with a Dutch reason and comes back once fixed."""

import datetime

from registration.models import HeldBackRecord
from registration.validation import Period, check_enrolment, check_period
from schools.models import Enrolment, Pupil, School
from tests.factories import make_onderwijsnummer

from .helpers import csv_rows, deliver, export

INVALID_BSN = "123456789"  # weighted sum 147, not divisible by 11


def _held(batch) -> list[HeldBackRecord]:
    return list(HeldBackRecord.objects.filter(batch=batch))


def test_a_pupil_with_an_invalid_bsn_is_held_back_with_the_elfproef_reason(rod):
    opp = rod.period()
    Pupil.objects.filter(pk=opp.pupil_id).update(bsn=INVALID_BSN)
    batch = export(rod)
    assert batch.exported_count == 0 and batch.held_back_count == 1
    [record] = _held(batch)
    assert record.pupil_uuid == opp.pupil.uuid and record.code == "bsn"
    assert "elfproef" in record.reason


def test_a_held_back_period_comes_back_in_the_next_export_once_fixed(rod):
    opp = rod.period()
    good_bsn = opp.pupil.bsn
    Pupil.objects.filter(pk=opp.pupil_id).update(bsn=INVALID_BSN)
    deliver(rod, export(rod))  # delivering a batch that held it back does not make it delivered
    Pupil.objects.filter(pk=opp.pupil_id).update(bsn=good_bsn)
    batch = export(rod)
    assert [(r["leerling"], r["mutatie"]) for r in csv_rows(batch)] == [(str(opp.pupil.uuid), "nieuw")]
    assert batch.held_back_count == 0


def test_a_valid_onderwijsnummer_is_exported_instead_of_a_bsn(rod):
    pupil = rod.pupil(bsn=None, onderwijsnummer=make_onderwijsnummer())
    rod.period(pupil=pupil)
    [row] = csv_rows(export(rod))
    assert row["bsn"] == "" and row["onderwijsnummer"] == pupil.onderwijsnummer


def test_an_invalid_onderwijsnummer_is_held_back(rod):
    pupil = rod.pupil(bsn=None, onderwijsnummer=make_onderwijsnummer())
    rod.period(pupil=pupil)
    bad = pupil.onderwijsnummer[:8] + str((int(pupil.onderwijsnummer[8]) + 1) % 10)
    Pupil.objects.filter(pk=pupil.pk).update(onderwijsnummer=bad)
    [record] = _held(export(rod))
    assert record.code == "onderwijsnummer" and "onderwijsnummer" in record.reason


def test_an_invalid_brin_is_held_back(rod):
    rod.period()
    School.objects.filter(pk=rod.school.pk).update(brin="9XAB")
    [record] = _held(export(rod))
    assert record.code == "brin" and "BRIN" in record.reason


def test_an_invalid_vestiging_is_held_back(rod):
    rod.period()
    School.objects.filter(pk=rod.school.pk).update(vestiging="0A")
    [record] = _held(export(rod))
    assert record.code == "vestiging" and "vestigingsnummer" in record.reason


def test_a_begin_date_before_the_enrolment_date_is_held_back_and_returns_once_fixed(rod):
    opp = rod.period(begin=datetime.date(2024, 8, 1))  # enrolled on 26 August 2024
    [record] = _held(export(rod))
    assert record.code == "begin_before_enrolment"
    assert "01-08-2024" in record.reason and "26-08-2024" in record.reason
    opp.adopted_on = datetime.date(2024, 9, 2)
    opp.save()
    assert [r["mutatie"] for r in csv_rows(export(rod))] == ["nieuw"]


def test_overlapping_periods_of_one_enrolment_are_both_held_back(rod):
    pupil = rod.pupil()
    rod.period(pupil=pupil, begin=datetime.date(2024, 9, 2), end=datetime.date(2025, 2, 1))
    rod.period(pupil=pupil, begin=datetime.date(2025, 1, 6), end=datetime.date(2025, 6, 1))
    batch = export(rod)
    assert batch.exported_count == 0
    assert sorted(r.code for r in _held(batch)) == ["overlap", "overlap"]
    assert all("overlapt" in r.reason for r in _held(batch))


def test_periods_that_follow_each_other_do_not_overlap(rod):
    pupil = rod.pupil()
    rod.period(pupil=pupil, begin=datetime.date(2024, 9, 2), end=datetime.date(2025, 1, 5))
    rod.period(pupil=pupil, begin=datetime.date(2025, 1, 6))
    batch = export(rod)
    assert batch.exported_count == 2 and batch.held_back_count == 0


def test_one_failing_period_holds_back_its_whole_enrolment_so_duo_never_gets_a_partial_list(rod):
    pupil = rod.pupil()
    rod.period(pupil=pupil, begin=datetime.date(2024, 8, 1), end=datetime.date(2024, 9, 1))
    rod.period(pupil=pupil, begin=datetime.date(2025, 1, 6))
    other = rod.period()
    batch = export(rod)
    assert [r["leerling"] for r in csv_rows(batch)] == [str(other.pupil.uuid)]
    assert sorted(r.code for r in _held(batch)) == ["begin_before_enrolment", "enrolment_held_back"]


def test_more_than_100_periods_in_one_enrolment_are_held_back(rod):
    pupil = rod.pupil(enrolment_date=datetime.date(2000, 1, 1))
    day = datetime.date(2000, 1, 3)
    for _ in range(101):
        rod.period(pupil=pupil, begin=day, end=day + datetime.timedelta(days=1))
        day += datetime.timedelta(days=7)
    batch = export(rod)
    assert batch.exported_count == 0 and batch.held_back_count == 101
    assert {r.code for r in _held(batch)} == {"too_many"}
    assert "hoogstens 100" in _held(batch)[0].reason


def test_exactly_100_periods_in_one_enrolment_are_exported(rod):
    pupil = rod.pupil(enrolment_date=datetime.date(2000, 1, 1))
    day = datetime.date(2000, 1, 3)
    for _ in range(100):
        rod.period(pupil=pupil, begin=day, end=day + datetime.timedelta(days=1))
        day += datetime.timedelta(days=7)
    assert export(rod).exported_count == 100


def _period(**overrides) -> Period:
    values = dict(opp_key=1, opp_uuid="u", pupil_uuid="p", school_id=1, enrolment_key=1, brin="12AB",
                  vestiging="00", sequence_number="1", bsn="111222333", onderwijsnummer="",
                  begin=datetime.date(2025, 1, 6), end=None, enrolment_date=datetime.date(2024, 8, 26))
    values.update(overrides)
    return Period(**values)


def test_an_end_date_before_the_begin_date_is_refused_with_a_dutch_reason():
    # The plans table refuses such a row itself (opp_end_not_before_begin), so the check is tested directly.
    problems = check_period(_period(end=datetime.date(2025, 1, 1)))
    assert problems == [("end_before_begin", "De einddatum (01-01-2025) ligt vóór de begindatum (06-01-2025).")]


def test_a_valid_period_passes_every_check():
    period = _period()
    check_enrolment([period])
    assert period.problems == []


def test_a_pupil_without_any_identifier_is_refused():
    assert check_period(_period(bsn=""))[0][0] == "identifier"


def test_the_enrolment_of_a_plan_is_the_one_covering_its_begin_date(rod):
    pupil = rod.pupil(enrolment_date=datetime.date(2020, 8, 24))
    Enrolment.objects.filter(pupil=pupil).update(leaving_date=datetime.date(2022, 7, 1), sequence_number="OLD")
    Enrolment.objects.create(pupil=pupil, school=rod.school, sequence_number="NEW",
                             enrolment_date=datetime.date(2023, 8, 28))
    rod.period(pupil=pupil, begin=datetime.date(2021, 3, 1), end=datetime.date(2021, 9, 1))
    rod.period(pupil=pupil, begin=datetime.date(2024, 3, 1))
    rows = csv_rows(export(rod))
    assert [(r["inschrijvingvolgnummer"], r["datum_begin"]) for r in rows] == [
        ("OLD", "2021-03-01"), ("NEW", "2024-03-01")]


def test_an_ended_plan_is_registered_with_both_dates(rod):
    rod.period(begin=datetime.date(2024, 9, 2), end=datetime.date(2025, 3, 3))
    [row] = csv_rows(export(rod))
    assert (row["datum_begin"], row["datum_einde"]) == ("2024-09-02", "2025-03-03")
