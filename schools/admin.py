"""Functional administration of organisations and accounts (superusers only).

Pupils, guardians and plans are deliberately absent: they are changed only through
the portal's own pages, whose service functions write the audit trail."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Board, Guardian, Membership, Pupil, Samenwerkingsverband, School, User


def is_family_address(email: str) -> bool:
    """An address the school recorded for a guardian or a pupil: the key to that person's own decisions."""
    email = (email or "").strip()
    return bool(email) and (Guardian.objects.filter(email__iexact=email).exists()
                            or Pupil.objects.filter(email__iexact=email).exists())


def is_family_account(user: User) -> bool:
    return (Guardian.objects.filter(user=user).exists() or Pupil.objects.filter(user=user).exists()
            or is_family_address(user.email))


FAMILY_ADDRESS = _(
    "Dit e-mailadres heeft de school vastgelegd voor een ouder of een leerling. Zij loggen zelf in met een code die "
    "naar dat adres gaat; hun account ontstaat bij de eerste keer inloggen en wordt niet in het beheer gemaakt of "
    "gewijzigd. Zo beslist alleen de ouder of leerling zelf over het plan."
)


def _own_address(email: str, current: str = "") -> str:
    """A functional administrator never makes an account with, or moves an account to, a family's address: with a
    password they chose they could sign in as that parent and decide for them."""
    if email and email.strip().lower() != (current or "").strip().lower() and is_family_address(email):
        raise forms.ValidationError(FAMILY_ADDRESS)
    return email


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

    def clean_email(self):
        return _own_address(self.cleaned_data.get("email", ""))


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "is_active", "is_staff", "is_superuser")

    def clean_email(self):
        return _own_address(self.cleaned_data.get("email", ""), self.instance.email)


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
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")

    def user_change_password(self, request, id, form_url=""):
        """Parents and pupils have no password the administrator sets: a password set here would let the
        administrator sign in as them (they need no second factor) and decide in their name."""
        user = self.get_object(request, admin.utils.unquote(id))
        if user is not None and is_family_account(user):
            self.message_user(request, FAMILY_ADDRESS, messages.ERROR)
            return redirect(reverse("admin:schools_user_change", args=[user.pk]))
        return super().user_change_password(request, id, form_url)
