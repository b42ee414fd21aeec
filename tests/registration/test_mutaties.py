"""Every mutatie: what changed since the last DELIVERED export."""

import datetime

from plans.models import OppKind, OppStatus
from registration.models import BatchKind, BatchState, ExportedPeriod

from .helpers import csv_rows, deliver, export, mutaties


def test_a_new_adopted_plan_is_exported_as_nieuw(rod):
    opp = rod.period()
    batch = export(rod)
    assert batch.state == BatchState.READY
    rows = csv_rows(batch)
    assert [r["mutatie"] for r in rows] == ["nieuw"]
    assert rows[0]["leerling"] == str(opp.pupil.uuid)
    assert rows[0]["datum_begin"] == "2025-01-06" and rows[0]["datum_einde"] == ""
    assert batch.exported_count == 1 and batch.held_back_count == 0


def test_a_period_stays_new_until_a_batch_is_marked_delivered(rod):
    rod.period()
    export(rod)
    assert mutaties(export(rod)) == ["nieuw"]


def test_after_delivery_an_unchanged_period_is_not_in_a_changes_export(rod):
    rod.period()
    deliver(rod, export(rod))
    batch = export(rod)
    assert batch.exported_count == 0 and mutaties(batch) == []


def test_an_end_date_added_after_delivery_is_beeindigd(rod):
    opp = rod.period()
    deliver(rod, export(rod))
    opp.ended_on = datetime.date(2025, 6, 30)
    opp.status = OppStatus.BEEINDIGD
    opp.save()
    rows = csv_rows(export(rod))
    assert [(r["mutatie"], r["datum_einde"]) for r in rows] == [("beeindigd", "2025-06-30")]


def test_a_corrected_begin_date_is_gewijzigd(rod):
    opp = rod.period()
    deliver(rod, export(rod))
    opp.adopted_on = datetime.date(2025, 1, 13)
    opp.save()
    rows = csv_rows(export(rod))
    assert [(r["mutatie"], r["datum_begin"]) for r in rows] == [("gewijzigd", "2025-01-13")]


def test_a_corrected_end_date_is_gewijzigd(rod):
    opp = rod.period(end=datetime.date(2025, 6, 30))
    deliver(rod, export(rod))
    opp.ended_on = datetime.date(2025, 7, 4)
    opp.save()
    assert mutaties(export(rod)) == ["gewijzigd"]


def test_a_removed_period_is_verwijderd_with_its_delivered_identifiers(rod):
    opp = rod.period()
    deliver(rod, export(rod))
    opp.delete()
    batch = export(rod)
    rows = csv_rows(batch)
    assert [(r["mutatie"], r["datum_begin"], r["bsn"]) for r in rows] == [("verwijderd", "2025-01-06", opp.pupil.bsn)]
    deliver(rod, batch)
    assert export(rod).exported_count == 0


def test_a_plan_turned_internal_after_delivery_is_verwijderd(rod):
    opp = rod.period()
    deliver(rod, export(rod))
    opp.kind = OppKind.BASISONDERSTEUNING
    opp.save()
    assert mutaties(export(rod)) == ["verwijderd"]


def test_a_full_export_lists_unchanged_periods_as_ongewijzigd_and_changes_as_such(rod):
    unchanged = rod.period()
    ending = rod.period()
    deliver(rod, export(rod))
    ending.ended_on = datetime.date(2025, 3, 1)
    ending.status = OppStatus.BEEINDIGD
    ending.save()
    fresh = rod.period()
    rows = csv_rows(export(rod, kind=BatchKind.FULL))
    by_pupil = {r["leerling"]: r["mutatie"] for r in rows}
    assert by_pupil == {str(unchanged.pupil.uuid): "ongewijzigd", str(ending.pupil.uuid): "beeindigd",
                        str(fresh.pupil.uuid): "nieuw"}


def test_ongewijzigd_never_appears_in_a_changes_export(rod):
    rod.period()
    rod.period()
    deliver(rod, export(rod))
    rod.period()
    assert mutaties(export(rod)) == ["nieuw"]


def test_the_next_changes_export_starts_from_the_last_delivered_one_not_the_last_built(rod):
    opp = rod.period()
    deliver(rod, export(rod))
    opp.ended_on = datetime.date(2025, 5, 1)
    opp.status = OppStatus.BEEINDIGD
    opp.save()
    first = export(rod)
    assert mutaties(first) == ["beeindigd"]
    # Not delivered: the end date is still a change.
    assert mutaties(export(rod)) == ["beeindigd"]


def test_a_batch_records_exactly_the_periods_it_exported(rod):
    rod.period()
    rod.period()
    batch = export(rod)
    assert ExportedPeriod.objects.filter(batch=batch).count() == 2
    assert set(ExportedPeriod.objects.filter(batch=batch).values_list("mutatie", flat=True)) == {"nieuw"}
