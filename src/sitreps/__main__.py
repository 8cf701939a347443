"""`python -m sitreps`: the same command line as the `sitreps` script, for environments where
the script is not on PATH (a venv not activated, a cluster worker image)."""

from sitreps.cli import app

app(prog_name="sitreps")
