# SPDX-License-Identifier: Apache-2.0
"""The CEC's settings of an election's results (the rules the law may settle otherwise, final or not) and
candidates' withdrawals; protocols change only through the back office (two entries, or a decision)."""
from django.contrib import admin

from shailoo.results.models import ResultRules, Withdrawal
from shailoo.results.publication import recompute


@admin.register(ResultRules)
class ResultRulesAdmin(admin.ModelAdmin):
    list_display = ("election", "women_rule", "seat_method", "threshold_percent", "threshold_base", "against_all",
                    "final_at")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        recompute(obj.election)


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    list_display = ("candidate", "on", "reason")
    raw_id_fields = ("candidate",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        recompute(obj.candidate.election)
