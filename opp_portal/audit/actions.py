"""Every action the audit trail records, with the Dutch phrase a reader of the trail sees.

The phrase completes a sentence that starts with who did it ("Mevrouw Jansen (intern begeleider) ... bekeek het
plan"): the parent's log of their child (`consent.views.log`) shows it as it is, and so can any page that shows
the trail. `record()` accepts only these actions, so a new action cannot be recorded without its phrase.

An action a parent sees about themself reads differently ("stuurde u een herinnering"): `ABOUT_YOU`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    # --- plans ----------------------------------------------------------------------------------------------
    OPP_VIEWED = "opp.viewed", _("bekeek het plan")
    OPP_STARTED = "opp.started", _("begon een nieuw plan")
    OPP_DRAFT_SAVED = "opp.draft_saved", _("wijzigde het concept van het plan")
    OPP_OVERLEG_STARTED = "opp.overleg_started", _("zette het plan klaar voor overleg met u")
    OPP_VERSION_FROZEN = "opp.version_frozen", _("stuurde een nieuwe versie van het plan naar de ouders")
    OPP_VERSION_RESENT = "opp.version_resent", _("stuurde dezelfde versie van het plan opnieuw naar de ouders")
    OPP_ADJUSTMENT_STARTED = "opp.adjustment_started", _("begon het plan aan te passen")
    OPP_ADOPTED = "opp.adopted", _("stelde het plan vast")
    OPP_EVALUATED = "opp.evaluated", _("legde een evaluatie van het plan vast")
    OPP_ENDED = "opp.ended", _("beëindigde het plan")
    OPP_COMMISSIE_ADVICE_RECORDED = "opp.commissie_advice_recorded", _("legde het advies van de commissie vast")
    OPP_PDF_REQUESTED = "opp.pdf_requested", _("vroeg een PDF van het plan op")
    OPP_PDF_DOWNLOADED = "opp.pdf_downloaded", _("downloadde het plan als PDF")
    OPP_PDF_RENDERED = "opp.pdf_rendered", _("maakte een PDF van het plan")
    STANDARD_TEXT_CREATED = "standard_text.created", _("voegde een standaardtekst toe")
    STANDARD_TEXT_UPDATED = "standard_text.updated", _("wijzigde een standaardtekst")
    STANDARD_TEXT_ARCHIVED = "standard_text.archived", _("verwijderde een standaardtekst")
    OVERVIEW_VIEWED = "overview.viewed", _("bekeek het overzicht van de plannen")
    CALENDAR_FEED_CREATED = "calendar_feed.created", _("maakte een agendakoppeling")
    CALENDAR_FEED_REVOKED = "calendar_feed.revoked", _("trok een agendakoppeling in")
    DIGEST_SENT = "digest.sent", _("stuurde een schoolleider het dagoverzicht")
    # --- consent --------------------------------------------------------------------------------------------
    CONSENT_VIEWED = "consent.viewed", _("bekeek het overleg, het hoorrecht en de instemming bij het plan")
    OOGO_RECORDED = "oogo.recorded", _("legde een overleg met de ouders vast")
    HEARING_RECORDED = "hearing.recorded", _("legde vast hoe uw kind is gehoord over het plan")
    HEARING_PUPIL_VIEW_ADDED = "hearing.pupil_view_added", _("schreef op hoe hij of zij over het plan denkt")
    INSTEMMING_REQUESTED = "instemming.requested", _("vroeg de ouders om instemming met het plan")
    INSTEMMING_MAILED_AGAIN = "instemming.mailed_again", _("stuurde de vraag om instemming opnieuw per e-mail")
    INSTEMMING_REMINDED = "instemming.reminded", _("stuurde een herinnering over de instemming")
    INSTEMMING_OPENED = "instemming.opened", _("opende het verzoek om instemming")
    INSTEMMING_DECIDED = "instemming.decided", _("gaf een besluit over de instemming")
    INSTEMMING_DECISION_RECORDED = "instemming.decision_recorded", _(
        "legde een besluit over de instemming vast dat op papier of in een gesprek is gegeven")
    INSTEMMING_SCAN_VIEWED = "instemming.scan_viewed", _("bekeek de scan van een besluit over de instemming")
    INSTEMMING_UNREACHABLE_RECORDED = "instemming.unreachable_recorded", _(
        "legde vast dat een ouder met gezag niet bereikbaar is")
    INSTEMMING_UNREACHABLE_CONFIRMED = "instemming.unreachable_confirmed", _(
        "bevestigde dat een ouder met gezag niet bereikbaar is")
    INSTEMMING_UNREACHABLE_WITHDRAWN = "instemming.unreachable_withdrawn", _(
        "trok in dat een ouder met gezag niet bereikbaar is")
    PARENT_VIEW_ADDED = "parent_view.added", _("schreef een kijk op het plan")
    PUPIL_INVITED = "pupil.invited", _("nodigde uw kind uit voor een eigen pagina in het portaal")
    ACCOUNT_CREATED_FOR_SIGN_IN = "account.created_for_sign_in", _("maakte een account aan bij de eerste inlog")
    GUARDIAN_ACCOUNT_LINKED = "guardian.account_linked", _(
        "logde voor het eerst in; het account is gekoppeld aan de gegevens van de school")
    GUARDIAN_ACCOUNT_UNLINKED = "guardian.account_unlinked", _(
        "het account is losgekoppeld, omdat de school een ander e-mailadres heeft")
    PUPIL_ACCOUNT_LINKED = "pupil.account_linked", _("uw kind logde voor het eerst in met een eigen account")
    PUPIL_ACCOUNT_UNLINKED = "pupil.account_unlinked", _(
        "het account van uw kind is losgekoppeld, omdat de school een ander e-mailadres heeft")
    # --- schools --------------------------------------------------------------------------------------------
    PUPIL_CREATED = "pupil.created", _("zette de gegevens van uw kind in het portaal")
    PUPIL_ENROLLED = "pupil.enrolled", _("schreef uw kind in via een import uit het administratiesysteem")
    PUPIL_UPDATED = "pupil.updated", _("wijzigde de gegevens van uw kind")
    ENROLMENT_CREATED = "enrolment.created", _("legde een inschrijving van uw kind vast")
    ENROLMENT_UPDATED = "enrolment.updated", _("wijzigde een inschrijving van uw kind")
    GUARDIAN_ADDED = "guardian.added", _("legde een ouder of verzorger van uw kind vast")
    GUARDIAN_UPDATED = "guardian.updated", _("wijzigde de gegevens van een ouder of verzorger")
    GUARDIAN_UNLINKED = "guardian.unlinked", _("koppelde een ouder of verzorger los van uw kind")
    PUPIL_IMPORT_COMPLETED = "pupil_import.completed", _("importeerde leerlingen uit het administratiesysteem")
    PUPIL_TRANSFER_REQUESTED = "pupil_transfer.requested", _(
        "vroeg te bevestigen dat uw kind naar een andere school overstapt")
    PUPIL_TRANSFER_CONFIRMED = "pupil_transfer.confirmed", _("bevestigde de overstap naar een andere school")
    PUPIL_TRANSFER_DECLINED = "pupil_transfer.declined", _("gaf aan dat de overstap naar een andere school niet klopt")
    PUPIL_TRANSFER_WITHDRAWN = "pupil_transfer.withdrawn", _("trok de vraag over een overstap in")
    DEMO_SEEDED = "demo.seeded", _("zette de demogegevens klaar")
    # --- registration and the portal ------------------------------------------------------------------------
    ROD_EXPORT_STARTED = "rod.export_started", _("startte een ROD-export")
    ROD_EXPORT_DELIVERED = "rod.export_delivered", _("markeerde een ROD-export als aangeleverd bij DUO")
    ROD_EXPORT_DISCARDED = "rod.export_discarded", _("verwierp een ROD-export")
    ROD_EXPORT_FAILED = "rod.export_failed", _("kon een ROD-export niet maken")
    EMAIL_RETRIED = "email.retried", _("verstuurde een mislukte e-mail opnieuw")

    @property
    def phrase(self) -> str:
        """The Dutch phrase, in the active language."""
        return str(self.label)


# Reads: the parent's log groups them per person per day. Everything else (a change, a decision) is a line of
# its own.
READS = frozenset({Action.OPP_VIEWED, Action.CONSENT_VIEWED, Action.OPP_PDF_DOWNLOADED, Action.OPP_PDF_REQUESTED,
                   Action.INSTEMMING_SCAN_VIEWED})

# Events that record only that someone looked (a read, or a list of plans that shows no plan content): nothing
# changed, so `audit.service.record_read` may commit them without waiting for the disk.
SEEN_ONLY = READS | {Action.OVERVIEW_VIEWED}

# The phrase for the person the action is about, when they read it in their own log.
ABOUT_YOU = {
    Action.INSTEMMING_REMINDED: _("stuurde u een herinnering over de instemming"),
    Action.INSTEMMING_DECISION_RECORDED: _("legde uw besluit vast dat u op papier of in een gesprek gaf"),
    Action.INSTEMMING_UNREACHABLE_RECORDED: _("legde vast dat de school u niet kon bereiken"),
    Action.INSTEMMING_UNREACHABLE_CONFIRMED: _("bevestigde dat de school u niet kon bereiken"),
    Action.INSTEMMING_UNREACHABLE_WITHDRAWN: _("trok in dat de school u niet kon bereiken"),
}

# The phrases a signed-in pupil reads in the log of their own record (consent.views.pupil.pupil_log), where the
# parent's phrase speaks of "uw kind"; the pupil's pages say "je".
FOR_THE_PUPIL = {
    Action.OPP_OVERLEG_STARTED: _("zette het plan klaar voor overleg"),
    Action.OOGO_RECORDED: _("legde een overleg over het plan vast"),
    # An adult pupil is asked instead of the parents; a younger pupil's parents are: no "de ouders" either way.
    Action.OPP_VERSION_FROZEN: _("maakte een nieuwe versie van het plan klaar voor instemming"),
    Action.OPP_VERSION_RESENT: _("stuurde dezelfde versie van het plan opnieuw voor instemming"),
    Action.INSTEMMING_REQUESTED: _("vroeg om instemming met het plan"),
    Action.HEARING_RECORDED: _("legde vast hoe je bent gehoord over het plan"),
    Action.HEARING_PUPIL_VIEW_ADDED: _("schreef op wat je van het plan vindt"),
    Action.INSTEMMING_DECIDED: _("gaf een besluit over de instemming"),
    Action.PUPIL_INVITED: _("nodigde je uit voor een eigen pagina in het portaal"),
    Action.PUPIL_ACCOUNT_LINKED: _("logde voor het eerst in met een eigen account"),
    Action.PUPIL_ACCOUNT_UNLINKED: _("je account is losgekoppeld, omdat de school een ander e-mailadres heeft"),
    Action.PUPIL_CREATED: _("zette je gegevens in het portaal"),
    Action.PUPIL_ENROLLED: _("schreef je in via een import uit het administratiesysteem"),
    Action.PUPIL_UPDATED: _("wijzigde je gegevens"),
    Action.ENROLMENT_CREATED: _("legde een inschrijving van je vast"),
    Action.ENROLMENT_UPDATED: _("wijzigde een inschrijving van je"),
    Action.GUARDIAN_ADDED: _("legde een ouder of verzorger van je vast"),
    Action.GUARDIAN_UNLINKED: _("koppelde een ouder of verzorger van je los"),
    Action.PUPIL_TRANSFER_REQUESTED: _("vroeg te bevestigen dat je naar een andere school overstapt"),
}
# `ABOUT_YOU` as the adult pupil, who is asked for instemming themself, reads it.
ABOUT_THE_PUPIL = {
    Action.INSTEMMING_REMINDED: _("stuurde je een herinnering over de instemming"),
    Action.INSTEMMING_DECISION_RECORDED: _("legde je besluit vast dat je op papier of in een gesprek gaf"),
    Action.INSTEMMING_UNREACHABLE_RECORDED: _("legde vast dat de school je niet kon bereiken"),
    Action.INSTEMMING_UNREACHABLE_CONFIRMED: _("bevestigde dat de school je niet kon bereiken"),
    Action.INSTEMMING_UNREACHABLE_WITHDRAWN: _("trok in dat de school je niet kon bereiken"),
}

# Actions on a plan or its instemming, whose details may name the version (`version` or `number`): the log adds
# "(versie n)".
ON_A_VERSION = frozenset({
    Action.OPP_VIEWED, Action.OPP_STARTED, Action.OPP_DRAFT_SAVED, Action.OPP_OVERLEG_STARTED,
    Action.OPP_VERSION_FROZEN, Action.OPP_VERSION_RESENT, Action.OPP_ADJUSTMENT_STARTED, Action.OPP_ADOPTED,
    Action.OPP_EVALUATED, Action.OPP_ENDED, Action.OPP_COMMISSIE_ADVICE_RECORDED, Action.OPP_PDF_REQUESTED,
    Action.OPP_PDF_DOWNLOADED, Action.OPP_PDF_RENDERED, Action.INSTEMMING_REQUESTED, Action.INSTEMMING_MAILED_AGAIN,
    Action.INSTEMMING_REMINDED, Action.INSTEMMING_OPENED, Action.INSTEMMING_DECIDED,
    Action.INSTEMMING_DECISION_RECORDED, Action.INSTEMMING_SCAN_VIEWED, Action.INSTEMMING_UNREACHABLE_RECORDED,
    Action.INSTEMMING_UNREACHABLE_CONFIRMED, Action.INSTEMMING_UNREACHABLE_WITHDRAWN,
})
