"""How forms are rendered (issue 12): through Jinja2, which renders Django's own templates in about half the time
Django's template engine takes. Widgets use Django's templates (it ships both versions with the same markup);
whole forms and fields use ours in templates/jinja2/opp/, which give the Bootstrap 5 markup crispy-bootstrap5
gave (crispy's field template cost 0.6 ms a field: 8 ms on the consent page). Templates only Django's engine has
(the admin's widgets) are rendered by it, as before."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils import translation
from django.utils.functional import cached_property
from jinja2 import Environment

from .errors import focus_first_error


def widget_kind(field: forms.BoundField) -> str:
    """Which of crispy-bootstrap5's layouts a field gets; its test order matters (a hidden checkbox is hidden)."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return "choices"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def bootstrap_widget(field: forms.BoundField, classes: str) -> str:
    """The widget with the classes crispy's `crispy_field` tag gave it: its own, its lower-cased class name (the
    stylesheet and scripts may select on `dateinput`, `textarea`, …) and Bootstrap's. Passed to this rendering
    only: crispy wrote them into the widget's attrs, where the widget's own class key keeps its place, as here."""
    widget = field.field.widget
    name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if not css:
        css = name
    elif name not in css:  # crispy tests the substring, not the word
        css = f"{css} {name}"
    present = css.split()
    for extra in classes.split():
        if extra not in present:
            css = f"{css} {extra}"
            present.append(extra)
    html = field.as_widget(attrs={"class": css})
    if field.field.show_hidden_initial:
        return html + field.as_hidden(only_initial=True)
    return html


def choice_groups(field: forms.BoundField):
    """The options of radios and checkboxes, with the attributes Django would give them (crispy's `optgroups`)."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    return widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.filters["widget_kind"] = widget_kind
    env.filters["choice_groups"] = choice_groups
    env.globals["bootstrap_widget"] = bootstrap_widget
    env.globals["focus_first_error"] = focus_first_error
    return env


class WidgetRenderer(Jinja2):
    form_template_name = "opp/form.html"
    field_template_name = "opp/field.html"

    @cached_property
    def engine(self):
        return self.backend({
            "APP_DIRS": True,
            "DIRS": [settings.BASE_DIR / "templates" / "jinja2", Path(forms.__file__).parent / "jinja2"],
            "NAME": "djangoforms",
            "OPTIONS": {"environment": "opp_portal.form_renderer.environment"},
        })

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()


# --- unbound forms, rendered once per what they show -------------------------------------------------------------

_UNBOUND: dict[tuple, str] = {}
_UNBOUND_MOST = 512


def _plain(value) -> object:
    """A value of a form's definition as something hashable that compares by what it shows (lazy texts as text)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), _plain(item)) for key, item in value.items()))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


class RenderedOnceUnbound:
    """For forms on busy pages that are shown empty on almost every visit (the consent page's four: 1.7 ms of
    rendering a visit, issue 12): an unbound form's HTML is made once per process for everything it is made
    from — the form's class, prefix and ids, the language, and per field its type, label, help text, required,
    disabled, initial value (callables such as "in two weeks" called), choices and widget with its attributes.
    A form bound to data (shown again with errors) is rendered as always. Only for forms whose fields' choices
    are plain lists, not querysets (which would be read to make the key)."""

    def _unbound_key(self) -> tuple:
        fields = []
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            fields.append((
                name, type(field).__name__, type(widget).__name__, str(field.label), str(field.help_text),
                field.required, field.disabled, field.show_hidden_initial,
                _plain(self.get_initial_for_field(field, name)),  # type: ignore[attr-defined]
                _plain(getattr(field, "choices", None)), _plain(widget.attrs), getattr(widget, "input_type", None),
            ))
        return (type(self).__module__, type(self).__qualname__, translation.get_language(),
                self.prefix, self.auto_id, self.label_suffix, _plain(self.initial), tuple(fields))  # type: ignore[attr-defined]

    def render(self, template_name=None, context=None, renderer=None):
        if self.is_bound or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        key = self._unbound_key()
        html = _UNBOUND.get(key)
        if html is None:
            html = super().render()
            if len(_UNBOUND) >= _UNBOUND_MOST:
                _UNBOUND.clear()
            _UNBOUND[key] = html
        return html

    # Django binds these to its own `render` when its class is made: `{{ form }}` calls `__html__`.
    __str__ = render
    __html__ = render
