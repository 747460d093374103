# SPDX-License-Identifier: Apache-2.0
"""The register and the lists are read-only here: the register changes by import, a list by decisions."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shailoo.register.models import Citizen, VoterListEntry
from shailoo.web.admin import ReadOnlyAdmin


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdmin):
    list_display = ["pin", "surname", "name", "birth_date", "gender", "settlement", "biometric"]
    list_filter = ["biometric", "gender"]
    # Exact PIN only: no browsing the register by partial numbers or names. `__exact`, not `=` (which is
    # iexact): PostgreSQL answers an exact match from the PIN index, a case-insensitive one by a full scan.
    search_fields = ["pin__exact"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("pin")


@admin.register(VoterListEntry)
class VoterListEntryAdmin(ReadOnlyAdmin):
    list_display = ["citizen", "election", "precinct", "status", "reasons_display", "voting_mode", "source"]
    list_filter = ["election", "status", "voting_mode", "source"]
    search_fields = ["citizen__pin__exact", "precinct__number__exact"]
    list_select_related = ["citizen", "election", "precinct"]
    show_full_result_count = False

    @admin.display(description=_("why not eligible"))
    def reasons_display(self, entry):
        return ", ".join(str(reason) for reason in entry.ineligibility)
