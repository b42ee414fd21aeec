#!/bin/sh
# Runs once, when the PostgreSQL container initialises an empty data directory (docker-entrypoint-initdb.d),
# as the cluster's superuser. Creates the two roles of the portal (see README, "Two database roles"):
#   opp_owner  owns the database, the schema and every table; runs the migrations (the `migrate` service)
#   opp_app    what the web and the workers connect as; gets row rights through `manage.py grant_runtime_role`
# The superuser's password is used for nothing else; keep it out of the application's environment.
set -eu
: "${OPP_OWNER_PASSWORD:?set OPP_OWNER_PASSWORD in .env}"
: "${OPP_APP_PASSWORD:?set OPP_APP_PASSWORD in .env}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v owner_pw="$OPP_OWNER_PASSWORD" -v app_pw="$OPP_APP_PASSWORD" <<'SQL'
CREATE ROLE opp_owner LOGIN PASSWORD :'owner_pw';
CREATE ROLE opp_app LOGIN PASSWORD :'app_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE DATABASE opp OWNER opp_owner;
REVOKE ALL ON DATABASE opp FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE opp TO opp_owner;
GRANT CONNECT ON DATABASE opp TO opp_app;
\connect opp
ALTER SCHEMA public OWNER TO opp_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO opp_app;
SQL
