"""Item 9 (NUL bytes in a URL are a 404) and item 10 (signed-in responses are never stored by a cache)."""

import pytest
from django.urls import reverse

from tests.factories import EnrolmentFactory, SchoolFactory, parent_of, staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/agenda/%00.ics", "/leerlingen/%00/", "/%00", "/scholen/a%00b/"])
def test_a_nul_byte_in_the_path_is_a_404(client, url):
    client.force_login(staff("ib", school=SchoolFactory()))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/leerlingen/?q=%00", "/leerlingen/?school=%00", "/overzicht/?school=a%00b",
                                 "/leerlingen/importeren/?school=%00"])
def test_a_nul_byte_in_the_query_is_never_a_500(client, url):
    client.force_login(staff("school_leader", school=SchoolFactory()))
    assert client.get(url).status_code in (200, 404)


@pytest.mark.parametrize("name", ["schools:pupil_list", "schools:school_list", "plans:overview", "plans:standard_texts"])
def test_every_signed_in_page_says_no_store(client, name):
    client.force_login(staff("school_leader", school=SchoolFactory()))
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_htmx_partials_and_parent_pages_say_no_store(client):
    school = SchoolFactory()
    client.force_login(staff("ib", school=school))
    partial = client.get(reverse("schools:pupil_list"), {"q": "a"}, HTTP_HX_REQUEST="true")
    assert "no-store" in partial["Cache-Control"]
    client.force_login(parent_of(EnrolmentFactory(school=school).pupil))
    assert "no-store" in client.get(reverse("schools:my_children"))["Cache-Control"]

