from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from .mail import queue_email


class ClosedAccountAdapter(DefaultAccountAdapter):
    """Accounts are made by the school (or the demo seed); nobody signs up themselves."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Sign-in codes and password resets go through the outbox, with retries; they are urgent: when the
        # broker is down this process sends them itself, or a parent could not sign in.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        queue_email(self.render_mail(template_prefix, email, ctx), urgent=True)
