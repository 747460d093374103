# SPDX-License-Identifier: Apache-2.0
"""Sliding-window counters: limits hold, windows slide, identities are kept apart and hashed."""
import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from shailoo.lookup.ratelimit import Limit, RateLimited, check, check_sms_sender, client_ip, hit

LIMIT = Limit(3, 60)
T0 = 1_800_000_000.0  # the start of a 60-second window


def test_allows_up_to_the_limit_then_refuses_with_retry_after():
    decisions = [hit("ip", "10.0.0.1", now=T0 + i, limit=LIMIT) for i in range(4)]

    assert [d.allowed for d in decisions] == [True, True, True, False]
    # The refused attempt counts too: 4 attempts must decay to 2 before a 3rd fits, half the next window.
    assert decisions[-1].retry_after == 87


def test_identities_and_scopes_are_counted_apart():
    for _ in range(3):
        hit("ip", "10.0.0.1", now=T0, limit=LIMIT)

    assert not hit("ip", "10.0.0.1", now=T0, limit=LIMIT).allowed
    assert hit("ip", "10.0.0.2", now=T0, limit=LIMIT).allowed
    assert hit("pin", "10.0.0.1", now=T0, limit=LIMIT).allowed


def test_the_previous_window_still_weighs_early_in_the_next_one():
    for i in range(3):
        hit("ip", "a", now=T0 + 50 + i, limit=LIMIT)

    # 6 seconds into the next window, 90 % of the last window's 3 attempts still count.
    assert not hit("ip", "a", now=T0 + 66, limit=LIMIT).allowed


def test_the_limit_frees_up_as_the_window_slides():
    for i in range(3):
        hit("ip", "b", now=T0 + i, limit=LIMIT)

    assert hit("ip", "b", now=T0 + 60 + 50, limit=LIMIT).allowed


def test_retry_after_is_honest():
    for i in range(4):
        decision = hit("ip", "c", now=T0 + 30 + i, limit=LIMIT)
    assert not decision.allowed

    assert hit("ip", "c", now=T0 + 33 + decision.retry_after, limit=LIMIT).allowed


def test_zero_count_switches_a_scope_off():
    assert all(hit("ip", "d", now=T0, limit=Limit(0, 60)).allowed for _ in range(100))


def test_counters_hold_no_pin_or_phone_number_in_their_keys():
    hit("pin", "21705199000001", now=T0, limit=LIMIT)
    check_sms_sender("+996555123456", now=T0)

    store = cache._cache
    keys = list(store) if isinstance(store, dict) else [key.decode() for key in store.get_client().keys("*")]
    assert keys, "the cache should hold the counters"
    assert not any("21705199000001" in key or "996555123456" in key for key in keys)


@override_settings(LOOKUP_RATE_LIMITS={"sms_sender": "2/3600"})
def test_sms_sender_limit_for_the_messaging_app():
    assert check_sms_sender("+996555000001", now=T0).allowed
    assert check_sms_sender("+996555000001", now=T0).allowed
    assert not check_sms_sender("+996555000001", now=T0).allowed


@override_settings(LOOKUP_RATE_LIMITS={"ip": "1/60"})
def test_check_raises_rate_limited():
    check("ip", "e", now=T0)

    with pytest.raises(RateLimited) as refused:
        check("ip", "e", now=T0)
    assert refused.value.retry_after >= 1


def test_limit_parse_rejects_nonsense():
    with pytest.raises(ValueError):
        Limit.parse("x/60")
    with pytest.raises(ValueError):
        Limit.parse("5/0")


def test_ipv6_clients_are_counted_per_64_block():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")

    assert client_ip(one) == client_ip(other) == "2001:db8:1:2::/64"


@override_settings(LOOKUP_PROXY_HOPS=1)
def test_behind_one_proxy_the_last_forwarded_address_counts():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")

    assert client_ip(request) == "10.1.2.3"


def test_without_a_proxy_forwarded_headers_are_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_ip(request) == "10.9.9.9"
