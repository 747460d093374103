# SPDX-License-Identifier: Apache-2.0
"""JSON API of the public check: POST /api/v1/lookup with {"pin": "…"}.

The PIN travels only in the body, never in a URL. Limits: per client address and per PIN (HTTP 429
with Retry-After); past a few lookups an address needs a solved proof-of-work challenge
(GET /api/v1/challenge) for each (shailoo.lookup.gate); bodies over 4 kB, other content types and
malformed JSON are refused with 4xx.
"""
import datetime as dt
import logging
from collections.abc import Callable
from functools import wraps
from typing import Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view

from shailoo.api_errors import ApiError, ErrorOut, error_response
from shailoo.lookup import challenge, texts
from shailoo.lookup.gate import Verdict, admit
from shailoo.lookup.outcomes import LookupKind, LookupOutcome
from shailoo.lookup.ratelimit import RateLimited, client_ip
from shailoo.lookup.selectors import lookup_voter, valid_pin
from shailoo.rules.pin import PIN_TEXT_PATTERN

logger = logging.getLogger(__name__)
router = Router(tags=["voter-list check"])

MAX_BODY_BYTES = 4096


class LookupIn(Schema):
    pin: str = Field(..., max_length=64, description=(
        "The 14-digit PIN; spaces and dashes are ignored. The pattern is the PIN's structure: the first digit "
        "1 or 2, then a real date of birth DDMMYYYY (1880 or later), then 5 digits; the lookup checks the "
        "same and answers 400 `invalid_pin` with the reason."),
        examples=["2 17051990 00123"], json_schema_extra={"pattern": PIN_TEXT_PATTERN})
    altcha: str = Field("", max_length=challenge.MAX_PAYLOAD_CHARS, pattern=r"^[A-Za-z0-9+/=]*$", description=(
        "A solved challenge from GET /api/v1/challenge (the ALTCHA payload, base64): needed once an "
        "address has made a few lookups; each pays for one lookup."))
    lang: Literal["ky", "ru", "en"] | None = Field(
        None, description="Language of the texts; default: Accept-Language, else Kyrgyz."
    )


class ElectionOut(Schema):
    slug: str
    name: str
    name_ky: str
    name_ru: str
    election_day: dt.date


class PrecinctOut(Schema):
    number: str
    name: str
    address: str
    address_ky: str
    address_ru: str
    phone: str
    map_url: str
    page_url: str


class ReasonOut(Schema):
    code: Literal["under_age", "no_biometrics", "outside_territory"]
    text: str


class LookupOut(Schema):
    outcome: Literal["listed", "not_listed", "ineligible"] = Field(
        ..., description="listed: on the list with a precinct; not_listed: on no list of an upcoming election; "
        "ineligible: on the list but may not vote, see reasons."
    )
    message: str = Field(..., description="What the check found, in one sentence.")
    what_to_do: str = Field(..., description="What the voter can do next, with the deadline; may be empty.")
    election: ElectionOut | None = Field(None, description="The nearest upcoming election concerned.")
    precinct: PrecinctOut | None = Field(None, description="The voter's precinct (listed only).")
    voting_mode: Literal["paper", "electronic"] | None = None
    voting_mode_text: str = ""
    initials: str | None = Field(None, description="Masked initials such as А***** Б., so the voter knows it is them.")
    reasons: list[ReasonOut] = Field(default_factory=list, description="Why the voter may not vote (ineligible).")
    corrections_until: dt.date | None = Field(None, description="Last day (inclusive, Asia/Bishkek) to apply for a correction.")
    enrolment_until: dt.date | None = Field(None, description="Last day (inclusive) to apply for electronic voting.")


CHALLENGE_REFUSALS = {
    challenge.Refusal.MALFORMED: "The altcha field is not a solved ALTCHA payload (base64 JSON).",
    challenge.Refusal.EXPIRED: "The challenge has expired: get a new one from GET /api/v1/challenge.",
    challenge.Refusal.SIGNATURE: "The challenge was not issued by this server (its signature does not match).",
    challenge.Refusal.SOLUTION: "The solution does not solve the challenge.",
    challenge.Refusal.SPENT: "This challenge has already paid for a lookup: each pays for one.",
}


def _json_body_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse, before parsing, what is not a small JSON document."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            return error_response(status=413, code="body_too_large",
                                  message=f"The body may have at most {MAX_BODY_BYTES} bytes.",
                                  details={"max_bytes": MAX_BODY_BYTES})
        if not request.body.strip():
            return error_response(status=400, code="empty_body", message='Send {"pin": "…"}.')
        if request.content_type != "application/json":
            return error_response(status=415, code="unsupported_media_type",
                                  message="Send the request as application/json.")
        return view(request, *args, **kwargs)

    return checked


