"""One family of errors for a rule that refuses a step, and one way a page shows them.

Every app's rule errors derive from `RuleViolation`: `PlanRuleError` (plans), `ConsentError` (consent),
`SchoolRuleError` (schools: pupils, guardians, transfers) and `ExportRuleError` (registration). The message is
Dutch and meant for the user; `field` names the form field it belongs next to (None: the form as a whole), so a
view never has to guess the field from the words of the message:

    raise ConsentError(_("Schrijf op welke pogingen de school heeft gedaan."), field="attempts")

    try:
        services.record_unreachable(...)
    except services.ConsentError as error:
        show_on_form(form, error)

A `RuleViolation` is a `django.core.exceptions.ValidationError`, so code that catches those keeps working.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class RuleViolation(ValidationError):
    """A rule of the law, of a plan's lifecycle or of the data refuses the step; nothing was saved."""

    def __init__(self, message, code=None, params=None, *, field: str | None = None):
        super().__init__(message, code=code, params=params)
        self.field = field


def field_of(error: ValidationError) -> str | None:
    return getattr(error, "field", None)


def show_on_form(form: forms.BaseForm, error: ValidationError, *, default: str | None = None) -> None:
    """Put the error's message(s) next to the field it names (or `default`), or above the form when the form has
    no such field. A ValidationError with a dict of field errors puts each next to its own field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    field = next((n for n in (field_of(error), default) if n and n in form.fields and n != NON_FIELD_ERRORS), None)
    form.add_error(field, error)


def message_of(error: ValidationError) -> str:
    """The error's messages as one sentence, for a page that shows it as a notice rather than on a form."""
    return " ".join(error.messages)


def focus_first_error(form: forms.BaseForm) -> forms.BaseForm:
    """Put the cursor on the first field with an error: the browser focuses it on load (also without
    JavaScript), and static/js/portal.js scrolls it, with its message, into the middle of the screen. A page has
    one such place: any other field's `autofocus` (a sign-in form's own) is taken away, and radios and checkboxes
    keep it on their first option only (each option inherits the widget's attributes). Idempotent; the form
    template calls it for every form it renders whole (templates/jinja2/opp/form.html)."""
    elsewhere = getattr(form, "focus_elsewhere", False)  # another form on the page has it (`one_focus`)
    first = None if elsewhere else next((name for name in form.fields if name in form.errors), None)
    if first is None and not elsewhere:
        return form  # no error: the form keeps its own autofocus (the sign-in's address field)
    for name, field in form.fields.items():
        widget = field.widget
        if name != first:
            widget.attrs.pop("autofocus", None)
            continue
        widget.attrs["autofocus"] = True
        widget.attrs["aria-invalid"] = "true"
        if isinstance(widget, forms.widgets.ChoiceWidget) and not getattr(widget, "_first_option_focused", False):
            widget.create_option = _first_option_only(widget.create_option)  # type: ignore[method-assign]
            widget._first_option_focused = True  # type: ignore[attr-defined]
    return form


def _first_option_only(create_option):
    def create(name, value, label, selected, index, subindex=None, attrs=None):
        option = create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if index or subindex:
            option["attrs"] = {key: item for key, item in option["attrs"].items() if key != "autofocus"}
        return option
    return create


def one_focus(*forms_on_the_page: forms.BaseForm) -> None:
    """Several forms on one page (a pupil and their enrolment): only the first with an error takes the cursor."""
    focused = False
    for form in forms_on_the_page:
        if focused:
            form.focus_elsewhere = True  # type: ignore[attr-defined]
        focus_first_error(form)
        focused = focused or any(name in form.errors for name in form.fields)
