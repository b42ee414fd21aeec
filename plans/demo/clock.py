"""The demo's clock: plans with a history are written on the days they happened (`demo_clock`, `Timeline`)."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import django.utils.timezone as django_timezone

_RealDatetime = datetime.datetime


class _AnyDatetime(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, _RealDatetime)

    def __subclasscheck__(cls, sub) -> bool:
        return issubclass(sub, _RealDatetime)


def _clock_class(moment: datetime.datetime) -> type:
    class ClockDatetime(_RealDatetime, metaclass=_AnyDatetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    return ClockDatetime


@contextmanager
def demo_clock(moment: datetime.datetime) -> Iterator[None]:
    """Django's clock (`timezone.now`, `localdate`, auto_now fields, `default=timezone.now`) reads `moment`.

    Only for seeding the demo, in one thread: `django.utils.timezone` reads the time through its module-level
    `datetime`, which this replaces for the duration of the block.
    """
    with mock.patch.object(django_timezone, "datetime", _clock_class(moment)):
        yield


class Timeline:
    """Hands out moments on given days, a minute apart, so records of one day keep their order."""

    def __init__(self, today: datetime.date):
        self.today = today
        self._step = 0

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    @contextmanager
    def at(self, days_ago: int) -> Iterator[datetime.date]:
        self._step += 1
        day = self.day(days_ago)
        base = _RealDatetime.combine(day, datetime.time(8, 30), tzinfo=django_timezone.get_current_timezone())
        with demo_clock(base + datetime.timedelta(minutes=self._step)):
            yield day
