"""Evaluation commands: measure the stages on third-party annotated data (never shipped with
sitreps; see docs/evaluation.md for where the numbers come from and how to reproduce them)."""
