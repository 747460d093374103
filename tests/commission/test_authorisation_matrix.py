# SPDX-License-Identifier: Apache-2.0
"""Every view and action of the back office, for every role: in scope it works, outside it is refused."""
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.cabinet.models import Application
from shailoo.commission.models import BiometricCheck
from shailoo.commission.services import ListedOutOfScope
from tests.cabinet.helpers import png_bytes, upload
from tests.commission.helpers_commission import staffed_world

pytestmark = pytest.mark.django_db

IN_SCOPE = {"cec", "territorial", "precinct"}
OUT_OF_SCOPE = {"territorial_elsewhere", "precinct_elsewhere"}
ROLES = sorted(IN_SCOPE | OUT_OF_SCOPE | {"operator", "anonymous"})

APPLICATION_ACTIONS = [
    ("get", "commission:application", {}),
    ("get", "commission:scan", {}),
    ("post", "commission:review", {}),
    ("post", "commission:biometric", {"result": "match", "note": "ID card"}),
    ("post", "commission:approve", {"reason": "checked"}),
    ("post", "commission:reject", {"reason": "no such street"}),
]


@pytest.fixture
def staffed():
    return staffed_world()


def client_for(staffed, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(staffed.staff[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "name", "data"), APPLICATION_ACTIONS, ids=[a[1] for a in APPLICATION_ACTIONS])
def test_application_views_and_actions_respect_the_scope(staffed, role, method, name, data):
    application = staffed.application
    url = reverse(name, args=[application.pk])
    response = getattr(client_for(staffed, role), method)(url, data)
    after = Application.objects.get(pk=application.pk)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("commission:login"))
    elif role == "operator":
        assert response.status_code == 403
    elif role in OUT_OF_SCOPE:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302, 303), response.status_code
    if role not in IN_SCOPE:
        assert after.status == Application.Status.FILED and not after.events.exclude(status="filed").exists()
        assert not BiometricCheck.objects.exists()
    elif name == "commission:scan":
        assert response["Content-Type"] == "image/png" and b"".join(response.streaming_content) == png_bytes()
    viewed = AuditEntry.objects.filter(kind=AuditKind.SCAN_VIEWED)
    if name == "commission:scan" and role in IN_SCOPE:
        assert viewed.get().actor == staffed.staff[role]
    else:
        assert not viewed.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_shows_only_applications_in_scope(staffed, role):
    response = client_for(staffed, role).get(reverse("commission:queue"))
    if role == "anonymous":
        assert response.status_code == 302
    elif role == "operator":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        link = reverse("commission:application", args=[staffed.application.pk]).encode()
        assert (link in response.content) == (role in IN_SCOPE)


# Walk-ins of every kind, filed at the first precinct, for a voter listed there, listed at the second precinct
# of the same district (the staff member must cover it too: a walk-in takes the voter out of it), or unlisted.
WALK_INS = [("correction", "here"), ("correction", "elsewhere"), ("evoting", "here"), ("evoting", "elsewhere"),
            ("missing_from_list", "unlisted")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "listed"), WALK_INS, ids=[f"{kind}-{listed}" for kind, listed in WALK_INS])
def test_a_walk_in_is_filed_only_at_a_precinct_in_scope_for_a_voter_listed_in_scope(staffed, role, kind, listed):
    from tests.cabinet.helpers import listed_citizen
    from tests.factories import list_voter, make_citizen

    world = staffed.world
    if listed == "here":
        citizen = listed_citizen(world)
    else:
        citizen = make_citizen(world.territory.settlement)
        if listed == "elsewhere":
            list_voter(citizen, world.election, world.second_precinct)
    response = client_for(staffed, role).post(reverse("commission:walk_in"), {
        "precinct": world.precinct.pk, "election": world.election.pk, "kind": kind, "pin": citizen.pin,
        "phone": "0555 111 222", "language": "ky", "what_is_wrong": "name misspelt", "surname": "Абдыкадырова",
        "scan": upload(png_bytes()),
    })
    filed = Application.objects.filter(pin=citizen.pin).first()
    covers_voter = role in {"cec", "territorial"} or (role == "precinct" and listed != "elsewhere")
    if role == "anonymous":
        assert response.status_code == 302 and filed is None
    elif role in IN_SCOPE and covers_voter:
        assert response.status_code == 302, response.content.decode()
        assert filed.channel == "walk_in" and filed.events.get().actor == staffed.staff[role]
    elif role in IN_SCOPE:
        # The precinct's own member, for a voter listed at the neighbouring precinct: refused, saying why.
        assert response.status_code == 403 and filed is None
        with translation.override("ky"):  # the page's language
            refusal = ListedOutOfScope(world.second_precinct.number).message
        assert "учурдагы участогун текшерүү" in refusal and escape(refusal) in response.content.decode()
    else:
        assert response.status_code == 403 and filed is None
    # One filing audited for the staffed world's own application, one more only for a walk-in filed.
    assert AuditEntry.objects.filter(kind=AuditKind.APPLICATION_FILED).count() == 1 + (filed is not None)


@pytest.mark.parametrize("role", ROLES)
def test_the_two_factor_page_is_for_commission_staff(staffed, role):
    response = client_for(staffed, role).get(reverse("commission:two_factor"))
    expected = {"anonymous": 302, "operator": 403}.get(role, 200)
    assert response.status_code == expected


def test_a_user_without_any_commission_role_is_refused(staffed):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x" * 12)
    client = Client()
    client.force_login(nobody)
    assert client.get(reverse("commission:queue")).status_code == 403
    url = reverse("commission:application", args=[staffed.application.pk])
    assert client.get(url).status_code == 403


def test_an_application_number_too_large_for_the_database_is_not_found(staffed):
    client = client_for(staffed, "cec")
    huge = 10**25
    assert client.get(reverse("commission:application", args=[huge])).status_code == 404
    assert client.post(reverse("commission:approve", args=[huge])).status_code == 404
    response = client.post(reverse("commission:walk_in"), {"precinct": str(huge), "election": "1"})
    assert response.status_code == 400
