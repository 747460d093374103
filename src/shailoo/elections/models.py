# SPDX-License-Identifier: Apache-2.0
"""Keneshes, elections with their calendars, constituencies, candidates and party lists."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from shailoo.geography.models import Municipality, Precinct
from shailoo.rules.calendar import ElectionCalendar
from shailoo.rules.names import kyrgyz_to_latin


def _localised(obj, field: str) -> str:
    """Russian for ru, Kyrgyz for ky, the Kyrgyz in Latin letters for English pages."""
    language = (get_language() or "ky")[:2]
    if language == "en":
        return kyrgyz_to_latin(getattr(obj, f"{field}_ky"))
    return getattr(obj, f"{field}_ru" if language == "ru" else f"{field}_ky")


class Kenesh(models.Model):
    """A local council; its territory is one aiyl aimak or one city."""

    class Kind(models.TextChoices):
        AIYL = "aiyl", _("aiyl kenesh")
        CITY = "city", _("city kenesh")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    name_ky = models.CharField(_("name in Kyrgyz"), max_length=300)
    name_ru = models.CharField(_("name in Russian"), max_length=300)
    territory = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="keneshes")
    seats = models.PositiveSmallIntegerField(_("seats"))

    class Meta:
        verbose_name = _("kenesh")
        verbose_name_plural = _("keneshes")

    def __str__(self) -> str:
        return _localised(self, "name")


class Election(models.Model):
    kenesh = models.ForeignKey(Kenesh, on_delete=models.PROTECT, related_name="elections")
    name_ky = models.CharField(_("name in Kyrgyz"), max_length=300)
    name_ru = models.CharField(_("name in Russian"), max_length=300)
    slug = models.SlugField(unique=True, help_text=_("short name used in commands, e.g. samarkandek-2026"))
    election_day = models.DateField(_("election day"))
    evoting = models.BooleanField(_("offers electronic voting"), default=False)
    retention_days = models.PositiveIntegerField(
        _("days after election day to keep uploaded documents"), default=90
    )
    # Overrides of the computed calendar; empty means "as the law computes it from election day".
    check_window_opens = models.DateField(_("list check opens"), null=True, blank=True)
    check_window_closes = models.DateField(_("list check closes"), null=True, blank=True)
    corrections_until = models.DateField(_("corrections until (inclusive)"), null=True, blank=True)
    enrolment_until = models.DateField(_("e-voting enrolment until (inclusive)"), null=True, blank=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-election_day"]

    def __str__(self) -> str:
        return _localised(self, "name")

    @property
    def kind(self) -> str:
        return self.kenesh.kind

    @property
    def calendar(self) -> ElectionCalendar:
        return ElectionCalendar.for_election_day(
            self.election_day,
            check_window_opens=self.check_window_opens,
            check_window_closes=self.check_window_closes,
            corrections_until=self.corrections_until,
            enrolment_until=self.enrolment_until,
        )

    def clean(self) -> None:
        for field in ("check_window_opens", "check_window_closes", "corrections_until", "enrolment_until"):
            day = getattr(self, field)
            if day and self.election_day and day > self.election_day:
                raise ValidationError({field: _("A deadline cannot fall after election day.")})


class Constituency(models.Model):
    """An electoral district (okrug) of an election: multi-member, with seats reserved for women."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="constituencies")
    number = models.PositiveSmallIntegerField(_("number"))
    name_ky = models.CharField(_("name in Kyrgyz"), max_length=300)
    name_ru = models.CharField(_("name in Russian"), max_length=300)
    seats = models.PositiveSmallIntegerField(_("seats"))
    women_seats = models.PositiveSmallIntegerField(_("seats reserved for women"), default=0)
    max_marks = models.PositiveSmallIntegerField(
        _("most candidates a voter may mark"), null=True, blank=True, help_text=_("empty: as many as seats")
    )
    precincts = models.ManyToManyField(Precinct, related_name="constituencies", blank=True)

    class Meta:
        verbose_name = _("constituency")
        verbose_name_plural = _("constituencies")
        ordering = ["election", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="constituency_number_unique"),
            models.CheckConstraint(condition=models.Q(women_seats__lte=models.F("seats")), name="women_seats_within_seats"),
        ]

    def __str__(self) -> str:
        return f"№{self.number} {_localised(self, 'name')}"

    @property
    def label(self) -> str:
        """Named as a constituency, the word once, in the page's language: "№1 Самаркандек шайлоо округу",
        "Избирательный округ №1 Самаркандек", "Constituency №1 Samarkandek" (the stored name is the place)."""
        return gettext("Constituency %(constituency)s") % {"constituency": self}


class PartyList(models.Model):
    """A party's list of candidates in a city kenesh election."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="party_lists")
    party_ky = models.CharField(_("party in Kyrgyz"), max_length=300)
    party_ru = models.CharField(_("party in Russian"), max_length=300)
    ballot_order = models.PositiveSmallIntegerField(_("place on the ballot"))

    class Meta:
        verbose_name = _("party list")
        verbose_name_plural = _("party lists")
        ordering = ["election", "ballot_order"]
        constraints = [models.UniqueConstraint(fields=["election", "ballot_order"], name="party_list_order_unique")]

    def __str__(self) -> str:
        return _localised(self, "party")


class Candidate(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    constituency = models.ForeignKey(
        Constituency, on_delete=models.CASCADE, null=True, blank=True, related_name="candidates"
    )
    party_list = models.ForeignKey(PartyList, on_delete=models.CASCADE, null=True, blank=True, related_name="candidates")
    surname = models.CharField(_("surname"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    ballot_order = models.PositiveSmallIntegerField(_("place on the ballot or list"))

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["election", "constituency", "party_list", "ballot_order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(constituency__isnull=True) | models.Q(party_list__isnull=True),
                name="candidate_in_constituency_or_list",
            )
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.surname, self.name, self.patronymic) if part)
