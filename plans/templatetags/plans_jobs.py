"""`{% background_problems school %}`: on the leader's overview, the background work of the school that failed
or is stuck (PDFs, mail), said plainly with where to act. Renders nothing when all is well."""

from django import template

from opp_portal.outbox.models import MailStatus, OutgoingEmail
from opp_portal.outbox.views import visible_mail

from ..pdf_jobs import problems_at

register = template.Library()


@register.inclusion_tag("plans/_background_problems.html", takes_context=True)
def background_problems(context, school) -> dict:
    pdfs = problems_at(school.pk)
    failed_mail = OutgoingEmail.objects.filter(school_id=school.pk, status=MailStatus.FAILED).count()
    return {"pdfs": pdfs, "failed_mail": failed_mail, "outbox_link": visible_mail(context["request"].user) is not None,
            "any": bool(pdfs["failed"] or pdfs["stuck"] or failed_mail)}
