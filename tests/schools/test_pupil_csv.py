"""Reading and checking a pupil CSV without the database (schools/pupil_csv.py)."""

import datetime

import pytest

from schools.pupil_csv import ImportFileError, parse_csv, parse_date
from tests.factories import csv_pupil_row, pupil_csv, unique_bsn, unique_onderwijsnummer, with_guardian

TODAY = datetime.date(2026, 3, 1)


def rows_of(data: bytes, **kwargs):
    return parse_csv(data, today=TODAY, **kwargs)


def errors_of(data: bytes) -> dict[int, tuple[str, ...]]:
    return {row.line: row.errors for row in rows_of(data) if row.errors}


def file_error(data: bytes, **kwargs) -> str:
    with pytest.raises(ImportFileError) as exc:
        rows_of(data, **kwargs)
    return exc.value.message


def test_a_good_row_is_read_into_clean_values():
    data = pupil_csv([csv_pupil_row(voornaam="Zoë", tussenvoegsel="van der", achternaam="Berg", bsn="111222333",
                                    geboortedatum="14-03-2016", groep="5B", inschrijvingvolgnummer="42")])
    (row,) = rows_of(data)
    assert row.errors == ()
    assert row.line == 2
    assert (row.first_name, row.name_prefix, row.last_name) == ("Zoë", "van der", "Berg")
    assert row.date_of_birth == datetime.date(2016, 3, 14)
    assert row.identifier_key == ("bsn", "111222333")
    assert (row.group, row.sequence_number) == ("5B", "42")


def test_a_bsn_failing_the_elfproef_is_rejected_on_its_line():
    data = pupil_csv([csv_pupil_row(), csv_pupil_row(bsn="123456789")])
    errors = errors_of(data)
    assert list(errors) == [3]
    assert any("elfproef" in reason for reason in errors[3])


@pytest.mark.parametrize("number", ["111222333", "201222331", "101222332", "10122233"])
def test_an_onderwijsnummer_that_breaks_duos_rule_is_rejected(number):
    data = pupil_csv([csv_pupil_row(bsn="", onderwijsnummer=number)])
    assert any("onderwijsnummer is ongeldig" in reason for reason in errors_of(data)[2])


def test_a_valid_onderwijsnummer_is_accepted_instead_of_a_bsn():
    (row,) = rows_of(pupil_csv([csv_pupil_row(bsn="", onderwijsnummer="101222331")]))
    assert row.errors == ()
    assert row.identifier_key == ("onderwijsnummer", "101222331")


def test_a_row_with_both_a_bsn_and_an_onderwijsnummer_is_rejected():
    data = pupil_csv([csv_pupil_row(onderwijsnummer=unique_onderwijsnummer())])
    assert "Vul een BSN of een onderwijsnummer in, niet allebei." in errors_of(data)[2]


def test_a_row_without_a_bsn_or_onderwijsnummer_is_rejected():
    data = pupil_csv([csv_pupil_row(bsn="")])
    assert "Het BSN en het onderwijsnummer ontbreken; vul er één van in." in errors_of(data)[2]


@pytest.mark.parametrize("value", ["31-02-2016", "2016/03/14", "14-3-16", "morgen", "2016-13-01"])
def test_an_impossible_or_unreadable_date_is_rejected_with_the_value(value):
    data = pupil_csv([csv_pupil_row(geboortedatum=value)])
    (reason,) = errors_of(data)[2]
    assert f"De geboortedatum ‘{value}’ is geen geldige datum" in reason


@pytest.mark.parametrize("value", ["2016-03-04", "04-03-2016", "4-3-2016", "4/3/2016", "04.03.2016"])
def test_dates_are_read_as_iso_or_as_day_month_year(value):
    assert parse_date(value) == datetime.date(2016, 3, 4)


def test_a_leaving_date_before_the_enrolment_date_is_rejected():
    data = pupil_csv([csv_pupil_row(inschrijfdatum="2021-08-30", uitschrijfdatum="2021-08-29")])
    assert errors_of(data)[2] == ("De uitschrijfdatum ligt vóór de inschrijfdatum.",)


def test_a_birth_date_in_the_future_or_after_enrolment_is_rejected():
    errors = errors_of(pupil_csv([
        csv_pupil_row(geboortedatum="2027-01-01", inschrijfdatum="2027-08-30"),
        csv_pupil_row(geboortedatum="2021-01-01", inschrijfdatum="2020-08-24"),
    ]))
    assert "De geboortedatum ligt in de toekomst." in errors[2]
    assert errors[3] == ("De geboortedatum ligt na de inschrijfdatum.",)


@pytest.mark.parametrize(
    "column, reason",
    [
        ("voornaam", "De voornaam ontbreekt."),
        ("achternaam", "De achternaam ontbreekt."),
        ("geboortedatum", "De geboortedatum ontbreekt."),
        ("inschrijfdatum", "De inschrijfdatum ontbreekt."),
        ("inschrijvingvolgnummer", "Het inschrijvingvolgnummer ontbreekt."),
    ],
)
def test_a_missing_required_field_is_named(column, reason):
    data = pupil_csv([csv_pupil_row(**{column: ""})])
    assert errors_of(data)[2] == (reason,)


