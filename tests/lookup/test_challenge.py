# SPDX-License-Identifier: Apache-2.0
"""The proof of work of the public check, played by a solver script through the public API.

The script does what issue 13's attacker did, with a perfect solver: it fetches a challenge, solves it,
and sweeps PINs. It must get no more answers than the per-address limits allow, and a sweep of 10,000
PINs from 10 addresses must outlast the list check window.
"""
import base64
import datetime as dt
import json
import time

import pytest
from django.conf import settings

from shailoo.lookup import challenge
from shailoo.lookup.models import SpentChallenge
from shailoo.lookup.ratelimit import Limit
from shailoo.rules.calendar import CHECK_WINDOW_CLOSES, CHECK_WINDOW_OPENS
from shailoo.rules.pin import Gender, make_pin

pytestmark = pytest.mark.django_db


class Clock:
    """time.time() under the test's control: the script's hours and days pass at once."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)
    return fake


class SolverScript:
    """The attacker: every challenge solved, PINs in sequence, one client address."""

    def __init__(self, client, address: str) -> None:
        self.client, self.address, self.answered, self.refusals = client, address, 0, []
        self.serial = 0

    def next_pin(self) -> str:
        self.serial += 1
        return make_pin(gender=Gender.MALE, birth_date=dt.date(1990, 5, 17), serial=self.serial)

    def lookup(self, pin: str | None = None) -> int:
        solved = challenge.solve(self.client.get("/api/v1/challenge", REMOTE_ADDR=self.address).json())
        response = self.client.post("/api/v1/lookup", {"pin": pin or self.next_pin(), "altcha": solved},
                                    content_type="application/json", REMOTE_ADDR=self.address)
        if response.status_code == 200:
            self.answered += 1
        else:
            self.refusals.append(response.json()["error"])
        return response.status_code


def configured(scope: str) -> Limit:
    return Limit.parse(settings.LOOKUP_RATE_LIMITS[scope])


def test_a_script_that_solves_every_challenge_gets_at_most_the_hourly_limit_from_one_address(client, listed):
    script = SolverScript(client, "198.51.100.7")
    hourly = configured("ip")

    for _ in range(hourly.count + 15):
        script.lookup()

    assert hourly.seconds == 3600
    assert script.answered == hourly.count
    assert set(script.refusals) == {"rate_limited"}


def test_a_sweep_of_10000_pins_from_10_addresses_outlasts_the_list_check_window(client, clock, listed):
    scripts = [SolverScript(client, f"203.0.113.{n}") for n in range(1, 11)]
    # One day of the sweep, from the start of a daily counter's window (the sliding estimate lets up to
    # twice the limit through in a 24-hour span that straddles two windows, never more than the limit
    # per window on average): every hour, each address looks up until it is refused.
    clock.now = (clock.now // 86400 + 1) * 86400 + 1
    for _ in range(24):
        for script in scripts:
            while script.lookup() == 200:
                pass
        clock.now += 3600
    per_day = sum(script.answered for script in scripts)

    window_days = CHECK_WINDOW_CLOSES - CHECK_WINDOW_OPENS + 1
    assert per_day <= 10 * configured("ip_day").count
    assert 10_000 / per_day > window_days, f"{per_day} answers a day sweep 10,000 PINs in {10_000 / per_day:.0f} days"


def test_the_per_pin_limit_holds_for_a_solver_from_many_addresses(client, listed):
    _, citizen = listed
    per_pin = configured("pin")
    scripts = [SolverScript(client, f"192.0.2.{n}") for n in range(1, per_pin.count + 6)]

    statuses = [script.lookup(citizen.pin) for script in scripts]

    assert statuses.count(200) == per_pin.count
    assert statuses[per_pin.count:] == [429] * 5


def test_without_a_challenge_an_address_gets_only_the_free_lookups(client, listed):
    _, citizen = listed
    free = configured("ip_free")

    statuses = [client.post("/api/v1/lookup", {"pin": citizen.pin}, content_type="application/json").status_code
                for _ in range(free.count + 2)]

    assert statuses == [200] * free.count + [429, 429]
    body = client.post("/api/v1/lookup", {"pin": citizen.pin}, content_type="application/json").json()
    assert body["error"] == "challenge_required"
    assert body["details"]["challenge_url"] == "/api/v1/challenge"


def lookup_with(client, payload: str):
    return client.post("/api/v1/lookup", {"pin": make_pin(gender=Gender.FEMALE, birth_date=dt.date(1985, 1, 2),
                                                          serial=7), "altcha": payload},
                       content_type="application/json")


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "challenge_invalid"
    assert body["details"] == {"reason": reason}
    assert body["message"]


def test_a_challenge_pays_for_one_lookup_and_a_replay_is_refused_as_spent(client, listed):
    payload = challenge.solve(challenge.new_challenge())
    assert lookup_with(client, payload).status_code == 200

    assert_refused(lookup_with(client, payload), "spent")


def _edited(payload: str, edit) -> str:
    data = json.loads(base64.b64decode(payload))
    edit(data)
    return base64.b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize(("edit", "reason"), [
    (lambda data: data["solution"].update(derivedKey="00" * 32), "solution"),
    (lambda data: data["challenge"]["parameters"].update(keyPrefix="00"), "signature"),
    (lambda data: data["challenge"]["parameters"].update(expiresAt=4_000_000_000), "signature"),
    (lambda data: data["challenge"].update(signature="ab" * 32), "signature"),
    (lambda data: data["challenge"]["parameters"].pop("keySignature"), "signature"),
    (lambda data: data.pop("solution"), "malformed"),
    (lambda data: data["challenge"]["parameters"].update(nonce=["not", "text"]), "malformed"),
])
def test_a_tampered_payload_is_refused_naming_the_failed_check(client, listed, edit, reason):
    payload = _edited(challenge.solve(challenge.new_challenge()), edit)

    assert_refused(lookup_with(client, payload), reason)


@pytest.mark.parametrize("payload", ["forged", "A===", base64.b64encode(b"[1, 2]").decode(), "A" * 1999])
def test_garbage_is_refused_as_malformed(client, listed, payload):
    assert_refused(lookup_with(client, payload), "malformed")


@pytest.mark.parametrize("payload", ["%%%", "A" * 2001, "ab\x00"])
def test_what_is_no_base64_of_a_payload_is_refused_by_the_schema(client, listed, payload):
    response = lookup_with(client, payload)

    assert response.status_code == 422
    assert response.json()["details"]["fields"][0]["field"] == "altcha"


def test_a_challenge_of_another_server_is_refused(client, listed, settings):
    payload = challenge.solve(challenge.new_challenge())
    settings.SECRET_KEY = "another server's secret key, long enough to be one"

    assert_refused(lookup_with(client, payload), "signature")


def test_an_expired_challenge_is_refused(client, clock, listed):
    payload = challenge.solve(challenge.new_challenge())
    clock.now += settings.LOOKUP_CHALLENGE_MAX_AGE + 1

    assert_refused(lookup_with(client, payload), "expired")


def test_a_refused_payload_uses_up_no_free_lookup(client, listed, settings):
    settings.LOOKUP_RATE_LIMITS = {**settings.LOOKUP_RATE_LIMITS, "ip_free": "1/3600"}
    for _ in range(5):
        assert_refused(lookup_with(client, "forged"), "malformed")

    assert client.post("/api/v1/lookup", {"pin": listed[1].pin}, content_type="application/json").status_code == 200


def test_without_redis_spent_challenges_are_kept_in_the_database_for_every_worker(listed, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    payload = challenge.solve(challenge.new_challenge())

    assert challenge.spend(payload) is None
    # Another worker has a cache of its own, but the same database.
    from django.core.cache import caches
    caches["default"].clear()
    assert challenge.spend(payload) is challenge.Refusal.SPENT
    assert SpentChallenge.objects.count() == 1


def test_the_challenge_endpoint_answers_what_the_widget_expects(client):
    response = client.get("/api/v1/challenge")

    body = response.json()
    assert response["Cache-Control"] == "no-store"
    assert body["parameters"]["algorithm"] == "SHA-256"
    assert body["parameters"]["expiresAt"] > time.time()
    assert len(body["signature"]) == 64
    # What a client does: solve it.
    assert challenge.spend(challenge.solve(body)) is None
