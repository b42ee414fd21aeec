from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BatchKind
from .periods import REGISTERING_SCHOOL_TYPES


class StartExportForm(forms.Form):
    # A value that is not in the list comes from a changed page, never from the form: said plainly, without
    # repeating what was sent (Django's message quotes it).
    scope = forms.ChoiceField(label=_("Voor"), required=False, error_messages={
        "invalid_choice": _("Kies een school uit de lijst, of het hele bestuur.")})
    kind = forms.ChoiceField(
        label=_("Soort export"), choices=BatchKind.choices, initial=BatchKind.CHANGES, widget=forms.RadioSelect,
        error_messages={"required": _("Kies een soort export."), "invalid_choice": _("Kies een soort export.")},
    )

    def __init__(self, *args, board, schools=None, **kwargs):
        """`schools`: the board's schools in (brin, vestiging) order when the caller already read them (anything
        with `uuid`, `name`, `code` and `school_type`: the board's page passes its kept `SchoolCount`s for a form it
        only shows; a form that is sent reads the schools itself, so `scope` cleans to a School)."""
        super().__init__(*args, **kwargs)
        if schools is None:
            schools = board.schools.order_by("brin", "vestiging")
        self.schools = {str(s.uuid): s for s in schools if s.school_type in REGISTERING_SCHOOL_TYPES}
        self.fields["scope"].choices = [("", _("het hele bestuur"))] + [
            (key, f"{s.name} ({s.code})") for key, s in self.schools.items()
        ]

    def clean_scope(self):
        value = self.cleaned_data.get("scope") or ""
        return self.schools.get(value) if value else None
