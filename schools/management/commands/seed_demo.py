"""`manage.py seed_demo`: fill the database with the demo (see schools/demo); safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from schools.demo import seed


class Command(BaseCommand):
    help = "Vult de database met demogegevens: scholen, leerlingen, ouders en demo-accounts. Veilig om te herhalen."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Ook uitvoeren met productie-instellingen (maakt accounts met een openbaar wachtwoord).",
        )

    def handle(self, *args, allow_production: bool = False, verbosity: int = 1, **options):
        # Production settings (and only they) send session cookies over HTTPS only.
        if settings.SESSION_COOKIE_SECURE and not allow_production:
            raise CommandError(
                "seed_demo maakt accounts met een openbaar wachtwoord en draait niet met productie-instellingen "
                "(gebruik --allow-production als dit echt de bedoeling is)."
            )
        seed(stdout=self.stdout if verbosity > 0 else None)
