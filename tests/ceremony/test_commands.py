# SPDX-License-Identifier: Apache-2.0
"""The CEC's commands: name the holders and the quorum, issue one-time codes (printed once, stored hashed),
start a stalled ceremony's next attempt."""
from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.ceremony import services
from shailoo.ceremony.models import Ceremony, KeyHolder, Quorum
from tests.cabinet.helpers import make_staff
from tests.ceremony.helpers_ceremony import opened
from tests.factories import make_territory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_name_holders_then_issue_codes_that_register_once():
    election = make_territory().election
    TOTPDevice.objects.create(user=make_staff("asanova", "cec_admin", password=None), name="phone", confirmed=True)
    printed = run("ceremony_holders", election.slug, "--quorum", "2", "Асанова А.=asanova", "Бекмуратов Н.", "Осмонов Т.")
    assert "holder 1: Асанова А." in printed and "quorum: 2 of 3" in printed
    assert KeyHolder.objects.get(election=election, index=1).user.username == "asanova"
    assert Quorum.objects.get(election=election).k == 2
    codes = dict(re.findall(r"holder (\d) \(.*?\): (\S+)", run("ceremony_codes", election.slug)))
    assert sorted(codes) == ["1", "2", "3"]
    assert all(KeyHolder.objects.get(election=election, index=int(i)).code_hash == services.hash_code(c)
               for i, c in codes.items())
    again = dict(re.findall(r"holder (\d) \(.*?\): (\S+)", run("ceremony_codes", election.slug, "--holder", "2")))
    assert list(again) == ["2"] and again["2"] != codes["2"]
    with pytest.raises(services.CeremonyRefused):  # the replaced code no longer registers
        services.register_holder(election.slug, codes["2"], "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")


def test_commands_refuse_what_cannot_be_done():
    election = make_territory().election
    with pytest.raises(CommandError, match="no election"):
        run("ceremony_holders", "no-such-election", "--quorum", "1", "A")
    with pytest.raises(CommandError, match="quorum"):
        run("ceremony_holders", election.slug, "--quorum", "3", "A", "B")
    with pytest.raises(CommandError, match="no user"):
        run("ceremony_holders", election.slug, "--quorum", "1", "A=nobody")
    get_user_model().objects.create_user(username="citizen")  # a login, but no commission role
    make_staff("member", "cec_admin", password=None)  # a commission member without a second factor
    for login in ("citizen", "member"):
        with pytest.raises(CommandError, match=f"{login} is not a commission member with an active login and a "
                           "confirmed second factor"):
            run("ceremony_holders", election.slug, "--quorum", "1", f"A={login}")
    assert not KeyHolder.objects.filter(election=election).exists()
    with pytest.raises(CommandError, match="no unregistered key holder"):
        run("ceremony_codes", election.slug)


def test_restart_starts_the_next_attempt():
    setup = opened(client=Client())
    assert "attempt 2" in run("ceremony_restart", setup.election.slug, "1")
    assert Ceremony.objects.get().attempt == 2
    with pytest.raises(CommandError, match="no such ceremony"):
        run("ceremony_restart", setup.election.slug, "7")
