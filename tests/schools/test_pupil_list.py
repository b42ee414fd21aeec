"""The staff's pupil list read cheaply (issue 12): the rows built in Python, the page read by the copy of the
pupil's name beside the enrolment (PostgreSQL), the shown enrolments by the page's ids. Each shows what the
straightforward reading showed."""

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.template import Context, Template
from django.urls import reverse

from schools import transfers
from schools.models import Enrolment, Pupil, School
from schools.pupil_csv import parse_csv
from schools.pupil_import import import_pupils
from schools.templatetags.schools_pupils import pupil_rows
from schools.views.pupils import PAGE_SIZE, PupilRow
from tests.factories import (
    EnrolmentFactory,
    PupilFactory,
    SchoolFactory,
    csv_pupil_row,
    enrolled_pupil,
    make_onderwijsnummer,
    pupil_csv,
    staff,
)

pytestmark = pytest.mark.django_db

# The loop the tag replaced, as it was, with the newest shown enrolment first in `shown_enrolments`.
TEMPLATE_LOOP = Template("""{% load i18n %}{% translate "Geboren" as label_born %}{% translate "Groep" as label_group %}{% translate "School" as label_school %}{% translate "uitgeschreven" as left_badge %}
    {% for pupil in pupils %}
      {% with enrolment=pupil.shown_enrolments.0 %}
      <tr>
        <td><a href="{% url 'schools:pupil_detail' pupil.uuid %}">{{ pupil.last_name }}, {{ pupil.first_name }}{% if pupil.name_prefix %} {{ pupil.name_prefix }}{% endif %}</a></td>
        <td data-label="{{ label_born }}">{{ pupil.date_of_birth|date:"j-n-Y" }}</td>
        <td data-label="{{ label_group }}">{{ enrolment.group|default:"–" }}{% if enrolment.leaving_date %} <span class="badge text-bg-secondary">{{ left_badge }}</span>{% endif %}</td>
        <td data-label="{{ label_school }}">{{ enrolment.school.name }}</td>
        <td data-label="{{ pupil.identifier_label }}">{{ pupil.masked_identifier }}</td>
      </tr>
      {% endwith %}
    {% endfor %}
    """)
TAG = Template("""{% load i18n schools_pupils %}{% translate "Geboren" as label_born %}{% translate "Groep" as label_group %}{% translate "School" as label_school %}{% translate "uitgeschreven" as left_badge %}
    {% pupil_rows rows label_born label_group label_school left_badge %}
    """)


def test_the_rows_are_the_html_the_template_loop_gave_with_everything_escaped():
    school = School(name='De "Kleine" <Prins> & Co')
    pupils = [
        Pupil(uuid=uuid.uuid4(), first_name="Lara", name_prefix="van den", last_name="Broek",
              date_of_birth=datetime.date(2016, 3, 4), bsn="123456782"),
        Pupil(uuid=uuid.uuid4(), first_name="<script>alert('x')</script>", last_name="O'Neill & \"Zn\"",
              date_of_birth=datetime.date(2009, 11, 30), onderwijsnummer=make_onderwijsnummer()),
        Pupil(uuid=uuid.uuid4(), first_name="Ada", last_name="Zonder", date_of_birth=datetime.date(2015, 1, 1)),
    ]
    enrolments = [
        [Enrolment(school=school, group="5<b>", enrolment_date=datetime.date(2020, 8, 1))],
        [Enrolment(school=school, group="", enrolment_date=datetime.date(2019, 8, 1),
                   leaving_date=datetime.date(2024, 7, 1))],
        [],  # an enrolment gone between the two reads
    ]
    for pupil, shown in zip(pupils, enrolments, strict=True):
        pupil.shown_enrolments = shown
    rows = [PupilRow(p, e[0].group, e[0].leaving_date is not None, e[0].school.name) if e else PupilRow(p)
            for p, e in zip(pupils, enrolments, strict=True)]
    with_tag = TAG.render(Context({"rows": rows}))
    assert with_tag == TEMPLATE_LOOP.render(Context({"pupils": pupils}))
    assert "<script>" not in with_tag and "&lt;script&gt;" in with_tag and "uitgeschreven" in with_tag


def test_no_rows_render_nothing():
    assert str(pupil_rows([], "Geboren", "Groep", "School", "uitgeschreven")) == ""


# --- the copy of the pupil's name beside the enrolment (PostgreSQL) ---------------------------------------------


def copies() -> set[tuple[int, str | None, str | None]]:
    return set(Enrolment.objects.values_list("pupil_id", "pupil_last_name", "pupil_first_name"))


def names() -> set[tuple[int, str, str]]:
    return set(Enrolment.objects.values_list("pupil_id", "pupil__last_name", "pupil__first_name"))


def test_every_enrolment_carries_its_pupils_name_however_it_was_written(postgresql):
    school = SchoolFactory()
    pupil = enrolled_pupil(school, first_name="Sem", last_name="Visser")
    EnrolmentFactory(pupil=pupil, school=SchoolFactory())
    assert copies() == names() and ("Visser", "Sem") in {(c[1], c[2]) for c in copies()}
    # Whatever a statement sets the copy to, the pupil's name is what stays.
    Enrolment.objects.filter(pupil=pupil).update(pupil_last_name="Anders", pupil_first_name="Iemand")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE schools_enrolment SET pupil_last_name = 'Aaa' WHERE pupil_id = %s", [pupil.pk])
    assert copies() == names()