def test_a_row_shows_every_reason_it_has():
    data = pupil_csv([csv_pupil_row(voornaam="", bsn="123456789", inschrijfdatum="1-13-2020")])
    reasons = errors_of(data)[2]
    assert len(reasons) == 3
    assert reasons[0] == "De voornaam ontbreekt."


def test_a_value_longer_than_the_field_is_rejected():
    data = pupil_csv([csv_pupil_row(groep="x" * 21)])
    assert errors_of(data)[2] == ("De waarde in kolom groep is te lang: hoogstens 20 tekens.",)


def test_the_same_bsn_twice_in_the_file_marks_both_lines_and_names_the_other():
    bsn = unique_bsn()
    data = pupil_csv([csv_pupil_row(bsn=bsn), csv_pupil_row(), csv_pupil_row(bsn=bsn)])
    errors = errors_of(data)
    assert errors == {2: ("Dit BSN staat ook op regel 4.",), 4: ("Dit BSN staat ook op regel 2.",)}


def test_the_same_onderwijsnummer_three_times_names_the_other_lines():
    number = unique_onderwijsnummer()
    rows = [csv_pupil_row(bsn="", onderwijsnummer=number) for _ in range(3)]
    assert errors_of(pupil_csv(rows))[3] == ("Dit onderwijsnummer staat ook op de regels 2 en 4.",)


def test_the_same_volgnummer_twice_in_the_file_marks_both_lines_and_names_the_other():
    data = pupil_csv([csv_pupil_row(inschrijvingvolgnummer="77"), csv_pupil_row(inschrijvingvolgnummer="77")])
    assert errors_of(data) == {
        2: ("Inschrijvingvolgnummer 77 staat ook op regel 3.",),
        3: ("Inschrijvingvolgnummer 77 staat ook op regel 2.",),
    }


def test_a_bsn_that_lost_its_leading_zero_in_a_spreadsheet_is_restored():
    (row,) = rows_of(pupil_csv([csv_pupil_row(bsn="10000008")]))  # 010000008 passes the elfproef
    assert row.errors == ()
    assert row.bsn == "010000008"


@pytest.mark.parametrize("written", ["1112.22.333", "111 222 333", "111-222-333", "'111222333"])
def test_a_bsn_written_with_dots_spaces_hyphens_or_a_quote_is_read(written):
    (row,) = rows_of(pupil_csv([csv_pupil_row(bsn=written)]))
    assert (row.errors, row.bsn) == ((), "111222333")


def test_a_guardian_is_read_with_gezag_and_relationship():
    row = with_guardian(csv_pupil_row(), email="Eva@Example.test", gezag="Nee", relatie="voogd")
    (row,) = rows_of(pupil_csv([row]))
    (guardian,) = row.guardians
    assert row.errors == ()
    assert (guardian.email, guardian.has_gezag, guardian.relationship) == ("eva@example.test", False, "voogd")


def test_a_guardian_needs_a_last_name_gezag_a_valid_email_and_phone():
    row = with_guardian(csv_pupil_row(), achternaam="", gezag="misschien", email="geen-adres", telefoon="12")
    reasons = errors_of(pupil_csv([row]))[2]
    assert reasons == (
        "Ouder 1: de achternaam ontbreekt.",
        "Ouder 1: ‘geen-adres’ is geen geldig e-mailadres.",
        "Ouder 1: vul een geldig telefoonnummer in, bijvoorbeeld 06 12345678.",
        "Ouder 1: vul bij gezag ja of nee in.",
    )


def test_two_guardians_of_one_pupil_cannot_share_an_email_address():
    row = with_guardian(with_guardian(csv_pupil_row(), email="gezin@example.test"), slot=2, email="gezin@example.test")
    assert any("hetzelfde e-mailadres" in reason for reason in errors_of(pupil_csv([row]))[2])


@pytest.mark.parametrize(
    "encoding, bom, delimiter",
    [
        ("utf-8", False, ";"), ("utf-8", True, ";"), ("cp1252", False, ";"), ("latin-1", False, ","),
        ("utf-8", True, ","),
    ],
)
def test_utf8_with_or_without_bom_windows_1252_and_commas_are_all_read(encoding, bom, delimiter):
    data = pupil_csv([csv_pupil_row(voornaam="Zoë", achternaam="Daniëls-Öztürk")], encoding=encoding, bom=bom,
                     delimiter=delimiter)
    (row,) = rows_of(data)
    assert row.errors == ()
    assert (row.first_name, row.last_name) == ("Zoë", "Daniëls-Öztürk")


def test_excels_unicode_text_export_utf16_with_tabs_is_read():
    data = pupil_csv([csv_pupil_row(voornaam="Zoë")], delimiter="\t").decode()
    (row,) = rows_of(b"\xff\xfe" + data.encode("utf-16-le"))
    assert (row.errors, row.first_name) == ((), "Zoë")


