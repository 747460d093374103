# SPDX-License-Identifier: Apache-2.0
"""Precinct protocols (two independent entries, a scan, changes by decision), the e-vote's own count,
lots drawn for ties, and the computed results as published (docs/results.md)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shailoo.elections.models import Candidate, Constituency, Election
from shailoo.geography.models import Precinct


class ResultRules(models.Model):
    """The points the law may settle otherwise, one setting each (docs/results.md says the reading)."""

    class WomenRule(models.TextChoices):
        REPLACE_LAST_MAN = "replace_last_man", _("the best woman not elected replaces the elected man with fewest votes")
        NONE = "none", _("no reservation")

    class Method(models.TextChoices):
        HARE = "hare", _("Hare quota with largest remainders")
        DHONDT = "dhondt", _("D'Hondt highest averages")

    class ThresholdBase(models.TextChoices):
        TOOK_PART = "took_part", _("voters who took part")
        VALID = "valid", _("valid ballots")

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="result_rules")
    women_rule = models.CharField(max_length=20, choices=WomenRule.choices, default=WomenRule.REPLACE_LAST_MAN)
    seat_method = models.CharField(max_length=10, choices=Method.choices, default=Method.HARE)
    threshold_percent = models.DecimalField(max_digits=5, decimal_places=2, default=5)
    threshold_base = models.CharField(max_length=10, choices=ThresholdBase.choices, default=ThresholdBase.TOOK_PART)
    against_all = models.BooleanField(_("the ballot has “against all”"), default=False)
    final_at = models.DateTimeField(_("results declared final at"), null=True, blank=True)

    class Meta:
        verbose_name = _("result rules")
        verbose_name_plural = _("result rules")

    def __str__(self) -> str:
        return str(self.election)


class Withdrawal(models.Model):
    """A candidate who withdrew (or was struck off): skipped on the list and in the count of seats."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="withdrawal")
    on = models.DateField(_("withdrew on"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")

    def __str__(self) -> str:
        return str(self.candidate)


class Protocol(models.Model):
    """One precinct's protocol for one constituency; its figures are those both entries agreed on."""

    class State(models.TextChoices):
        AWAITING_FIRST = "awaiting_first", _("not entered")
        AWAITING_SECOND = "awaiting_second", _("waiting for the second entry")
        MISMATCH = "mismatch", _("the two entries differ")
        ACCEPTED = "accepted", _("accepted")

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="protocols")
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="protocols")
    state = models.CharField(max_length=16, choices=State.choices, default=State.AWAITING_FIRST)
    figures = models.JSONField(null=True, blank=True, help_text=_("the accepted figures"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    scan_name = models.CharField(max_length=100, blank=True)
    scan_type = models.CharField(max_length=40, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("precinct protocol")
        verbose_name_plural = _("precinct protocols")
        ordering = ["constituency", "precinct__number"]
        constraints = [models.UniqueConstraint(fields=["constituency", "precinct"], name="one_protocol_per_precinct")]
        indexes = [models.Index(fields=["constituency", "state"])]

    def __str__(self) -> str:
        return f"{self.constituency} · {self.precinct.number}"


class ProtocolEntry(models.Model):
    """One member's entry of a protocol, kept whether or not it was accepted."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    figures = models.JSONField()

    class Meta:
        ordering = ["entered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.protocol_id}:{self.pk}"


class ProtocolChange(models.Model):
    """A change of an accepted protocol by the territorial commission's decision."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="changes")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(_("decision number"), max_length=60)
    reason = models.TextField(_("reason"))
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.protocol_id}: {self.decision}"


class ElectronicCount(models.Model):
    """The e-vote of one constituency: its own counting unit, from the tally of the published record."""

    constituency = models.OneToOneField(Constituency, on_delete=models.CASCADE, related_name="electronic_count")
    ballots = models.PositiveIntegerField()
    votes = models.JSONField(help_text=_("candidate or party list id -> votes"))
    against_all = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=500, help_text=_("the record it was read from"))
    record_sha256 = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.constituency_id}: {self.ballots}"


class Lot(models.Model):
    """A lot the commission drew between tied candidates or lists: who drew, when, the order drawn."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="lots")
    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, null=True, blank=True, related_name="lots")
    purpose = models.CharField(max_length=20)
    between = models.JSONField(help_text=_("the tied ids, ascending"))
    order = models.JSONField(help_text=_("the order drawn, first ranks highest"))
    drawn_by = models.CharField(_("who drew"), max_length=200)
    drawn_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["drawn_at", "pk"]

    def __str__(self) -> str:
        return f"{self.election_id}: {self.order}"


class Publication(models.Model):
    """The computed results of an election as published: one document, served to every reader."""

    election = models.OneToOneField(Election, on_delete=models.CASCADE, related_name="publication")
    document = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.election_id} @ {self.computed_at}"
