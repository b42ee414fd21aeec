"""Functional administration of organisations and accounts (superusers only).

Pupils, guardians and plans are deliberately absent: they are changed only through
the portal's own pages, whose service functions write the audit trail."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import Board, Membership, Samenwerkingsverband, School, User


@admin.register(Samenwerkingsverband)
class SamenwerkingsverbandAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sector", "funding_model")
    search_fields = ("code", "name")


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("number", "name")
    search_fields = ("number", "name")


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "brin", "vestiging", "school_type", "board", "swv")
    list_filter = ("school_type", "board", "swv")
    search_fields = ("name", "brin")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("school", "board", "swv")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Rechten", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")
