"""Pattern data lives here as TOML files, apart from the code that uses it:

    promos.toml     boilerplate the cleaner removes, each pattern with its reason
    cues.toml       reporting verbs, certainty cues (confirmed, hedged, possible, negated)
    actors.toml     actor aliases -> normalised actors
    events.toml     event taxonomy and trigger words
    places.toml     curated places the GeoNames packages lack (rivers, seas, regions)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@cache
def load_lexicon(name: str) -> dict:
    """The parsed TOML file `name`.toml of this package (cached: lexicons never change at run time)."""
    return tomllib.loads(resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Lexicons:
    ruler_patterns: tuple[tuple[str, str], ...]  # (surface form, spaCy label) for the entity ruler


@cache
def load_lexicons() -> Lexicons:
    actors = load_lexicon("actors")
    patterns = []
    for actor in actors.get("actor", []):
        label = actor.get("ruler_label")
        if label:
            patterns.extend((alias, label) for alias in actor.get("aliases", []))
    return Lexicons(ruler_patterns=tuple(patterns))
