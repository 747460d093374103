# SPDX-License-Identifier: Apache-2.0
"""The login's part of the demo: the relying party registered at the test identity provider, and a few
citizens of the demo list who can sign in there. Idempotent."""
from urllib.parse import urlsplit

from django.conf import settings

from shailoo.register.models import Citizen, VoterListEntry
from shailoo.tunduk.test_idp.services import ensure_account, ensure_client

CITIZENS_PER_KIND = 2


def _origins(discovery_url: str) -> list[str]:
    """Where the demo is browsed: the provider's own origin and its 127.0.0.1/localhost twin."""
    parts = urlsplit(discovery_url)
    port = f":{parts.port}" if parts.port else ""
    hosts = dict.fromkeys([parts.hostname or "127.0.0.1", "127.0.0.1", "localhost"])
    return [f"{parts.scheme}://{host}{port}" for host in hosts]


def _demo_citizens(election) -> list[tuple[str, Citizen]]:
    entries = VoterListEntry.objects.filter(election=election).select_related("citizen", "precinct").order_by("pk")
    listed = entries.filter(status=VoterListEntry.Status.LISTED)
    chosen = [
        ("on the list, lives at home", listed.filter(citizen__residence="")[:CITIZENS_PER_KIND]),
        ("on the list, lives away: may apply to vote electronically",
         listed.exclude(citizen__residence="")[:CITIZENS_PER_KIND]),
        ("eligible, no precinct serves the address", entries.filter(status=VoterListEntry.Status.UNASSIGNED)[:1]),
    ]
    return [(label, entry.citizen) for label, query in chosen for entry in query]


def seed(*, election, out) -> None:
    if settings.PRODUCTION:
        return
    if not (settings.TEST_IDP and settings.TUNDUK_CLIENT_ID and settings.TUNDUK_CLIENT_SECRET):
        out.write("\nVoter's Cabinet login: the test identity provider is off (SHAILOO_TEST_IDP=1 turns it on;"
                  " `make run` does).")
        return
    origins = _origins(settings.TUNDUK_DISCOVERY_URL)
    ensure_client(
        client_id=settings.TUNDUK_CLIENT_ID, client_secret=settings.TUNDUK_CLIENT_SECRET,
        redirect_uris=[f"{origin}/login/tunduk/callback/" for origin in origins], name="Shailoo (demo)",
    )
    citizens = _demo_citizens(election)
    for _, citizen in citizens:
        ensure_account(pin=citizen.pin, given_name=citizen.name, family_name=citizen.surname)
    base = origins[0]
    out.write("\nVoter's Cabinet (login through the TEST identity provider standing in for Tunduk):")
    out.write(f"  open {base}/cabinet/ and sign in with a PIN below; password of every demo citizen: "
              f"{settings.TEST_IDP_PASSWORD}")
    for label, citizen in citizens:
        out.write(f"  {citizen.pin}  {citizen.surname} {citizen.name}  ({label})")
    out.write(f"  provider: {settings.TUNDUK_DISCOVERY_URL}  (client {settings.TUNDUK_CLIENT_ID})")