def test_the_copy_follows_a_rename_by_save_by_update_and_by_the_service(postgresql):
    school = SchoolFactory()
    pupil = enrolled_pupil(school, first_name="Sem", last_name="Visser")
    other = enrolled_pupil(school, first_name="Noor", last_name="Bakker")
    pupil.last_name = "de Vries"
    pupil.save()
    assert copies() == names()
    Pupil.objects.filter(pk=other.pk).update(first_name="Noortje")
    assert copies() == names() and (other.pk, "Bakker", "Noortje") in copies()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE schools_pupil SET last_name = 'Smit' WHERE id = %s", [pupil.pk])
    assert copies() == names() and (pupil.pk, "Smit", "Sem") in copies()


def test_the_copy_follows_the_import_both_new_pupils_and_renames(postgresql):
    school = SchoolFactory()
    ib = staff("ib", school=school)
    rows = [csv_pupil_row(), csv_pupil_row()]
    import_pupils(user=ib, school=school, rows=parse_csv(pupil_csv(rows)))
    assert len(copies()) == 2 and copies() == names()
    rows[0] |= {"achternaam": "Aaldering", "voornaam": "Bo"}
    import_pupils(user=ib, school=school, rows=parse_csv(pupil_csv(rows)))
    assert copies() == names() and {c[1] for c in copies()} >= {"Aaldering"}


def test_the_copy_follows_the_enrolments_moved_by_a_confirmed_transfer(postgresql):
    current, other = SchoolFactory(), SchoolFactory()
    sem = enrolled_pupil(current, first_name="Sem", last_name="Visser")
    own = enrolled_pupil(other, first_name="S.", last_name="Visser-Jansen", bsn=None,
                         onderwijsnummer=make_onderwijsnummer())
    transfers._merge(existing=sem, incoming=own)  # what confirming a transfer does to the records
    assert copies() == names() and {c[1:] for c in copies()} == {("Visser", "Sem")}


def test_an_enrolment_written_before_its_pupil_in_one_transaction_still_gets_the_name(postgresql):
    school = SchoolFactory()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        pupil_id = 10**9
        cursor.execute(
            "INSERT INTO schools_enrolment (uuid, pupil_id, school_id, sequence_number, enrolment_date, \"group\")"
            " VALUES (%s, %s, %s, '1', '2024-08-26', '5')", [uuid.uuid4(), pupil_id, school.pk])
        PupilFactory(id=pupil_id, first_name="Later", last_name="Gekomen")
    assert copies() == names() and (pupil_id, "Gekomen", "Later") in copies()


# --- the list read by the copy shows what sorting the pupils showed ---------------------------------------------


@pytest.fixture
def crowded():
    """A school with more than a page of pupils whose names tie, differ in case and accents, and who have
    several enrolments there (one left, one current)."""
    school = SchoolFactory()
    firsts = ["Anna", "anna", "Ánna", "Bo", "Bo", "Zoë", "émile", "Émile"]
    lasts = ["Jansen", "jansen", "Jánsen", "de Boer", "Boer", "Zwart", "Aa", "aa"]
    for i in range(PAGE_SIZE + 15):
        pupil = enrolled_pupil(school, group=str(i % 8 + 1), first_name=firsts[i % 8], last_name=lasts[i * 3 % 8])
        if i % 5 == 0:
            EnrolmentFactory(pupil=pupil, school=school, group="1", enrolment_date=datetime.date(2018, 8, 20),
                             leaving_date=datetime.date(2019, 7, 12))
        if i % 7 == 0:
            Enrolment.objects.filter(pupil=pupil).update(leaving_date=datetime.date(2025, 7, 11))
    return SimpleNamespace(school=school, ib=staff("ib", school=school),
                           teacher=staff("teacher", school=school, groups="2,3,5"))


def shown(client, **params) -> list[tuple[int, str, bool, str]]:
    """Every row of every page: the pupil and what it shows of the enrolment beside them."""
    rows: list[tuple[int, str, bool, str]] = []
    for number in range(1, 10):
        response = client.get(reverse("schools:pupil_list"), {**params, "pagina": number})
        page = response.context["page"]
        assert [r.pupil.pk for r in response.context["rows"]] == [p.pk for p in page.object_list]
        rows += [(r.pupil.pk, r.group, r.left, r.school_name) for r in response.context["rows"]]
        if not page.has_next():
            assert page.paginator.count == len(rows)
            return rows
    raise AssertionError("more pages than expected")


def expected(user, **params) -> list[tuple[int, str, bool, str]]:
    """The pupils of the enrolments in sight sorted by their own name, each with the newest of those enrolments."""
    enrolments = Enrolment.objects.visible_to(user)
    if not params.get("left"):
        enrolments = enrolments.current()
    pupils = Pupil.objects.filter(pk__in=enrolments.values("pupil_id")).order_by("last_name", "first_name", "pk")
    newest = {}
    for e in enrolments.select_related("school").order_by("-enrolment_date"):
        newest.setdefault(e.pupil_id, (e.group, e.leaving_date is not None, e.school.name))
    return [(p.pk, *newest[p.pk]) for p in pupils]


@pytest.mark.parametrize("params", [{}, {"left": "on"}])
def test_the_list_is_the_pupils_in_their_own_name_order_with_their_newest_enrolment(client, crowded, params):
    for user in (crowded.ib, crowded.teacher):
        client.force_login(user)
        assert shown(client, **params) == expected(user, **params), user


def test_a_renamed_pupil_moves_to_their_new_place_in_the_list(client, crowded):
    client.force_login(crowded.ib)
    last = Pupil.objects.filter(pk=shown(client)[-1][0]).get()
    last.last_name = "A"  # first in byte order and in Dutch order alike (a prefix of every "Aa")
    last.save()
    rows = shown(client)
    assert rows[0][0] == last.pk and rows == expected(crowded.ib)
