"""Two boards with everything the portal's URLs point at, built through the services as users would.

Every piece of plan content carries a marker (`INHOUD-A-…`, `INHOUD-B-…`), so the permission matrix can tell
whether an answer shows plan content. Side A is "inside" the reach of A's users; side B is the same world at
another board, "outside" it.
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage

from consent import services as consent
from consent.invitations import make_link
from consent.models import Decision, HowGiven, InstemmingRecipient
from consent.outreach import UnreachableReason
from opp_portal.mail import queue_email
from opp_portal.outbox.models import MailStatus, OutgoingEmail
from plans import calendar
from plans import services as plans
from plans.models import StandardText
from registration import services as registration
from registration.build import build_batch
from registration.models import BatchKind
from schools import services as schools
from schools.models import Guardian, Membership, PupilTransfer, User
from tests.factories import (
    BoardFactory,
    SchoolFactory,
    SwvFactory,
    enrolled_pupil,
    parent_of,
    pupil_account,
    staff,
)
from tests.plans.factories import full_content, goal

MARKER = "INHOUD-"
TODAY = datetime.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Side:
    tag: str
    board: object
    swv: object
    school: object
    so_school: object
    users: dict
    pupil: object
    opp: object
    version: object
    request: object
    recipient: object
    decision: object
    so_opp: object
    feed: object
    text: object
    batch: object
    transfer: object
    guardian: object
    email: object
    unreachability: object
    invitation_token: str


def _content(tag: str, opp) -> dict:
    m = f"{MARKER}{tag}"
    data = full_content(opp, goals=[goal("Lezen", description=f"{m}-doel", approach=f"{m}-aanpak")])
    data.update(
        support_and_guidance=f"{m}-ondersteuning", uitstroom_justification=f"{m}-onderbouwing",
        bevorderende_factoren=f"{m}-bevorderend", belemmerende_factoren=f"{m}-belemmerend",
        pupil_situation=f"{m}-situatie", support_needs=f"{m}-behoeften",
    )
    return data


def build_side(tag: str) -> Side:
    m = f"{MARKER}{tag}"
    board, swv = BoardFactory(), SwvFactory()
    school = SchoolFactory(board=board, swv=swv, school_type="bao", name=f"School {tag}")
    so_school = SchoolFactory(board=board, swv=swv, school_type="so", name=f"SO {tag}")
    ib = staff("ib", school=school)
    leader = staff("school_leader", school=school)
    teacher = staff("teacher", school=school, groups="5")
    for user, role in ((ib, "ib"), (leader, "school_leader"), (teacher, "teacher")):
        Membership.objects.create(user=user, role=role, school=so_school, groups="5" if role == "teacher" else "")
    board_admin = staff("board_admin", board=board)
    swv_user = staff("swv", swv=swv)
    pupil = enrolled_pupil(school, group="5")
    mother, father = parent_of(pupil), parent_of(pupil)
    no_gezag = parent_of(pupil, has_gezag=False)
    pupil_user = pupil_account(pupil)

    # The plan in force: sent, discussed, heard, agreed (the father on paper, with a scan), adopted, evaluated.
    opp = plans.start_draft(user=ib, pupil=pupil, school=school)
    opp = plans.save_draft(user=ib, opp=opp, expected_revision=opp.revision, changes=_content(tag, opp))
    version = plans.freeze_version(user=ib, opp=opp, expected_revision=opp.revision)
    consent.record_oogo(user=ib, opp=opp, held_on=TODAY, participants="Ouders, ib'er",
                        discussed_handelingsdeel=True, discussed_uitstroomperspectief=True,
                        parents_view=f"{m}-oogo-kijk", agreements=f"{m}-afspraken")
    consent.record_hearing(user=ib, opp=opp, heard=True, heard_on=TODAY, method="gesprek", heard_by="De ib'er",
                           pupil_view=f"{m}-mening-leerling")
    request = consent.request_instemming(user=ib, version=version, reason="Nieuw plan")
    mine = InstemmingRecipient.objects.for_user(mother).get(request=request)
    consent.decide(user=mother, recipient=mine, decision=Decision.AKKOORD, reason=f"{m}-reden-moeder")
    fathers = InstemmingRecipient.objects.for_user(father).get(request=request)
    # Before the father's paper decision the ib had recorded that he could not be reached (never confirmed).
    unreachability = consent.record_unreachable(user=ib, recipient=fathers, reason=UnreachableReason.ABROAD,
                                                attempts=f"{m}-twee keer gebeld")
    invitation_token = make_link(mine.guardian, request=request)
    decision = consent.record_paper_decision(
        user=ib, recipient=fathers, decision=Decision.AKKOORD, reason="", how=HowGiven.OP_PAPIER,
        scan=SimpleUploadedFile("besluit.pdf", PDF, content_type="application/pdf"),
    )
    consent.add_parent_view(user=mother, opp=opp, text=f"{m}-kijk-moeder")
    opp = plans.adopt(user=leader, opp=opp)
    plans.record_evaluation(
        user=ib, opp=opp, evaluated_on=TODAY,
        outcomes={g["uuid"]: ("partly", f"{m}-uitkomst") for g in version.goals},
        parents_view=f"{m}-evaluatie-ouders", pupil_view=f"{m}-evaluatie-leerling", decision="continue",
    )
    opp.refresh_from_db()

    # A plan at the so school with the commissie's advice.
    so_pupil = enrolled_pupil(so_school, group="5")
    so_opp = plans.start_draft(user=ib, pupil=so_pupil, school=so_school)
    so_opp = plans.save_draft(user=ib, opp=so_opp, expected_revision=so_opp.revision, changes=_content(tag, so_opp))
    so_version = plans.freeze_version(user=ib, opp=so_opp, expected_revision=so_opp.revision)
    plans.record_commissie_advice(user=ib, opp=so_opp, version=so_version, advised_on=TODAY,
                                  commissie="begeleiding", advice=f"{m}-advies-commissie")

    # A school elsewhere enrols the pupil under the same number: a transfer waits for the school or the parents.
    elsewhere = SchoolFactory()
    schools.create_pupil(
        user=staff("ib", school=elsewhere),
        pupil=schools.PupilData(first_name=pupil.first_name, name_prefix="", last_name=pupil.last_name,
                                date_of_birth=pupil.date_of_birth, bsn=pupil.bsn, onderwijsnummer=None),
        enrolment=schools.EnrolmentData(school=elsewhere, sequence_number="1", enrolment_date=TODAY,
                                        leaving_date=None, group="6"),
    )
    transfer = PupilTransfer.objects.get(pupil=pupil)

    superuser = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "matrix-beheer@example.test", "een-lang-wachtwoord-2026")
    text = StandardText.objects.create(school=school, kind="goal", title=f"Tekst {tag}", text="Lezen op niveau.")
    batch = build_batch(registration.start_export(user=board_admin, board=board, kind=BatchKind.FULL, queue=False).pk)
    return Side(
        tag=tag, board=board, swv=swv, school=school, so_school=so_school,
        users={"ib": ib, "teacher": teacher, "school_leader": leader, "board_admin": board_admin, "swv": swv_user,
               "parent": mother, "other_guardian": father, "guardian_without_gezag": no_gezag,
               "pupil": pupil_user, "superuser": superuser},
        pupil=pupil, opp=opp, version=version, request=request, recipient=mine, decision=decision, so_opp=so_opp,
        feed=calendar.create_feed(user=ib), text=text, batch=batch, transfer=transfer,
        guardian=Guardian.objects.get(user=mother),
        email=_failed_mail(school, tag), unreachability=unreachability, invitation_token=invitation_token,
    )


def _failed_mail(school, tag: str) -> OutgoingEmail:
    """A mail of the school that failed for good: the one thing staff can send again from the outbox page."""
    row = queue_email(EmailMessage(subject="Test", body="Test", to=[f"ouder-{tag}@example.test"]),
                      school_id=school.pk)
    OutgoingEmail.objects.filter(pk=row.pk).update(status=MailStatus.FAILED, last_error="Mailserver weigert")
    return row
