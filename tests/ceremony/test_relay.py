# SPDX-License-Identifier: Apache-2.0
"""The relay API: registration with one-time codes, and a whole 3-of-5 ceremony whose messages the server
checks with shailoo.crypto as they arrive; refusals name the failed check and store nothing."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from shailoo.audit.models import AuditEntry, AuditKind
from shailoo.audit.services import verify_chain
from shailoo.ceremony import selectors, services
from shailoo.ceremony.models import Ceremony, KeyHolder, Message
from shailoo.crypto import ceremony as c
from shailoo.crypto.manifest import manifest_from_json
from shailoo.crypto.transcript import check_transcript
from tests.ceremony.helpers_ceremony import manifest_for, name_and_issue, opened, post_json, register_all

pytestmark = pytest.mark.django_db


def url(setup, number: int = 1) -> str:
    return f"/ceremony/api/{setup.election.slug}/{number}/messages"


def state(client: Client, setup) -> dict:
    response = client.get(f"/ceremony/api/{setup.election.slug}")
    assert response.status_code == 200
    return response.json()


class Holders:
    """Five honest holders driven in-process through the API, as shailoo-keyholder does over HTTP."""

    def __init__(self, setup, client: Client, number: int = 1) -> None:
        self.setup, self.client, self.number = setup, client, number
        board = state(client, setup)["boards"][number - 1]
        self.ceremony = c.Ceremony(manifest_from_json(board["manifest"]), board["attempt"])
        self.secrets = {i: c.start_holder(self.ceremony, i) for i in setup.keys}

    def post(self, message) -> dict:
        response = post_json(self.client, url(self.setup, self.number), message)
        assert response.status_code == 200, response.content
        return response.json()

    def messages(self, name: str) -> list:
        return state(self.client, self.setup)["boards"][self.number - 1]["messages"][name]

    def round1(self):
        return [c.make_key_message(self.ceremony, self.secrets[i], self.setup.keys[i]) for i in self.secrets]

    def keys(self):
        return [c.check_key_message(self.ceremony, m, "k") for m in self.messages("keys")]

    def round2(self, cheat_on=None):
        keys = self.keys()
        return [c.make_shares_message(self.ceremony, self.secrets[i], keys, self.setup.keys[i],
                                      cheat_on=(cheat_on or {}).get(i, frozenset())) for i in self.secrets]

    def shares(self, keys):
        return [c.check_shares_message(self.ceremony, m, keys, "s") for m in self.messages("shares")]

    def round3(self):
        keys = self.keys()
        shares = self.shares(keys)
        return [c.make_check_message(self.ceremony, self.secrets[i], keys, shares, self.setup.keys[i])[0]
                for i in self.secrets]

    def outcome(self):
        keys = self.keys()
        shares = self.shares(keys)
        checks = [c.check_check_message(self.ceremony, m, keys, shares, "c") for m in self.messages("checks")]
        qualified, joint = c.outcome(self.ceremony, keys, shares, checks)
        return checks, qualified, joint

    def round4(self):
        checks, qualified, joint = self.outcome()
        return [c.make_final(self.ceremony, j, checks, qualified, joint, self.setup.keys[j]) for j in qualified]


def run_rounds(holders: Holders, upto: int = 4) -> None:
    for number, make in enumerate((holders.round1, holders.round2, holders.round3, holders.round4), start=1):
        if number > upto:
            return
        for message in make():
            holders.post(message)


def test_a_whole_ceremony_through_the_relay_is_verified_and_audited():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    run_rounds(holders)
    board = selectors.ceremony_result(setup.election, setup.constituencies[0])
    assert board is not None
    manifest = manifest_from_json(Ceremony.objects.get().manifest)
    result = check_transcript(manifest, board.ceremony_json)
    assert result.qualified == (1, 2, 3, 4, 5)
    assert board.joint_public_key == result.joint_public_key.hex()
    served = state(client, setup)
    assert served["boards"][0]["state"] == "finished"
    assert served["boards"][0]["joint_public_key"] == board.joint_public_key
    assert served["quorum"] == 3 and [h["registered"] for h in served["holders"]] == [True] * 5
    kinds = list(AuditEntry.objects.values_list("kind", flat=True))
    assert kinds.count(AuditKind.CEREMONY_MESSAGE) == 20
    assert kinds.count(AuditKind.CEREMONY_REGISTERED) == 5
    assert kinds[-1] == AuditKind.CEREMONY_FINISHED
    assert verify_chain().intact


def test_the_same_message_again_is_answered_the_same_and_stored_once():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    message = holders.round1()[0]
    first = holders.post(message)
    again = holders.post(message)
    assert first["stored"] is True and again["stored"] is False and first["digest"] == again["digest"]
    assert Message.objects.count() == 1


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    assert set(error["message"]) == {"ky", "ru", "en"}


def test_a_message_signed_by_another_key_is_refused_with_its_check():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    forged = c.make_key_message(holders.ceremony, holders.secrets[2], setup.keys[1])  # holder 2's body, 1's key
    refused(post_json(client, url(setup), forged), 400, "ceremony.signature")
    tampered = dict(holders.round1()[0], encryption_key=holders.round1()[1]["encryption_key"])
    refused(post_json(client, url(setup), tampered), 400, "ceremony.signature")
    assert Message.objects.count() == 0


def test_a_bad_proof_and_a_wrong_attempt_are_refused():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    other = c.Ceremony(holders.ceremony.manifest, 2)
    refused(post_json(client, url(setup), c.make_key_message(other, holders.secrets[1], setup.keys[1])), 400,
            "ceremony.attempt")
    # A key message whose proof is for another commitment, signed properly by its sender.
    message = holders.round1()[0]
    body = {k: v for k, v in message.items() if k != "signature"}
    body["commitment_proofs"] = list(reversed(body["commitment_proofs"]))
    resigned = c._sign(holders.ceremony, body, setup.keys[1], c.SYSTEM)
    refused(post_json(client, url(setup), resigned), 400, "ceremony.key-proof")
    assert Message.objects.count() == 0


def test_a_round_before_the_previous_one_is_complete_is_refused():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    messages = holders.round1()
    for message in messages:
        holders.post(message)
    shares = holders.round2()
    Message.objects.filter(round=1, holder=5).delete()
    refused(post_json(client, url(setup), shares[0]), 409, "ceremony.too-early")


def test_a_holder_cannot_send_a_second_different_message_in_a_round():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    holders.post(holders.round1()[0])
    holders.secrets[1] = c.start_holder(holders.ceremony, 1)
    refused(post_json(client, url(setup), holders.round1()[0]), 409, "ceremony.duplicate")
    assert Message.objects.count() == 1


def test_shares_over_other_keys_than_the_relay_holds_are_refused():
    """A dealer who saw other round-1 messages (a relay showing different keys) is caught by the digest."""
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    for message in holders.round1():
        holders.post(message)
    keys = holders.keys()
    other = c.check_key_message(holders.ceremony, c.make_key_message(
        holders.ceremony, c.start_holder(holders.ceremony, 3), setup.keys[3]), "k")
    swapped = [*keys[:2], other, *keys[3:]]
    shares = c.make_shares_message(holders.ceremony, holders.secrets[1], swapped, setup.keys[1])
    refused(post_json(client, url(setup), shares), 400, "ceremony.transcript")


def test_a_cheating_dealer_is_disqualified_and_the_ceremony_finishes_with_the_others():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    run_rounds(holders, 1)
    for message in holders.round2(cheat_on={2: frozenset({4})}):
        holders.post(message)
    for message in holders.round3():
        holders.post(message)
    progress = selectors.board_progress(Ceremony.objects.get())
    assert progress.state == "finals" and progress.qualified == (1, 3, 4, 5)
    finals = holders.round4()
    for message in finals:
        holders.post(message)
    result = selectors.ceremony_result(setup.election, setup.constituencies[0])
    assert result is not None and result.ceremony_json["qualified"] == [1, 3, 4, 5]


def test_unreadable_oversized_and_unknown_bodies_are_refused():
    client = Client()
    setup = opened(client=client)
    refused(client.post(url(setup), b'{"kind": "ceremony-key", "kind": 1}', content_type="application/json"), 400,
            "ceremony.read")
    refused(client.post(url(setup), b"x" * (services.MAX_MESSAGE_BYTES + 1), content_type="application/json"), 413,
            "body.too-large")
    refused(post_json(client, url(setup, 9), {"kind": "ceremony-key"}), 404, "board.unknown")
    refused(client.get(f"/ceremony/api/nope-{setup.election.slug}"), 404, "election.unknown")


def test_progress_names_who_has_not_acted():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    for message in holders.round1()[1:3]:
        holders.post(message)
    progress = selectors.board_progress(Ceremony.objects.get())
    assert progress.state == "keys"
    assert progress.rounds[0].waiting_for == (1, 4, 5)
    assert progress.rounds[1].waiting_for == (1, 2, 3, 4, 5)


# Registration ------------------------------------------------------------------------------------

def test_a_replayed_registration_code_is_refused_and_the_same_registration_is_answered_again():
    client = Client()
    setup = name_and_issue()
    key = setup.keys[1].public.hex()
    body = {"election": setup.election.slug, "code": setup.codes[1], "public_key": key, "name": "Holder 1"}
    assert post_json(client, "/ceremony/api/register", body).json()["registered"] is True
    assert post_json(client, "/ceremony/api/register", body).json()["registered"] is False
    replay = dict(body, public_key=setup.keys[2].public.hex())
    refused(post_json(client, "/ceremony/api/register", replay), 409, "register.code-used")
    assert KeyHolder.objects.get(index=1).public_key == key
    assert AuditEntry.objects.filter(kind=AuditKind.CEREMONY_REGISTERED).count() == 1


def test_registration_refuses_wrong_codes_bad_keys_and_a_key_twice():
    client = Client()
    setup = name_and_issue()
    base = {"election": setup.election.slug, "name": "x"}
    refused(post_json(client, "/ceremony/api/register", base | {"code": "AAAAA-AAAAA-AAAAA-AAAAA",
                                                                 "public_key": setup.keys[1].public.hex()}), 403,
            "register.code")
    refused(post_json(client, "/ceremony/api/register", base | {"code": setup.codes[1], "public_key": "00" * 32}),
            400, "register.key")
    refused(post_json(client, "/ceremony/api/register", base | {"code": setup.codes[1], "public_key": "zz"}),
            400, "register.key")
    shared = setup.keys[1].public.hex()
    assert post_json(client, "/ceremony/api/register", base | {"code": setup.codes[1], "public_key": shared}).status_code == 200
    refused(post_json(client, "/ceremony/api/register", base | {"code": setup.codes[2].lower(), "public_key": shared}),
            409, "register.key-taken")
    refused(client.post("/ceremony/api/register", b"[1", content_type="application/json"), 400, "body.json")


def test_codes_are_stored_hashed_and_typed_loosely():
    setup = name_and_issue()
    holder = KeyHolder.objects.get(index=1)
    assert setup.codes[1] not in json.dumps(list(KeyHolder.objects.values()), default=str)
    assert holder.code_hash == services.hash_code(setup.codes[1].lower().replace("-", " "))


def test_ceremonies_open_only_with_every_holder_registered_and_the_right_keys():
    client = Client()
    setup = name_and_issue()
    constituency = setup.constituencies[0]
    with pytest.raises(services.CeremonyRefused) as missing:
        services.open_ceremonies(setup.election, {constituency.pk: manifest_for(setup, constituency)}, by=None)
    assert missing.value.code == "register.incomplete"
    register_all(client, setup)
    wrong = manifest_for(setup, constituency)
    wrong["authorities"]["holders"] = list(reversed(wrong["authorities"]["holders"]))
    with pytest.raises(services.CeremonyRefused) as refused_keys:
        services.open_ceremonies(setup.election, {constituency.pk: wrong}, by=None)
    assert refused_keys.value.code == "manifest.authority-key"
    manifest = manifest_for(setup, constituency)
    services.open_ceremonies(setup.election, {constituency.pk: manifest}, by=None)
    services.open_ceremonies(setup.election, {constituency.pk: manifest}, by=None)
    assert Ceremony.objects.count() == 1
    assert AuditEntry.objects.filter(kind=AuditKind.CEREMONY_OPENED).count() == 1
    with pytest.raises(services.CeremonyRefused) as closed:
        services.name_holders(setup.election, [services.HolderEntry("Someone")], 1, by=None)
    assert closed.value.code == "register.closed"


def test_a_new_attempt_ignores_the_messages_of_the_earlier_one():
    client = Client()
    setup = opened(client=client)
    holders = Holders(setup, client)
    holders.post(holders.round1()[0])
    ceremony = services.restart(Ceremony.objects.get(), by=None)
    assert ceremony.attempt == 2
    assert state(client, setup)["boards"][0]["messages"]["keys"] == []
    refused(post_json(client, url(setup), holders.round1()[1]), 400, "ceremony.attempt")
