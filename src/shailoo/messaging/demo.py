# SPDX-License-Identifier: Apache-2.0
"""The SMS 119 part of the demo: nothing to load, only how to try the channel locally."""
from django.conf import settings

from shailoo.register.models import VoterListEntry


def seed(*, election, out) -> None:
    """Print curl lines that play a gateway delivering an SMS to 119 (idempotent: writes nothing)."""
    entry = (
        VoterListEntry.objects.filter(election=election, status=VoterListEntry.Status.LISTED)
        .select_related("citizen").order_by("pk").first()
    )
    pin = entry.citizen.pin if entry else "21705199000123"
    base = settings.DEMO_BASE_URL
    out.write("\nSMS 119 (docs/sms.md):")
    secret = settings.SMS_INBOUND["inbound"]["secret"]
    if not secret:
        out.write("  no webhook secret is configured (SHAILOO_SMS_INBOUND_SECRET, ..._JASMIN_..., ..._KANNEL_...)")
        return
    out.write(f"  a demo voter's PIN: {pin}; webhook secret: {secret}")
    out.write(f"  generic JSON:  curl -s {base}/sms/inbound -H 'X-Shailoo-Secret: {secret}' "
              f"-H 'Content-Type: application/json' -d '{{\"id\":\"demo-1\",\"from\":\"+996555000001\",\"to\":\"119\","
              f"\"text\":\"RU {pin}\"}}'")
    kannel_secret = settings.SMS_INBOUND["kannel"]["secret"]
    out.write(f"  Kannel:        curl -s '{base}/sms/kannel?secret={kannel_secret}&id=demo-2&from=996555000002&to=119"
              f"&text=KG+{pin}'")
    jasmin_secret = settings.SMS_INBOUND["jasmin"]["secret"]
    out.write(f"  Jasmin:        curl -s '{base}/sms/jasmin?secret={jasmin_secret}' -d id=demo-3 -d from=996555000003 "
              f"-d to=119 -d content={pin}")
    out.write(f"  replies go out through the '{settings.SMS_SENDER}' sender: with 'log', the worker "
              "(started by `make run`) writes them to its log, the recipient's number hashed.")
