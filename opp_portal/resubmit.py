"""A form sent twice (a double click, a double tap, the browser's resend after a slow answer) records once.

Services that append a record ask `same_as_last` before they write: when the user's last record of this kind
holds exactly the values of this request, that record is the answer and nothing new is recorded (or mailed).
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def same_as_last(records: "QuerySet[M]", **values: Any) -> M | None:
    """The newest of `records` when it holds exactly `values` (attribute names, ids as `*_id`), else None."""
    last = records.order_by("-created_at", "-pk").first()
    if last is not None and all(getattr(last, name) == value for name, value in values.items()):
        return last
    return None
