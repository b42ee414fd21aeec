"""Questions an app asks and an app to its right answers: the one way answers flow against the direction of the
imports (schools → plans → consent → registration; DESIGN §3).

An app on the left declares a question in its own module, with the answer that holds while nobody answered it;
where the law needs it, that default fails closed (an adoption requirement stays missing). An app on the right
answers it once, in its `AppConfig.ready()`:

    # plans/sending.py (the left): the page that freezes a version and asks for instemming in one step
    SEND_ROUTE: Question[Callable[[Opp], str | None]] = Question("plans.send_route", default=lambda opp: None)
    url = SEND_ROUTE(opp)

    # consent/apps.py (the right)
    def ready(self):
        SEND_ROUTE.answer(send_route)

`Question` has one answer. `Answers` holds one answer per key, for questions several apps answer (each
adoption requirement, each demo step, each probe for stuck jobs); its asker may `expect` a key with a default
until the app that owns it answers. Answering a question (or a key) twice is an error, so two apps can never
silently overrule each other. Tests replace an answer for the length of a `with` block (`answered_by`,
`unanswered`), never for good.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Generic, TypeVar

A = TypeVar("A")

_NO_DEFAULT: Any = object()


class AlreadyAnswered(RuntimeError):
    """A second answer to a question that has one: two apps would overrule each other."""


class Unanswered(LookupError):
    """The question has no answer and no default: asking it is a programming error, not a user's."""


class Question(Generic[A]):
    """One question with one answer (usually a function); calling the question calls the answer."""

    def __init__(self, name: str, *, default: A = _NO_DEFAULT, doc: str = ""):
        self.name = name
        self.default = default
        self.__doc__ = doc or f"Question {name!r}."
        self._answer: A = _NO_DEFAULT

    def __repr__(self) -> str:
        return f"<Question {self.name}{' (answered)' if self.is_answered else ''}>"

    @property
    def is_answered(self) -> bool:
        return self._answer is not _NO_DEFAULT

    def answer(self, value: A) -> A:
        """Answer the question (from the answering app's `ready()`); a second answer raises `AlreadyAnswered`."""
        if self.is_answered:
            raise AlreadyAnswered(f"{self.name} is already answered by {self._answer!r}; refusing {value!r}.")
        self._answer = value
        return value

    def get(self) -> A:
        """The answer, else the default; `Unanswered` when there is neither."""
        if self.is_answered:
            return self._answer
        if self.default is _NO_DEFAULT:
            raise Unanswered(f"{self.name} is not answered and has no default.")
        return self.default

    def __call__(self, *args, **kwargs):
        return self.get()(*args, **kwargs)

    @contextmanager
    def answered_by(self, value: A) -> Iterator[A]:
        """For tests: `value` answers the question inside the block; the real answer (if any) comes back after."""
        saved = self._answer
        self._answer = value
        try:
            yield value
        finally:
            self._answer = saved

    @contextmanager
    def unanswered(self) -> Iterator[None]:
        """For tests: the question as its asker sees it before any app answered it."""
        saved = self._answer
        self._answer = _NO_DEFAULT
        try:
            yield
        finally:
            self._answer = saved


class Answers(Generic[A]):
    """A question answered once per key, by whichever app owns that key; answers keep the order of their keys.

    `expect(key, default)` declares a key another app must answer and what holds until then; `answer(key, value)`
    answers an expected key or adds a new one; `values()` gives every key's answer (or default).
    """

    def __init__(self, name: str, *, doc: str = ""):
        self.name = name
        self.__doc__ = doc or f"Answers to {name!r}."
        self._questions: dict[str, Question[A]] = {}

    def __repr__(self) -> str:
        return f"<Answers {self.name}: {', '.join(self._questions)}>"

    def _question(self, key: str, default: A = _NO_DEFAULT) -> Question[A]:
        if key not in self._questions:
            self._questions[key] = Question(f"{self.name}[{key}]", default=default)
        return self._questions[key]

    def expect(self, key: str, default: A) -> None:
        """Declare `key`, answered by another app; `default` holds until it is (fail closed where the law needs it)."""
        question = self._question(key, default)
        question.default = default

    def answer(self, key: str, value: A) -> A:
        """Answer `key`; answering the same key twice raises `AlreadyAnswered`."""
        return self._question(key).answer(value)

    def is_answered(self, key: str) -> bool:
        return key in self._questions and self._questions[key].is_answered

    def __contains__(self, key: str) -> bool:
        return key in self._questions

    def get(self, key: str) -> A:
        return self._questions[key].get()

    def keys(self) -> list[str]:
        """Keys with an answer or a default, in the order they were first declared or answered."""
        return [key for key, question in self._questions.items()
                if question.is_answered or question.default is not _NO_DEFAULT]

    def values(self) -> list[A]:
        return [self._questions[key].get() for key in self.keys()]

    @contextmanager
    def answered_by(self, key: str, value: A) -> Iterator[A]:
        """For tests: `value` answers `key` inside the block (a new key disappears again afterwards)."""
        new = key not in self._questions
        with self._question(key).answered_by(value):
            try:
                yield value
            finally:
                if new:
                    del self._questions[key]

    @contextmanager
    def unanswered(self, *keys: str) -> Iterator[None]:
        """For tests: `keys` as their asker sees them before any app answered (their defaults hold)."""
        with ExitStack() as stack:
            for key in keys:
                stack.enter_context(self._questions[key].unanswered())
            yield
