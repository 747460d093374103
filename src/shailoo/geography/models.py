# SPDX-License-Identifier: Apache-2.0
"""Administrative geography and precincts.

Region → district → municipality (aiyl aimak or city) → settlement. Names are kept as the population
register spells them (`name`, matched through `key`), with Kyrgyz and Russian display names.
"""
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shailoo.rules.addresses import name_key, settlement_key, street_key
from shailoo.rules.names import kyrgyz_to_latin


def _localised(kyrgyz: str, russian: str) -> str:
    """Russian for ru, Kyrgyz for ky, the Kyrgyz in Latin letters for English pages."""
    language = get_language() or "ky"
    if language.startswith("ru"):
        return russian
    if language.startswith("en"):
        return kyrgyz_to_latin(kyrgyz)
    return kyrgyz


class Named(models.Model):
    name = models.CharField(_("name in the register"), max_length=200)
    name_ky = models.CharField(_("name in Kyrgyz"), max_length=200, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        language = get_language() or "ky"
        if language.startswith("ru"):
            return self.name_ru or self.name
        if language.startswith("en"):  # the Kyrgyz name in Latin letters
            return kyrgyz_to_latin(self.name_ky or self.name)
        return self.name_ky or self.name

    def __str__(self) -> str:
        return self.display_name


class Region(Named):
    key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class District(Named):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    key = models.CharField(max_length=200, editable=False)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="district_unique_in_region")]

    def save(self, *args, **kwargs):
        self.key = name_key(self.name)
        super().save(*args, **kwargs)


class Municipality(Named):
    """An aiyl aimak or a city: the territory of one local kenesh."""

    class Kind(models.TextChoices):
        AIYL_AIMAK = "aiyl_aimak", _("aiyl aimak")
        CITY = "city", _("city")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="municipalities")
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("aiyl aimak or city")
        verbose_name_plural = _("aiyl aimaks and cities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="municipality_unique_in_district")]


class Settlement(Named):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="settlements")
    # region/district/settlement as the register writes them, normalised: how citizens are matched.
    key = models.CharField(max_length=620, unique=True, editable=False)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        district = self.municipality.district
        self.key = settlement_key(district.region.name, district.name, self.name)
        super().save(*args, **kwargs)


class Precinct(models.Model):
    number = models.CharField(
        _("number"), max_length=4, unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("A precinct number has 4 digits."))],
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="precincts")
    name_ky = models.CharField(_("name in Kyrgyz"), max_length=300)
    name_ru = models.CharField(_("name in Russian"), max_length=300)
    address_ky = models.CharField(_("address in Kyrgyz"), max_length=300)
    address_ru = models.CharField(_("address in Russian"), max_length=300)
    phone = models.CharField(_("commission phone"), max_length=40, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("precinct")
        verbose_name_plural = _("precincts")
        ordering = ["number"]
        constraints = [models.CheckConstraint(condition=models.Q(number__regex=r"^[0-9]{4}$"), name="precinct_number_4_digits")]

    def __str__(self) -> str:
        return f"№{self.number} {self.name}"

    @property
    def name(self) -> str:
        return _localised(self.name_ky, self.name_ru)

    @property
    def address(self) -> str:
        return _localised(self.address_ky, self.address_ru)


class AddressRange(models.Model):
    """One interval of house numbers on one street (or the whole settlement) that a precinct serves."""

    WHOLE = "*"

    precinct = models.ForeignKey(Precinct, on_delete=models.CASCADE, related_name="address_ranges")
    settlement = models.ForeignKey(Settlement, on_delete=models.PROTECT, related_name="address_ranges")
    street = models.CharField(_("street"), max_length=200, help_text=_("* for the whole settlement"))
    street_key = models.CharField(max_length=200, editable=False, db_index=True)
    first_house = models.PositiveIntegerField(_("first house"), default=0)
    last_house = models.PositiveIntegerField(_("last house"), null=True, blank=True, help_text=_("empty: no upper end"))

    class Meta:
        verbose_name = _("address range")
        verbose_name_plural = _("address ranges")
        ordering = ["settlement", "street_key", "first_house"]
        indexes = [models.Index(fields=["settlement", "street_key", "first_house"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_house__isnull=True) | models.Q(last_house__gte=models.F("first_house")),
                name="address_range_ordered",
            )
        ]

    def save(self, *args, **kwargs):
        self.street_key = self.WHOLE if self.street.strip() == self.WHOLE else street_key(self.street)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        last = "*" if self.last_house is None else self.last_house
        return f"{self.settlement}, {self.street} {self.first_house}-{last} → {self.precinct.number}"
