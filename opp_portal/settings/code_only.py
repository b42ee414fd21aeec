"""For management commands that read only the code (makemigrations, makemessages, compilemessages).

They never serve a request, sign a cookie or send a mail, so they need none of production's secrets; a key
made up for this one process keeps them from borrowing the demo's public key. `manage.py` picks this module
for those commands when no settings were asked for; everything else gets production's settings.
"""

import secrets

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = secrets.token_urlsafe(50)
