# SPDX-License-Identifier: Apache-2.0
"""Error pages and statements: styled, in the visitor's language, never Django's bare English (issue 12)."""
import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def client_in(language: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("path", ["/no/such/page/", "/precincts/9999/"])
def test_an_unknown_address_gets_a_russian_page_on_a_russian_site(path):
    response = client_in("ru").get(path)

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ru"' in html and "Not Found" not in html
    assert "не найден" in html or "нет" in html
    assert 'class="shailoo-footer"' in html and "1255" in html


def test_a_server_error_gets_our_page_in_the_visitors_language(settings):
    settings.ROOT_URLCONF = "tests.e2e.sweep_urls"
    client = client_in("ky", raise_request_exception=False)

    response = client.get("/__sweep__/500")

    html = response.content.decode()
    assert response.status_code == 500 and '<html lang="ky"' in html
    assert "Кечиресиз, ката кетти" in html


@override_settings(ROOT_URLCONF="tests.e2e.sweep_urls")
@pytest.mark.parametrize(("path", "status", "words"), [("/__sweep__/400", 400, "Запрос не удалось понять"),
                                                       ("/__sweep__/403", 403, "Нет доступа")])
def test_bad_requests_and_forbidden_pages_are_ours_too(path, status, words):
    response = client_in("ru").get(path)

    assert response.status_code == status and words in response.content.decode()


def test_a_form_sent_without_its_token_gets_a_page_that_says_what_to_do():
    response = client_in("en", enforce_csrf_checks=True).post("/check/", {"pin": "21705199000001"})

    assert response.status_code == 403 and "The form has expired" in response.content.decode()


def test_the_footer_links_the_privacy_and_accessibility_statements_and_they_say_what_we_keep():
    home = client_in("en").get("/").content.decode()
    privacy = client_in("en").get("/privacy/").content.decode()
    accessibility = client_in("en").get("/accessibility/").content.decode()

    assert 'href="/privacy/"' in home and 'href="/accessibility/"' in home and 'href="tel:1255"' in home
    assert "90 days after election day" in privacy and "The PIN you type is not stored" in privacy
    assert "WCAG" in accessibility and "360-pixel" in accessibility
