# SPDX-License-Identifier: Apache-2.0
"""The CEC names an election's key holders and the quorum on a page: commission members with their own
login and a second factor, in order; every refusal says what is wrong, in the page's language, and stores
nothing; only a CEC administrator may do it, and only before the ceremony opens."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.ceremony.models import KeyHolder, Quorum
from shailoo.geography.models import Precinct
from tests.cabinet.helpers import make_staff
from tests.ceremony.helpers_ceremony import make_constituency, opened
from tests.factories import make_territory

pytestmark = pytest.mark.django_db


def client_of(user, language: str = "en", *, verified: bool = True, **options) -> Client:
    """Signed in; with the second factor used in this session when the user has one (and `verified`)."""
    client = Client(**options)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and verified:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def member(username: str, *, second_factor: bool = True, role: str = "territorial", active: bool = True):
    scope = {"district": Precinct.objects.first().municipality.district} if role == "territorial" else {}
    user = make_staff(username, role, password=None, **scope)
    user.first_name, user.last_name, user.is_active = username.capitalize(), "Uulu", active
    user.save()
    if second_factor:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def url(election) -> str:
    return f"/commission/ceremony/{election.slug}/holders/"


@pytest.fixture
def election():
    election = make_territory().election
    make_constituency(election, 1)
    return election


def test_the_cec_names_three_members_and_the_quorum_audited(election):
    for name in ("asel", "bakyt", "chynara"):
        member(name)
    cec = client_of(make_staff("cec", "cec_admin", password=None))
    assert cec.get(url(election)).status_code == 200
    response = cec.post(url(election), {"holders": "asel\r\nbakyt\r\n\r\n  chynara \r\n", "quorum": "2"})
    assert response.status_code == 302 and response["Location"] == f"/commission/ceremony/{election.slug}/"
    holders = list(KeyHolder.objects.filter(election=election).order_by("index"))
    assert [(h.index, h.name, h.user.username) for h in holders] == [
        (1, "Asel Uulu", "asel"), (2, "Bakyt Uulu", "bakyt"), (3, "Chynara Uulu", "chynara")]
    assert Quorum.objects.get(election=election).k == 2
    entry = AuditEntry.objects.get(kind=AuditKind.CEREMONY_HOLDERS)
    assert entry.actor.username == "cec" and entry.payload["quorum"] == 2
    page = cec.get(response["Location"]).content.decode()
    assert "Quorum: 2 of 3" in page and "1. Asel Uulu" in page
    assert "asel\nbakyt\nchynara" in cec.get(url(election)).content.decode()  # the form shows them again


@pytest.mark.parametrize(("holders", "quorum", "says"), [
    ("asel\nnobody", "1", "Line 2: there is no login “nobody”"),
    ("asel\nasel", "1", "Line 2: “asel” is named twice"),
    ("asel\nno2fa", "1", "Line 2: “no2fa” cannot hold a key"),
    ("asel\noperator", "1", "Line 2: “operator” cannot hold a key"),
    ("asel\ngone", "1", "Line 2: “gone” cannot hold a key"),
    ("asel\nbakyt", "3", "The quorum cannot be more than the 2 key holders named"),
    ("asel", "0", "The quorum is at least 1"),
    ("", "1", "Name at least one key holder"),
])
def test_a_wrong_line_is_named_and_nothing_is_stored(election, holders, quorum, says):
    member("asel"), member("bakyt"), member("no2fa", second_factor=False), member("gone", active=False)
    member("operator", role="operator")
    cec = client_of(make_staff("cec", "cec_admin", password=None))
    response = cec.post(url(election), {"holders": holders, "quorum": quorum})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not KeyHolder.objects.exists() and not Quorum.objects.exists()
    assert not AuditEntry.objects.filter(kind=AuditKind.CEREMONY_HOLDERS).exists()


def test_errors_are_in_kyrgyz_and_russian_too(election):
    member("asel")
    texts = {}
    for language in ("ky", "ru"):
        cec = client_of(make_staff(f"cec-{language}", "cec_admin", password=None), language)
        response = cec.post(url(election), {"holders": "asel\nnobody", "quorum": "5"})
        texts[language] = response.content.decode()
        assert response.status_code == 400
    assert "2-сап: «nobody» деген логин жок" in texts["ky"]
    assert "Строка 2: логина «nobody» нет" in texts["ru"]


def test_only_a_cec_administrator_names_the_holders(election):
    asel = member("asel")
    territorial = client_of(asel)
    precinct = client_of(make_staff("precinct", "precinct", precinct=Precinct.objects.first(), password=None))
    for client in (territorial, precinct):
        assert client.get(url(election)).status_code == 403
        assert client.post(url(election), {"holders": "asel", "quorum": "1"}).status_code == 403
    assert Client().post(url(election), {"holders": "asel", "quorum": "1"}).status_code == 302  # to the login
    assert not KeyHolder.objects.exists()
    # A CEC administrator with a second factor who has not used it in this session signs in again.
    cec = member("cec", role="cec_admin")
    response = client_of(cec, verified=False).post(url(election), {"holders": "asel", "quorum": "1"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not KeyHolder.objects.exists()
    assert client_of(cec).post(url(election), {"holders": "asel", "quorum": "1"}).status_code == 302
    assert KeyHolder.objects.get(election=election).user == asel


def test_the_form_needs_its_csrf_token(election):
    member("asel")
    cec = client_of(make_staff("cec", "cec_admin", password=None), enforce_csrf_checks=True)
    assert cec.post(url(election), {"holders": "asel", "quorum": "1"}).status_code == 403
    assert not KeyHolder.objects.exists()


def test_once_the_ceremony_opened_the_holders_are_fixed():
    setup = opened(client=Client())
    before = list(KeyHolder.objects.filter(election=setup.election).values_list("index", "name", "public_key"))
    member("asel")
    cec = client_of(make_staff("cec", "cec_admin", password=None))
    page = cec.get(url(setup.election)).content.decode()
    assert "the key holders are fixed" in page and "<form method=\"post\" novalidate>" not in page
    response = cec.post(url(setup.election), {"holders": "asel", "quorum": "1"})
    assert response.status_code == 409 and "the key holders are fixed" in response.content.decode()
    assert list(KeyHolder.objects.filter(election=setup.election).values_list("index", "name", "public_key")) == before