def test_a_name_with_the_delimiter_inside_quotes_is_one_value_and_lines_count_physical_lines():
    data = (
        "voornaam,achternaam,geboortedatum,bsn,inschrijfdatum,inschrijvingvolgnummer\r\n"
        '"Jan, de tweede","Vries",2016-01-01,111222333,2020-08-24,1\r\n'
        '"Piet","Multi\r\nregel",2016-01-01,123456782,2020-08-24,2\r\n'
        "Kees,,2016-01-01,999990019,2020-08-24,3\r\n"
    ).encode()
    rows = rows_of(data)
    assert [r.line for r in rows] == [2, 3, 5]
    assert rows[0].first_name == "Jan, de tweede"
    assert rows[2].errors == ("De achternaam ontbreekt.",)


def test_header_names_ignore_case_and_spaces_and_unknown_columns_are_skipped():
    data = (
        "Leerlingnummer;VOORNAAM;Achternaam;Geboortedatum;BSN;Inschrijf datum;Inschrijvingsvolgnummer;Groep\n"
        "9;Sanne;Jansen;2016-01-01;111222333;2020-08-24;12;3\n"
    ).encode()
    (row,) = rows_of(data)
    assert row.errors == ()
    assert (row.sequence_number, row.group) == ("12", "3")
    assert "tussenvoegsel" not in row.columns


def test_excels_sep_line_before_the_header_is_understood():
    data = b"sep=,\r\n" + pupil_csv([csv_pupil_row()], delimiter=",")
    (row,) = rows_of(data)
    assert row.errors == ()
    assert row.line == 3


def test_a_missing_required_column_is_one_file_error_naming_it():
    data = pupil_csv([csv_pupil_row()], columns=["voornaam", "achternaam", "bsn", "inschrijfdatum"])
    message = file_error(data)
    assert message.startswith("In de kopregel ontbreken de verplichte kolommen geboortedatum, inschrijvingvolgnummer.")


def test_a_file_without_an_identifier_column_is_a_file_error():
    columns = ["voornaam", "achternaam", "geboortedatum", "inschrijfdatum", "inschrijvingvolgnummer"]
    assert "bsn of onderwijsnummer" in file_error(pupil_csv([csv_pupil_row()], columns=columns))


def test_guardian_columns_need_the_last_name_and_gezag_columns():
    columns = [
        "voornaam", "achternaam", "geboortedatum", "bsn", "inschrijfdatum", "inschrijvingvolgnummer", "ouder1_email",
    ]
    message = file_error(pupil_csv([with_guardian(csv_pupil_row())], columns=columns))
    assert "ouder1_achternaam, ouder1_gezag" in message


def test_a_column_named_twice_is_a_file_error():
    data = b"voornaam;achternaam;ACHTERNAAM;geboortedatum;bsn;inschrijfdatum;inschrijvingvolgnummer\n"
    assert file_error(data) == "De kolom achternaam staat twee keer in de kopregel. Laat er één over."


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n  \r\n"])
def test_an_empty_file_is_a_file_error(data):
    assert file_error(data) == "Het bestand is leeg."


def test_a_file_with_only_a_header_is_a_file_error():
    data = pupil_csv([])
    assert file_error(data) == "Het bestand bevat alleen een kopregel en geen leerlingen."


def test_an_excel_workbook_is_not_taken_for_a_csv():
    assert "Excel-bestand" in file_error(b"PK\x03\x04\x14\x00\x06\x00rest of a zip")


def test_a_binary_file_is_not_a_csv():
    assert file_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").startswith("Dit is geen CSV-bestand.")


def test_more_rows_than_the_cap_is_a_file_error():
    data = pupil_csv([csv_pupil_row() for _ in range(4)])
    assert file_error(data, max_rows=3) == "Het bestand bevat meer dan 3 leerlingen. Splits het in kleinere bestanden."


def test_blank_lines_are_skipped():
    data = pupil_csv([csv_pupil_row()]) + b";;;;;;;;;\r\n\r\n"
    assert len(rows_of(data)) == 1


def test_a_row_with_more_values_than_the_header_is_rejected():
    data = pupil_csv([csv_pupil_row()], columns=["voornaam", "achternaam", "geboortedatum", "bsn", "inschrijfdatum",
                                                  "inschrijvingvolgnummer"])
    data += "Jan;de Vries;Bakker;2016-01-01;111222333;2020-08-24;5\r\n".encode()
    assert "Deze regel heeft 7 velden en de kopregel 6." in errors_of(data)[3][0]


def test_an_enrolment_date_of_9999_12_31_is_a_row_error():
    from tests.factories import csv_pupil_row, pupil_csv

    [row] = parse_csv(pupil_csv([csv_pupil_row(inschrijfdatum="9999-12-31")]))
    assert any("te ver in de toekomst" in reason for reason in row.errors)
    assert row.enrolment_date is None
