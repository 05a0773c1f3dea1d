from django.contrib import admin

from kanal.core.admin import ReadOnlyAdmin

from .models import Kecamatan, Kelurahan, Region


class ReferenceDataAdmin(ReadOnlyAdmin):
    """Areas come from the region's reference files (load_reference_data); read-only here."""


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "province_name"]


@admin.register(Kecamatan)
class KecamatanAdmin(ReferenceDataAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Kelurahan)
class KelurahanAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "kecamatan", "postal_code"]
    list_filter = ["kecamatan"]
    search_fields = ["code", "name", "postal_code"]
    exclude = ["boundary"]
    readonly_fields = ["min_lat", "max_lat", "min_lng", "max_lng"]
