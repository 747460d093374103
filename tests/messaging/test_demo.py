# SPDX-License-Identifier: Apache-2.0
from io import StringIO

import pytest
from django.core.management import get_commands

from shailoo.messaging.demo import seed
from tests.factories import list_voter, make_citizen, make_territory


@pytest.mark.django_db
def test_the_demo_prints_a_curl_line_with_a_listed_pin_and_the_demo_secret():
    territory = make_territory()
    citizen = make_citizen(territory.settlement)
    list_voter(citizen, territory.election, territory.precinct)
    out = StringIO()
    seed(election=territory.election, out=out)
    seed(election=territory.election, out=StringIO())
    text = out.getvalue()
    assert citizen.pin in text and "X-Shailoo-Secret: demo-sms-secret" in text and "/sms/kannel?" in text


def test_the_worker_command_is_there_for_runplatform_to_start():
    assert get_commands()["worker"] == "shailoo.messaging"


@pytest.mark.parametrize(("language", "name"), [("ru", "исходящее SMS"), ("ky", "чыгуучу SMS")])
def test_the_sms_records_are_named_in_kyrgyz_and_russian(language, name):
    from django.utils import translation

    from shailoo.messaging.models import OutboundSms

    with translation.override(language):
        assert str(OutboundSms._meta.verbose_name) == name