def outcome_out(outcome: LookupOutcome, *, language: str) -> dict:
    election = None
    if outcome.election_day and outcome.election_slug:
        election = {
            "slug": outcome.election_slug, "name": outcome.election_name(language),
            "name_ky": outcome.election_name_ky, "name_ru": outcome.election_name_ru,
            "election_day": outcome.election_day,
        }
    precinct = None
    if outcome.kind is LookupKind.LISTED:
        address = outcome.precinct_address(language)
        precinct = {
            "number": outcome.precinct_number, "name": outcome.precinct_name(language), "address": address,
            "address_ky": outcome.precinct_address_ky, "address_ru": outcome.precinct_address_ru,
            "phone": outcome.commission_phone,
            "map_url": texts.map_url(latitude=outcome.precinct_latitude, longitude=outcome.precinct_longitude,
                                     address=address),
            "page_url": f"/precincts/{outcome.precinct_number}/",
        }
    return {
        "outcome": outcome.kind.value,
        "message": texts.headline(outcome),
        "what_to_do": texts.what_to_do(outcome),
        "election": election,
        "precinct": precinct,
        "voting_mode": outcome.voting_mode.value if outcome.voting_mode else None,
        "voting_mode_text": texts.voting_mode_text(outcome.voting_mode),
        "initials": outcome.initials_masked or None,
        "reasons": [{"code": reason.value, "text": str(texts.REASON_TEXTS[reason])} for reason in outcome.reasons],
        "corrections_until": outcome.corrections_until if outcome.kind is not LookupKind.LISTED else None,
        "enrolment_until": outcome.enrolment_until,
    }


class ChallengeParametersOut(Schema):
    algorithm: str
    cost: int
    keyLength: int  # noqa: N815 (ALTCHA's field names)
    keyPrefix: str  # noqa: N815
    keySignature: str | None = None  # noqa: N815
    nonce: str
    salt: str
    expiresAt: int | None = None  # noqa: N815


class ChallengeOut(Schema):
    parameters: ChallengeParametersOut
    signature: str


@router.get(
    "/challenge", response={200: ChallengeOut}, summary="A proof-of-work challenge for one lookup",
    description=(
        "An ALTCHA challenge (proof of work v2, SHA-256): find the counter whose key starts with keyPrefix, "
        "then send the solved payload as `altcha` with POST /lookup. Each solved challenge pays for one "
        "lookup, which still counts against the rate limits."
    ),
    operation_id="lookup_challenge",
)
def lookup_challenge(request: HttpRequest):
    response = JsonResponse(challenge.new_challenge())
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/lookup",
    response={200: LookupOut, 400: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Check the voter list by PIN",
    description=(
        "Finds the voter's entry for the nearest upcoming election. A malformed PIN gets 400 with "
        "error `invalid_pin` and details.reason (empty, not_digits, length, gender_digit, date). "
        "A refused `altcha` payload gets 400 with error `challenge_invalid` and details.reason (malformed, "
        "expired, signature, solution, spent). Over a rate limit: 429 `rate_limited` with a Retry-After "
        "header; past the lookups an address may make without a challenge: 429 `challenge_required`."
    ),
    operation_id="lookup_voter",
)
@decorate_view(_json_body_only)
def lookup(request: HttpRequest, payload: LookupIn):
    # The per-PIN counter is shared with the other channels (SMS 119 counts the same normalised PIN).
    pin = valid_pin(payload.pin)
    admission = admit(address=client_ip(request), pin=pin, payload=payload.altcha)
    if admission.verdict is Verdict.CHALLENGE_INVALID:
        raise ApiError("challenge_invalid", CHALLENGE_REFUSALS[admission.reason],
                       details={"reason": str(admission.reason)})
    if admission.verdict is Verdict.CHALLENGE_REQUIRED:
        raise ApiError("challenge_required", "This address has made its lookups without a challenge: solve one "
                       "from GET /api/v1/challenge and send it as `altcha`.", status=429,
                       details={"challenge_url": "/api/v1/challenge"})
    if admission.verdict is Verdict.RATE_LIMITED:
        raise RateLimited(admission.scope, admission.retry_after)
    language = payload.lang or texts.language()
    with translation.override(language):
        outcome = lookup_voter(payload.pin)
        if outcome.kind is LookupKind.INVALID_PIN:
            raise ApiError("invalid_pin", texts.pin_error_text(outcome.pin_error),
                           details={"reason": outcome.pin_error, "hint": str(texts.PIN_SHAPE)})
        logger.debug("lookup channel=api outcome=%s pin=%s", outcome.kind, outcome.pin_hash)
        # Built straight from the typed outcome: re-validating our own answer against LookupOut on every
        # request would cost more than the database lookup (the tests check the answers against it).
        return JsonResponse(outcome_out(outcome, language=language), json_dumps_params={"ensure_ascii": False})
