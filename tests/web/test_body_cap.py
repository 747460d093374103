# SPDX-License-Identifier: Apache-2.0
"""Request bodies are capped before they are read (issue 13, finding 7): an anonymous 100 MB POST to
/check/ is refused with 413 without a byte of it being read."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("path", ["/check/", "/commission/login/", "/cabinet/", "/login/tunduk/callback/"])
def test_a_100_mb_post_is_refused_with_413_before_it_is_read(path):
    response = Client().generic("POST", path, content_type="application/x-www-form-urlencoded",
                                CONTENT_LENGTH=str(100 * 1024 * 1024), **{"wsgi.input": UnreadableBody()})

    assert response.status_code == 413
    assert b"at most 6 MB" in response.content


def test_a_body_just_under_the_cap_goes_on_to_the_page(settings):
    body = b"pin=" + b"1" * (settings.MAX_REQUEST_BYTES - 10)

    response = Client().generic("POST", "/check/", data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code != 413
