# SPDX-License-Identifier: Apache-2.0
"""The public check's part of the demo: a call-centre operator account and what to try where."""
from django.conf import settings
from django.contrib.auth import get_user_model

from shailoo.register.models import VoterListEntry
from shailoo.staff.models import StaffAssignment

OPERATOR_USERNAME = "operator"
# A demo-only password, printed by `shailoo demo`; the account is not created in production.
OPERATOR_PASSWORD = "operator-1255-demo"  # noqa: S105


def _sample_pin(election, **filters) -> str:
    entry = (VoterListEntry.objects.filter(election=election, **filters)
             .select_related("citizen").order_by("pk").first())
    return entry.citizen.pin if entry else "—"


def seed(*, election, out) -> None:
    """Create the demo operator (once) and print the URLs and PINs to try. Idempotent."""
    base = settings.DEMO_BASE_URL
    out.write("\nPublic voter-list check:")
    out.write(f"  web page            {base}/  (or /check/), find by address {base}/where/")
    precinct = (VoterListEntry.objects.filter(election=election, status=VoterListEntry.Status.LISTED)
                .values_list("precinct__number", flat=True).order_by("precinct__number").first())
    if precinct:
        out.write(f"  a precinct page     {base}/precincts/{precinct}/")
    out.write(f"  JSON API            POST {base}/api/v1/lookup, docs {base}/api/docs")
    listed = _sample_pin(election, status=VoterListEntry.Status.LISTED, voting_mode=VoterListEntry.VotingMode.PAPER)
    electronic = _sample_pin(election, voting_mode=VoterListEntry.VotingMode.ELECTRONIC)
    out.write(f"  PINs to try         on the list: {listed}; "
              + (f"votes electronically: {electronic}; " if electronic != "—" else "")
              + f"not eligible: {_sample_pin(election, status=VoterListEntry.Status.INELIGIBLE)}; "
              "on no list: 21705199099999")
    out.write(f"  curl                curl -s {base}/api/v1/lookup -H 'Content-Type: application/json' "
              f"-d '{{\"pin\": \"{listed}\", \"lang\": \"ru\"}}'")
    if settings.PRODUCTION:
        out.write("  call-centre console: no demo operator in production; give a staff account the operator role")
        return
    user, created = get_user_model().objects.get_or_create(username=OPERATOR_USERNAME)
    if created:
        user.set_password(OPERATOR_PASSWORD)
        user.save(update_fields=["password"])
    StaffAssignment.objects.get_or_create(user=user, role=StaffAssignment.Role.OPERATOR)
    # The commission's part of the demo may have made this account already, with its own password.
    password = OPERATOR_PASSWORD if user.check_password(OPERATOR_PASSWORD) else "(the staff password above)"
    out.write(f"  call-centre console {base}/operator/  login {OPERATOR_USERNAME} / {password}")
