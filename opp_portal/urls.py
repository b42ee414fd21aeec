from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("opp_portal.outbox.urls")),
    # The address is the one the school records (and the key to the family's records): nobody changes or
    # adds one here, so allauth's own email page is replaced by this one.
    path("accounts/email/", views.account_email, name="account_email"),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own URLs, so its password-only sign-in is never reached.
    path("beheer/login/", views.admin_login, name="admin_login"),
    path("beheer/", admin.site.urls),
    path("", include("plans.urls")),
    path("", include("consent.urls")),
    path("", include("registration.urls")),
    path("", include("schools.urls")),
]

# Uploaded and generated files (scans, PDFs, exports) are personal data: they are only
# ever served by views that check who asks, never from MEDIA_URL, not even in the demo.
