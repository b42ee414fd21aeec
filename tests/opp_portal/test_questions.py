"""The one way an app on the right answers a question of an app on its left (`opp_portal.questions`)."""

import pytest

from opp_portal.health import STUCK_JOB_PROBES
from opp_portal.questions import AlreadyAnswered, Answers, Question, Unanswered
from plans.pdf import CONSENT_SUMMARY, INSTEMMING_RECORDS
from plans.requirements import CONSENT_KEYS, REQUIREMENTS
from plans.selectors import MISSING_HEARING, OBJECTIONS
from plans.sending import SEND_ROUTE
from schools.demo import DEMO_STEPS


def test_an_unanswered_question_gives_its_default():
    question = Question("test.route", default=lambda opp: None)
    assert not question.is_answered
    assert question("any plan") is None


def test_an_unanswered_question_without_a_default_refuses_to_be_asked():
    question = Question("test.no_default")
    with pytest.raises(Unanswered):
        question()


def test_an_answered_question_gives_the_answer():
    question = Question("test.route", default=lambda opp: None)
    question.answer(lambda opp: f"/opp/{opp}/")
    assert question.is_answered and question(7) == "/opp/7/"


def test_answering_a_question_twice_is_an_error_and_keeps_the_first_answer():
    question = Question("test.route", default=lambda opp: None)
    question.answer(lambda opp: "first")
    with pytest.raises(AlreadyAnswered):
        question.answer(lambda opp: "second")
    assert question(1) == "first"


def test_a_test_answer_holds_only_inside_its_block():
    question = Question("test.route", default=lambda opp: None)
    question.answer(lambda opp: "real")
    with question.answered_by(lambda opp: "test"):
        assert question(1) == "test"
    with question.unanswered():
        assert question(1) is None
    assert question(1) == "real"


def test_an_expected_key_fails_closed_until_it_is_answered():
    answers: Answers = Answers("test.requirements")
    answers.expect("instemming", "missing")
    assert answers.values() == ["missing"] and not answers.is_answered("instemming")
    answers.answer("instemming", "the real check")
    assert answers.values() == ["the real check"]
    with answers.unanswered("instemming"):
        assert answers.values() == ["missing"]
    assert answers.get("instemming") == "the real check"


def test_answering_a_key_twice_is_an_error_and_new_keys_keep_their_order():
    answers: Answers = Answers("test.steps")
    answers.answer("plans", "seed plans")
    answers.answer("consent", "seed consent")
    with pytest.raises(AlreadyAnswered):
        answers.answer("plans", "something else")
    assert answers.keys() == ["plans", "consent"]
    with answers.answered_by("extra", "seed extra"):
        assert answers.values() == ["seed plans", "seed consent", "seed extra"]
    assert "extra" not in answers


def test_every_question_of_the_portal_is_answered_once_the_apps_have_loaded():
    for question in (MISSING_HEARING, OBJECTIONS, CONSENT_SUMMARY, INSTEMMING_RECORDS, SEND_ROUTE):
        assert question.is_answered, question
    assert all(REQUIREMENTS.is_answered(key) for key, _label, _order in CONSENT_KEYS)
    assert DEMO_STEPS.keys() == ["plans", "consent"]  # consent's records need the plans step's plans
    assert set(STUCK_JOB_PROBES.keys()) == {"pdf", "rod_export"}
