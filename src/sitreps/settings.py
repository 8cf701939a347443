"""One frozen settings object, read from defaults.toml next to this file and an optional user
TOML file that overrides any subset of its keys."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path

import platformdirs

from .errors import SettingsError

APP = "sitreps"


@dataclass(frozen=True)
class NLPSettings:
    model: str
    max_length: int
    ruler_min_population: int
    ruler_countries: tuple[str, ...]


@dataclass(frozen=True)
class ReadSettings:
    max_bytes: int
    min_chars: int


@dataclass(frozen=True)
class GazetteerSettings:
    path: str
    min_population: int


@dataclass(frozen=True)
class PlacesSettings:
    min_score: float
    focus_countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventsSettings:
    background_days: int = 30
    max_candidates: int = 200


@dataclass(frozen=True)
class StoreSettings:
    path: str


@dataclass(frozen=True)
class PipelineSettings:
    record_seconds: float = 60.0
    workers: int = 0
    too_long: str = "truncate"
    max_lines: int = 5000


@dataclass(frozen=True)
class ClusterSettings:
    batch: int = 8
    retries: int = 2
    connect_seconds: float = 30.0


@dataclass(frozen=True)
class Settings:
    nlp: NLPSettings
    read: ReadSettings
    gazetteer: GazetteerSettings
    places: PlacesSettings
    store: StoreSettings
    events: EventsSettings = field(default_factory=EventsSettings)
    pipeline: PipelineSettings = field(default_factory=PipelineSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    source: tuple[str, ...] = field(default=())  # the files these values came from

    def gazetteer_path(self) -> Path:
        if self.gazetteer.path:
            return Path(self.gazetteer.path).expanduser()
        from .gazetteer import GAZETTEER_VERSION

        cache = Path(platformdirs.user_cache_dir(APP))
        return cache / f"gazetteer-{GAZETTEER_VERSION}.sqlite"

    def store_path(self) -> Path:
        if self.store.path:
            return Path(self.store.path).expanduser()
        return Path(platformdirs.user_data_dir(APP)) / "sitreps.db"

    def store_target(self) -> str:
        """The store as `open_store` takes it: a URL as given (postgresql://, sqlite:///), else
        the path of `store_path`. A URL must not go through Path, which folds its "//"."""
        if "://" in self.store.path:
            return self.store.path
        return str(self.store_path())


_SECTIONS = {
    "nlp": NLPSettings,
    "read": ReadSettings,
    "gazetteer": GazetteerSettings,
    "places": PlacesSettings,
    "store": StoreSettings,
    "events": EventsSettings,
    "pipeline": PipelineSettings,
    "cluster": ClusterSettings,
}


def _merge(base: dict, extra: dict, origin: str) -> dict:
    merged = {k: dict(v) for k, v in base.items()}
    for section, values in extra.items():
        if section not in _SECTIONS or not isinstance(values, dict):
            raise SettingsError(f"{origin}: unknown settings section [{section}]")
        for key, value in values.items():
            if key not in merged[section]:
                raise SettingsError(f"{origin}: unknown setting {section}.{key}")
            merged[section][key] = value
    return merged


def _build(raw: dict, source: tuple[str, ...]) -> Settings:
    parts = {}
    for section, cls in _SECTIONS.items():
        values = {}
        for f in fields(cls):
            value = raw[section][f.name]
            if f.type.startswith("tuple"):
                value = tuple(value)
            values[f.name] = value
        parts[section] = cls(**values)
    settings = Settings(**parts, source=source)
    where = source[-1]
    if settings.pipeline.too_long not in ("truncate", "refuse"):
        raise SettingsError(f'{where}: pipeline.too_long must be "truncate" or "refuse", not {settings.pipeline.too_long!r}')
    if not isinstance(settings.pipeline.record_seconds, (int, float)) or settings.pipeline.record_seconds < 0:
        raise SettingsError(f"{where}: pipeline.record_seconds must be a number of seconds, 0 for no budget")
    workers = settings.pipeline.workers
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 0:
        raise SettingsError(f"{where}: pipeline.workers must be a whole number of processes, 0 for one per usable core")
    cluster = settings.cluster
    if not _whole(cluster.batch) or cluster.batch < 1:
        raise SettingsError(f"{where}: cluster.batch must be a whole number of records, at least 1")
    if not _whole(cluster.retries) or cluster.retries < 0:
        raise SettingsError(f"{where}: cluster.retries must be a whole number, 0 for none")
    if not isinstance(cluster.connect_seconds, (int, float)) or cluster.connect_seconds <= 0:
        raise SettingsError(f"{where}: cluster.connect_seconds must be a number of seconds above 0")
    return settings


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Defaults, then the file at `path` (or $SITREPS_CONFIG) on top."""
    defaults = tomllib.loads(resources.files(__package__).joinpath("defaults.toml").read_text())
    source: tuple[str, ...] = ("defaults.toml",)
    path = path or os.environ.get("SITREPS_CONFIG") or None
    if path:
        try:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"cannot read settings file {path}: {exc}") from exc
        defaults = _merge(defaults, user, str(path))
        source += (str(path),)
    return _build(defaults, source)


def with_overrides(settings: Settings, **sections: dict) -> Settings:
    """A copy with some values changed, e.g. with_overrides(s, store={"path": "x.db"})."""
    changed = {name: replace(getattr(settings, name), **values) for name, values in sections.items()}
    return replace(settings, **changed)
