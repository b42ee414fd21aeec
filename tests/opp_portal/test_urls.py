"""Cross-cutting URLs: the favicon is served."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_a_favicon_is_served_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg") and finders.find("favicon.png")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
