# Production image: gunicorn serving the portal; the same image runs the Celery worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 opp
WORKDIR /app
COPY pyproject.toml ./
RUN pip install . && rm -rf build *.egg-info
COPY . .
RUN DJANGO_SETTINGS_MODULE=opp_portal.settings.production SECRET_KEY=build-only-$(head -c 40 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    OPP_MFA_KEYS=build-only-$(head -c 40 /dev/urandom | od -An -tx1 | tr -d ' \n') CACHE_URL=redis://build:6379/0 \
    ALLOWED_HOSTS=build OPP_PORTAL_URL=https://build.invalid python manage.py collectstatic --noinput
USER opp
EXPOSE 8000
CMD ["gunicorn", "opp_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
