"""`make bench`: the portal measured from outside at national scale (see bench/README.md).

Nothing in this package is imported by the portal; `bench.settings` and `bench.urls` serve only the
benchmark's own gunicorn, and `bench.load` (the load generator) imports nothing from Django.
"""
