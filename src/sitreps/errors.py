"""Exceptions sitreps raises. Bad *input* is not an exception: it becomes a `Note` on the
record (see records.py) and the batch goes on. Exceptions are for misuse and broken setups.

    SitrepsError                 base of everything below
    ├── SettingsError            a settings file or value is invalid
    ├── ModelError               the spaCy model named in the settings cannot be loaded
    ├── GazetteerError           the gazetteer cannot be built, opened or loaded into
    ├── StoreError               the database cannot be opened or migrated
    │   ├── SearchUnavailable    text search asked of a store whose SQLite lacks FTS5
    │   └── EventClash           an event id another article holds (a bug in the pipeline, or
    │                            a record read back from a file that was edited: its failure)
    ├── InputError               a path given on the command line does not exist
    └── ClusterError             no Dask installed, no scheduler or workers to reach, or a worker
                                 that cannot build the pipeline (`ingest --scheduler`)
"""


class SitrepsError(Exception):
    """Base class: the CLI maps it to a clear message and a non-zero exit code."""


class SettingsError(SitrepsError):
    pass


class ModelError(SitrepsError):
    pass


class GazetteerError(SitrepsError):
    pass


class StoreError(SitrepsError):
    pass


class SearchUnavailable(StoreError):
    pass


class EventClash(StoreError):
    pass


class InputError(SitrepsError):
    pass


class ClusterError(SitrepsError):
    pass
