#!/usr/bin/env python
import os
import sys

# Commands that read only the code: they need no secrets, so they run without production's environment.
CODE_ONLY_COMMANDS = frozenset({"makemigrations", "makemessages", "compilemessages"})


def main() -> None:
    # Production settings unless asked otherwise: they refuse to start without real secrets, where the demo
    # settings would run with DEBUG on and a key everyone can read. `make run` asks for the demo.
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    default = "opp_portal.settings.code_only" if command in CODE_ONLY_COMMANDS else "opp_portal.settings.production"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
