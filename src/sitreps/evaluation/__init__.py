"""Evaluation commands: measure the stages on third-party annotated data (never shipped with
sitreps; see docs/evaluation.md for where the numbers come from and how to reproduce them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError


def json_lines(path: str | Path, what: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSON lines file; a line that is not
    JSON, or not an object, stops with an InputError naming the file and line. `what` names
    what a line should be ("an article")."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not JSON: {exc}") from exc
            if not isinstance(raw, dict):
                raise InputError(f"{path}:{n}: not {what} (a JSON object)")
            yield n, raw


def read_jsonl_objects(path: str | Path, what: str) -> list[dict]:
    """Every object of a JSON lines file (see `json_lines`)."""
    return [raw for _, raw in json_lines(path, what)]


def pct(a: int, b: int) -> float | None:
    """a of b in percent, one decimal; None when b is 0."""
    return round(100 * a / b, 1) if b else None
