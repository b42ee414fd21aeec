"""The draft form laid out as the plan's format declares it (`plans.format`): its parts and their rows."""

from django import template

register = template.Library()


@register.filter
def form_sections(form, texts=None) -> list[dict]:
    """The draft form's parts, each with its rows (one field, two side by side, or the goals)."""
    return form.sections(texts)


@register.filter
def goal_rows(goal_form, texts=None) -> list[dict]:
    """A goal form's rows, each field with the standard texts it offers."""
    return goal_form.rows(texts)


@register.filter
def reading(content, page: str) -> list[dict]:
    """A frozen content's parts as `page` ("staff", "parent", "pupil", "pdf") shows them (`plans.format.reading`)."""
    from ..format.reading import reading as read

    return read(content, page)
