#!/usr/bin/env python
import os
import sys


def main() -> None:
    # Production settings unless asked otherwise: they refuse to start without real secrets, where the demo
    # settings would run with DEBUG on and a key everyone can read. `make run` asks for the demo.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opp_portal.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
