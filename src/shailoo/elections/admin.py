# SPDX-License-Identifier: Apache-2.0
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from shailoo.elections.models import Candidate, Constituency, Election, Kenesh, PartyList


@admin.register(Kenesh)
class KeneshAdmin(admin.ModelAdmin):
    list_display = ["name_ky", "name_ru", "kind", "territory", "seats"]
    list_filter = ["kind"]
    search_fields = ["name_ky", "name_ru"]
    autocomplete_fields = ["territory"]


class ConstituencyInline(admin.TabularInline):
    model = Constituency
    extra = 0
    fields = ["number", "name_ky", "name_ru", "seats", "women_seats", "max_marks"]
    show_change_link = True


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_ky", "election_day", "evoting", "corrections_deadline", "enrolment_deadline"]
    list_filter = ["evoting", "kenesh__kind"]
    search_fields = ["slug", "name_ky", "name_ru"]
    autocomplete_fields = ["kenesh"]
    inlines = [ConstituencyInline]
    fieldsets = [
        (None, {"fields": ["kenesh", "slug", "name_ky", "name_ru", "election_day", "evoting", "retention_days"]}),
        (_("Calendar overrides (empty: as computed from election day)"), {
            "fields": ["check_window_opens", "check_window_closes", "corrections_until", "enrolment_until"],
        }),
    ]

    @admin.display(description=_("corrections until"))
    def corrections_deadline(self, election):
        return election.calendar.corrections_until

    @admin.display(description=_("e-voting enrolment until"))
    def enrolment_deadline(self, election):
        return election.calendar.enrolment_until


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ["ballot_order", "surname", "name", "patronymic", "gender"]


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "election", "seats", "women_seats"]
    list_filter = ["election"]
    filter_horizontal = ["precincts"]
    inlines = [CandidateInline]


@admin.register(PartyList)
class PartyListAdmin(admin.ModelAdmin):
    list_display = ["party_ky", "party_ru", "election", "ballot_order"]
    list_filter = ["election"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "gender", "election", "constituency", "party_list", "ballot_order"]
    list_filter = ["election", "gender"]
    search_fields = ["surname", "name"]
