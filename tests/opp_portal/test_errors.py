"""One family of rule errors, and one way a page shows them next to their field (`opp_portal.errors`)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from consent import services as consent_services
from consent.forms import UnreachableForm
from opp_portal.errors import RuleViolation, field_of, show_on_form
from plans.services import AdoptionBlocked, PlanRuleError
from registration.services import ExportRuleError
from schools.services import SchoolRuleError
from schools.transfers import AlreadyDecided
from tests.consent.factories import ConsentWorld


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)
    decision = forms.CharField(required=False)


@pytest.mark.parametrize("error_class", [PlanRuleError, AdoptionBlocked, consent_services.ConsentError,
                                         SchoolRuleError, AlreadyDecided, ExportRuleError])
def test_every_apps_rule_error_is_a_rule_violation_and_a_validation_error(error_class):
    assert issubclass(error_class, RuleViolation) and issubclass(error_class, ValidationError)


def test_a_rule_violation_names_its_field_and_keeps_its_message():
    error = PlanRuleError("Geef de reden.", field="reason")
    assert field_of(error) == "reason" and error.messages == ["Geef de reden."]
    assert field_of(PlanRuleError("Dit plan is al beëindigd.")) is None
    assert field_of(ValidationError("x")) is None


def test_the_message_goes_next_to_the_field_it_names():
    form = ReasonForm({})
    assert form.is_valid()
    show_on_form(form, PlanRuleError("Geef de reden.", field="reason"))
    assert form.errors == {"reason": ["Geef de reden."]}


def test_without_a_field_on_the_form_the_message_goes_to_the_default_or_above_the_form():
    form = ReasonForm({})
    form.is_valid()
    show_on_form(form, PlanRuleError("Kies iets.", field="not_on_this_form"), default="decision")
    show_on_form(form, PlanRuleError("Dit plan is al beëindigd."))
    assert form.errors == {"decision": ["Kies iets."], "__all__": ["Dit plan is al beëindigd."]}


def test_a_dict_of_field_errors_goes_to_each_field():
    form = ReasonForm({})
    form.is_valid()
    show_on_form(form, ValidationError({"reason": "Te lang.", "elsewhere": "Onbekend."}))
    assert form.errors == {"reason": ["Te lang."], "__all__": ["Onbekend."]}


@pytest.mark.django_db
def test_a_service_refusal_lands_next_to_the_field_the_service_names():
    world = ConsentWorld("bao")
    request = world.send_and_ask(world.fill(world.start())).request
    recipient = world.recipient(request, world.father)
    form = UnreachableForm({"reason": "buitenland", "attempts": "x", "explanation": ""})
    form.is_valid()
    with pytest.raises(consent_services.ConsentError) as refused:
        consent_services.record_unreachable(user=world.ib, recipient=recipient, reason="buitenland", attempts=" ",
                                            explanation="")
    show_on_form(form, refused.value)
    assert list(form.errors) == ["attempts"] and "pogingen" in form.errors["attempts"][0]
