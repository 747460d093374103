# SPDX-License-Identifier: Apache-2.0
"""Schemathesis hooks of scripts/api-fuzz: a schema-valid request carries a challenge solved as a client would.

A random base64 string is schema-valid for `altcha` but no solution of any challenge: the API refuses it
(400 challenge_invalid), and schemathesis would count that as a valid request rejected (ST202). So a
positive case that sends `altcha` gets a challenge from the server under test, solved; negative cases
go as generated.
"""
import os

import altcha
import requests
import schemathesis
from schemathesis.generation import GenerationMode

BASE_URL = os.environ.get("SHAILOO_FUZZ_BASE_URL", "http://127.0.0.1:8000")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    meta = getattr(case, "_meta", None)
    if meta is None or meta.generation.mode is not GenerationMode.POSITIVE:
        return
    if isinstance(case.body, dict) and "altcha" in case.body:
        challenge = altcha.Challenge.from_dict(requests.get(f"{BASE_URL}/api/v1/challenge", timeout=10).json())
        solution = altcha.solve_challenge(challenge)
        case.body = {**case.body, "altcha": altcha.Payload(challenge, solution).to_base64()}
