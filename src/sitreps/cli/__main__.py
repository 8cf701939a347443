"""`python -m sitreps.cli`: the `sitreps` command, for a Python whose scripts are not on PATH."""

from . import app

app()
