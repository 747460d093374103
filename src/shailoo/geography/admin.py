# SPDX-License-Identifier: Apache-2.0
from django.contrib import admin

from shailoo.geography.models import AddressRange, District, Municipality, Precinct, Region, Settlement


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ky", "name_ru"]
    search_fields = ["name", "name_ky", "name_ru"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_ky", "name_ru"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", "district__region"]
    search_fields = ["name", "name_ky", "name_ru"]


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality__district__region"]
    search_fields = ["name", "name_ky", "name_ru"]
    autocomplete_fields = ["municipality"]


class AddressRangeInline(admin.TabularInline):
    model = AddressRange
    extra = 0
    fields = ["settlement", "street", "first_house", "last_house"]
    autocomplete_fields = ["settlement"]


@admin.register(Precinct)
class PrecinctAdmin(admin.ModelAdmin):
    list_display = ["number", "name_ky", "name_ru", "municipality", "phone"]
    list_filter = ["municipality__district__region"]
    search_fields = ["number", "name_ky", "name_ru", "address_ky", "address_ru"]
    autocomplete_fields = ["municipality"]
    inlines = [AddressRangeInline]
