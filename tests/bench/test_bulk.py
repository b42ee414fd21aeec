import datetime
import uuid

import pytest

from bench.bulk import DatasetError, Table, bsns
from schools.identifiers import is_valid_bsn
from schools.models import Pupil

NOW = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def test_generated_bsns_pass_the_elfproef_and_never_repeat():
    numbers = [bsn for bsn, _ in zip(bsns(20_000_000), range(20_000))]
    assert all(is_valid_bsn(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert numbers == sorted(numbers)


def test_a_table_fills_every_column_it_is_not_given_from_the_model():
    table = Table(Pupil, ["id", "first_name", "last_name", "date_of_birth", "bsn"], now=NOW)
    assert set(table.columns) == {f.column for f in Pupil._meta.concrete_fields}
    first = dict(zip(table.columns, table.full_row((1, "Sem", "Jong", datetime.date(2016, 3, 1), "111222333"))))
    second = dict(zip(table.columns, table.full_row((2, "Noor", "Bos", datetime.date(2016, 4, 1), "123456782"))))
    assert isinstance(first["uuid"], uuid.UUID) and first["uuid"] != second["uuid"]
    assert first["created_at"] == first["updated_at"] == NOW
    assert first["name_prefix"] == "" and first["onderwijsnummer"] is None and first["user_id"] is None


def test_a_required_field_without_a_value_stops_the_build_with_its_name():
    with pytest.raises(DatasetError, match="schools.Pupil.last_name"):
        Table(Pupil, ["id", "first_name", "date_of_birth", "bsn"], now=NOW)


def test_json_values_are_written_as_json_text():
    from plans.models import OppVersion

    table = Table(OppVersion, ["id", "opp_id", "number", "content", "content_hash", "created_by_id"], now=NOW)
    row = dict(zip(table.columns, table.full_row((1, 1, 1, {"kind": "extra_support", "ä": True}, "x", None))))
    assert row["content"] == '{"kind": "extra_support", "ä": true}'


def test_a_grown_pupils_volgnummer_never_clashes_with_the_demos_whatever_id_the_database_hands_out():
    from bench.dataset import sequence_number

    # The demo numbers each school's pupils 1001, 1002, ...; the grown pupils' ids may land on the same numbers.
    grown = [sequence_number(pupil_id) for pupil_id in range(1, 20_000)]
    assert len(set(grown)) == len(grown)
    assert not set(grown) & {str(n) for n in range(1, 100_000)}
    assert max(len(number) for number in grown) <= 20  # DUO's Volgnummer
