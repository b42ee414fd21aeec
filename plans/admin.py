"""The configurable lists of the plans app (superusers only); plan content is never edited here."""

from django.contrib import admin

from .models import UitstroomOption


@admin.register(UitstroomOption)
class UitstroomOptionAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "school_types", "active", "order")
    list_filter = ("active",)
    list_editable = ("active", "order")
    search_fields = ("label", "code")
