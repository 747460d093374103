# SPDX-License-Identifier: Apache-2.0
"""Citizens as the population register has them, and the voter list of each election."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from shailoo.elections.models import Election
from shailoo.geography.models import Precinct
from shailoo.rules.eligibility import Ineligibility
from shailoo.rules.names import masked_initials


class Citizen(models.Model):
    """One person of the population register; the register's columns are kept as written."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    pin = models.CharField(_("PIN"), max_length=14, unique=True)
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    region = models.CharField(_("region"), max_length=200)
    district = models.CharField(_("district"), max_length=200)
    settlement = models.CharField(_("settlement"), max_length=200)
    street = models.CharField(_("street"), max_length=200)
    house = models.CharField(_("house"), max_length=20)
    apartment = models.CharField(_("apartment"), max_length=20, blank=True)
    biometric = models.BooleanField(_("biometric registration done"))
    # Derived at import, so that compiling a list is a set-based join.
    settlement_key = models.CharField(max_length=620, db_index=True, editable=False)
    street_key = models.CharField(max_length=200, editable=False)
    house_number = models.PositiveIntegerField(null=True, editable=False)
    row_hash = models.BigIntegerField(editable=False)
    # Where the voter actually lives when away from the registered address (not in the register
    # file: told by the voter or the commission). Voters away from home are who e-voting serves.
    residence = models.CharField(_("lives at, if away from the registered address"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return f"{self.surname} {self.name[:1]}."

    @property
    def initials_masked(self) -> str:
        """`А*** Б.` (shailoo.rules.names.masked_initials): every channel shows the same."""
        return masked_initials(self.surname, self.name)


class VoterListEntry(models.Model):
    class Status(models.TextChoices):
        LISTED = "listed", _("on the list")
        INELIGIBLE = "ineligible", _("not eligible")
        UNASSIGNED = "unassigned", _("eligible, address served by no precinct")

    class VotingMode(models.TextChoices):
        PAPER = "paper", _("on paper at the precinct")
        ELECTRONIC = "electronic", _("electronically")

    class Source(models.TextChoices):
        COMPILED = "compiled", _("compiled from the register")
        DECISION = "decision", _("changed by a commission decision")

    # No index of its own: the unique (election, citizen) and the (election, precinct, status) indexes lead with it.
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="list_entries", db_index=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="list_entries")
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, null=True, blank=True, related_name="list_entries")
    status = models.CharField(max_length=12, choices=Status.choices)
    reasons = models.CharField(
        _("why not eligible"), max_length=100, blank=True,
        help_text=_("comma-separated: ") + ", ".join(reason.value for reason in Ineligibility),
    )
    voting_mode = models.CharField(max_length=12, choices=VotingMode.choices, default=VotingMode.PAPER)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COMPILED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voter list entry")
        verbose_name_plural = _("voter list entries")
        constraints = [
            models.UniqueConstraint(fields=["election", "citizen"], name="one_entry_per_voter_per_election"),
            models.CheckConstraint(
                condition=~models.Q(status="listed") | models.Q(precinct__isnull=False),
                name="listed_voter_has_precinct",
            ),
            models.CheckConstraint(
                condition=models.Q(voting_mode="paper") | models.Q(status="listed"),
                name="only_listed_voters_vote_electronically",
            ),
        ]
        indexes = [models.Index(fields=["election", "precinct", "status"])]

    def __str__(self) -> str:
        return f"{self.election_id}:{self.citizen_id}"

    @property
    def ineligibility(self) -> list[Ineligibility]:
        return [Ineligibility(reason) for reason in self.reasons.split(",") if reason]
