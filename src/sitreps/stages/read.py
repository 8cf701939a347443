"""Readers: turn files, directories, stdin and JSON records into `Article`s.

    read_paths(paths, settings)   one Article per input record, in input order (a Document for a
                                  record already analysed)
    read_bytes(data, settings)    the same for bytes already in memory (an upload, a pipe)
    read_record(value)            one parsed JSON record (an API request body)
    count_records(paths)          about how many records read_paths gives (for a progress bar)
    article_from_text(text)       one Article from a string (the library entry point)
    parse_published(value)        an ISO or "11 November 2022" date -> datetime

Bad input never raises: it becomes an Article whose `notes` say what went wrong (stable codes
`read.*`, level "error" or "warning"), so a batch goes on and nothing is silently lost.

Ids: a record's own `id` is kept unchanged; otherwise the first 16 hex digits of the SHA-256 of
the text (or of the HTML for pages), so reading the same content again gives the same id. An input
that could not be read gets the hash of its origin plus its bytes.

Caller-given `url`, `title` and `published` win over what a record or page says; page and record
values only fill in what the caller left out.

Records already analysed: a JSON record that names a sitreps `schema` ("sitreps/3") is what
`sitreps analyze` prints or `sitreps export --format jsonl` writes, not an article. It is read as
the `Document` it describes (serialize.document_from_dict), to be stored as it is, never analysed
again and untouched by the caller's `url`, `title` and `published` (its analysis used its own).
One of another contract version (`read.bad_schema`) or not as sitreps writes it
(`read.bad_analysis`) is refused like any bad record.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from ..records import Article, Document, Note

STDIN = "<stdin>"
# Kinds by file suffix; any other suffix is sniffed from the content like stdin.
KINDS = {
    **dict.fromkeys((".txt", ".text", ".md"), "text"),
    **dict.fromkeys((".html", ".htm", ".xhtml"), "html"),
    ".json": "json",
    **dict.fromkeys((".jsonl", ".ndjson"), "jsonl"),
}
# Control bytes other than tab, newline, carriage return, form feed and escape: text has almost none.
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13, 27}


@dataclass(frozen=True)
class _Given:
    """What the caller said about the input; these values win over the record's and the page's."""

    url: str | None = None
    title: str | None = None
    published: datetime | None = None


# -- public ---------------------------------------------------------------------------------------


def parse_published(value: str | datetime | None) -> datetime | None:
    """ISO dates and datetimes (a trailing Z included) or forms like "11 November 2022".

    None or "" gives None; anything else that is not a full date raises ValueError."""
    if value is None or isinstance(value, datetime):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    import dateparser  # slow to import; only needed for non-ISO forms

    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    if parsed is None:
        raise ValueError(
            f"cannot read {value!r} as a publication date: use ISO 8601 (2022-11-11 or "
            "2022-11-11T08:00:00Z) or a full date such as '11 November 2022'"
        )
    return parsed


def article_from_text(text: str, *, id=None, url=None, title=None, published=None, origin="") -> Article:
    """One Article from a string the caller already has; the id is a content hash unless given."""
    notes = ()
    if not text.strip():
        notes = (_error("read.empty", f"The text given{_from(origin)} is empty."),)
    return Article(
        id=id or content_id(text),
        text=text,
        url=url,
        title=title,
        published=published,
        origin=origin,
        notes=notes,
    )


def read_paths(
    paths: Iterable[str | os.PathLike],
    settings,
    *,
    url: str | None = None,
    title: str | None = None,
    published: datetime | None = None,
) -> Iterator[Article | Document]:
    """One Article per input record, in input order, or a Document for a record already
    analysed. "-" is stdin; directories are read recursively in sorted order, skipping hidden
    files and folders."""
    given = _Given(url, title, published)
    yield from _unique_ids(_read_all(paths, settings, given))


def _read_all(paths, settings, given: _Given) -> Iterator[Article]:
    for path in paths:
        if str(path) == "-":
            data = sys.stdin.buffer.read(settings.read.max_bytes + 1)
            if len(data) > settings.read.max_bytes:
                yield _too_large(STDIN, None, settings, given)
            else:
                yield from _from_bytes(data, STDIN, None, given)
        elif Path(path).is_dir():
            for file, problem in _walk(Path(path)):
                if problem:
                    yield _failed(_shown(file), b"", "read.unreadable", _shown(problem), given)
                else:
                    yield from _read_file(file, settings, given)
        else:
            yield from _read_file(Path(path), settings, given)


def _unique_ids(records: Iterable[Article | Document]) -> Iterator[Article | Document]:
    """An id met again in the same input with other content refuses the later record
    (`read.duplicate_id`) under an id of its own, so it cannot replace the first one in a store
    and is still reported. The same content twice is the same article, stored once."""
    seen: dict[str, tuple[str, str]] = {}
    for record in records:
        if record.failed:
            yield record
            continue
        article = record.article if isinstance(record, Document) else record
        content = content_id(record.text if isinstance(record, Document) else article.html or article.text or "")
        first, same = seen.setdefault(article.id, (article.origin, content))
        if same != content:
            detail = (f"The id {article.id!r} at {article.origin} was already used at {first} for another text; "
                      "this record was not read.")
            yield _failed(article.origin, article.id.encode("utf-8"), "read.duplicate_id", detail, _Given())
            continue
        yield record


def read_record(value: dict, *, origin: str = "<record>") -> Article:
    """One JSON record already parsed (an API request body), checked as a line of a JSON-lines
    file is: string fields, unpaired surrogates replaced with a note, text or html."""
    return _from_record(value, origin, _Given(), ())


def count_records(paths: Iterable[str | os.PathLike]) -> int | None:
    """About how many records `read_paths` will give, for a progress bar, without parsing: the
    non-blank lines of JSON-lines files, one per other file. None when stdin is among them."""
    total = 0
    for path in paths:
        if str(path) == "-":
            return None
        files = [f for f, problem in _walk(Path(path))] if Path(path).is_dir() else [Path(path)]
        for file in files:
            if KINDS.get(file.suffix.lower()) != "jsonl":
                total += 1
                continue
            try:
                with file.open("rb") as f:
                    total += sum(1 for line in f if line.strip())
            except OSError:
                total += 1
    return total


def read_bytes(
    data: bytes,
    settings,
    *,
    origin: str = "<bytes>",
    kind: str | None = None,
    url: str | None = None,
    title: str | None = None,
    published: datetime | None = None,
) -> Iterator[Article]:
    """Articles from bytes in memory; `kind` is "text", "html", "json" or "jsonl" (None: sniff)."""
    given = _Given(url, title, published)
    if len(data) > settings.read.max_bytes:
        yield _too_large(origin, len(data), settings, given)
    else:
        yield from _from_bytes(data, origin, kind, given)


def content_id(content: str) -> str:
    """The id of a text or HTML page: the same content always gives the same id."""
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# -- files ----------------------------------------------------------------------------------------


def _walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Every visible file under `root`, sorted by path; unreadable folders come back as problems."""
    files, problems = [], []

    def on_error(exc: OSError) -> None:
        problems.append(
            (Path(exc.filename or root), f"Cannot read the folder {exc.filename}: {exc.strerror}.")
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        files.extend(Path(dirpath, name) for name in filenames if not name.startswith("."))
    for file in sorted(files, key=lambda p: p.relative_to(root).parts):
        yield file, None
    yield from problems


def _read_file(path: Path, settings, given: _Given) -> Iterator[Article]:
    origin = _shown(path)
    try:
        size = path.stat().st_size  # checked before reading: never load a 50 MB mistake
        data = path.read_bytes() if size <= settings.read.max_bytes else None
    except OSError as exc:
        yield _failed(origin, b"", "read.unreadable", f"Cannot read {origin}: {exc.strerror or exc}.", given)
        return
    if data is None:
        yield _too_large(origin, size, settings, given)
    else:
        yield from _from_bytes(data, origin, KINDS.get(path.suffix.lower()), given)


def _sniff(text: str) -> str:
    head = text.lstrip()[:1]
    if head == "<":
        return "html"
    if head in ("{", "["):
        return "json"  # an object that is not one JSON document is read as JSONL
    return "text"


# -- bytes -> text --------------------------------------------------------------------------------


def _from_bytes(data: bytes, origin: str, kind: str | None, given: _Given) -> Iterator[Article]:
    if not data.strip():
        yield _failed(origin, data, "read.empty", f"{origin} is empty.", given)
        return
    if _looks_binary(data):
        yield _failed(origin, data, "read.binary", f"{origin} is a binary file, not text.", given)
        return
    text, notes = _decode(data, origin)
    if text is None:
        yield _failed(origin, data, notes[0].code, notes[0].detail, given)
        return
    if not text.strip():
        yield _failed(origin, data, "read.empty", f"{origin} holds only whitespace.", given, notes)
        return
    kind = kind or _sniff(text)
    if kind == "html":
        yield _from_html(text, origin, given, notes)
    elif kind in ("json", "jsonl"):
        yield from _from_json(text, origin, kind, given, notes)
    else:
        yield _with_given(Article(id=content_id(text), text=text, origin=origin, notes=notes), given)


def _looks_binary(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False  # UTF-16 text is full of NUL bytes
    if b"\x00" in data:
        return True
    head = data[:4096]
    return sum(b in _CONTROL for b in head) > len(head) * 0.1


def _decode(data: bytes, origin: str) -> tuple[str | None, tuple[Note, ...]]:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; otherwise ask charset-normalizer."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is not None:
        # single-byte encodings often read a text equally well ("Naïve" in cp1252 is "Naďve" in
        # cp1250 with the same scores): on a tie, Windows-1252, the web's common Latin encoding
        tied = [m for m in results if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        best = next((m for m in tied if m.encoding == "cp1252"), best)
    if best is None:
        detail = f"{origin} is not UTF-8 and no other text encoding fits it."
        return None, (_error("read.undecodable", detail),)
    detail = f"{origin} is not UTF-8; it was decoded as {best.encoding} (detected), check the text."
    return str(best), (Note("read", "read.encoding", detail, "warning"),)


# -- HTML -----------------------------------------------------------------------------------------


def _from_html(html: str, origin: str, given: _Given, notes=(), *, id=None, record=None) -> Article:
    """Main text and metadata of a page; `record` holds url/title/published from a JSON record."""
    from trafilatura import bare_extraction
    from trafilatura.settings import set_date_params

    # extensive_search=False: a date merely mentioned in the body is not the publication date.
    # The time too when the page gives one: htmldate writes midnight for a page that states only a
    # day, so a time is kept only with its UTC offset (which only a stated time carries).
    dates = {**set_date_params(extensive=False), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
    page = bare_extraction(html, with_metadata=True, include_comments=False, date_extraction_params=dates)
    text = _paragraphs(page.text if page is not None else "")
    if not text:
        detail = f"No article text could be extracted from the HTML in {origin}."
        return _failed(
            origin, html.encode("utf-8", "replace"), "read.html_no_text", detail, given, notes, id=id
        )
    notes = tuple(notes)
    published = None
    if page.date:
        stated = page.date if re.search(r"[+-]\d\d:?\d\d$|Z$", page.date) else page.date[:10]
        try:
            published = parse_published(stated)
        except ValueError:
            notes += (
                Note("read", "read.bad_published", f"The page date in {origin} is unreadable.", "warning"),
            )
    record = record or _Given()
    article = Article(
        id=id or content_id(html),
        text=text,
        html=html,
        url=record.url or page.url,
        title=record.title or page.title,
        published=record.published or published,
        origin=origin,
        notes=notes,
        site_name=page.sitename or None,
    )
    return _with_given(article, given)


def _paragraphs(text: str | None) -> str:
    """trafilatura puts one paragraph per line; a blank line between them matches plain-text input."""
    lines = (line.strip() for line in (text or "").split("\n"))
    return "\n\n".join(line for line in lines if line)


# -- JSON and JSONL -------------------------------------------------------------------------------


def _from_json(text: str, origin: str, kind: str, given: _Given, notes) -> Iterator[Article]:
    if kind == "json":
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            if not isinstance(exc, json.JSONDecodeError):
                yield _failed(origin, text.encode("utf-8", "surrogatepass"), "read.bad_json", _unparsable(origin, exc), given, notes)
                return
            if not text.lstrip().startswith("{"):
                detail = f"{origin} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
                yield _failed(origin, text.encode("utf-8"), "read.bad_json", detail, given, notes)
                return
            kind = "jsonl"  # several objects, one per line, under a .json name or on stdin
        else:
            if isinstance(value, list):
                if not value:
                    yield _failed(origin, b"[]", "read.empty", f"{origin} holds an empty list.", given, notes)
                for i, item in enumerate(value):
                    yield _from_value(item, f"{origin}[{i}]", given, notes)
            else:
                yield _from_value(value, origin, given, notes)
            return
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            if isinstance(exc, json.JSONDecodeError):
                detail = f"Line {lineno} of {origin} is not valid JSON ({exc.msg} at column {exc.colno})."
            else:
                detail = _unparsable(f"Line {lineno} of {origin}", exc)
            yield _failed(where, line.encode("utf-8", "surrogatepass"), "read.bad_json", detail, given, notes)
            continue
        yield _from_value(value, where, given, notes)


def _from_value(value, where: str, given: _Given, notes) -> Article | Document:
    """A JSON value of a file: a record already analysed, or an article to analyse."""
    from ..serialize import is_record

    return _analysed(value, where, given) if is_record(value) else _from_record(value, where, given, notes)


def _analysed(value: dict, where: str, given: _Given) -> Article | Document:
    """The Document a record already analysed describes, or, when this sitreps cannot store it
    as it is, a failed Article saying why (under the record's id when it has one). The file's
    own notes (its encoding) are left out: the record is stored as it was written."""
    from ..serialize import RecordError, document_from_dict

    try:
        return document_from_dict(value)
    except RecordError as exc:
        raw = json.dumps(value, ensure_ascii=True, sort_keys=True).encode("ascii")
        rid = value.get("id") if isinstance(value.get("id"), str) and value["id"] else None
        detail = f"The analysed record at {where} was not stored: {exc}."
        return _failed(where, raw, exc.code, _SURROGATE.sub("\ufffd", detail), given, id=rid and _SURROGATE.sub("\ufffd", rid))


def _from_record(value, where: str, given: _Given, notes) -> Article:
    """A record `{id?, url?, title?, published?, text | html}`: all strings (or null)."""
    raw = json.dumps(value, ensure_ascii=True, sort_keys=True).encode("ascii")
    if not isinstance(value, dict):
        detail = f"The record at {where} is a JSON {type(value).__name__}, not an object."
        return _failed(where, raw, "read.bad_record", detail, given, notes)
    notes = tuple(notes)
    fields = {}
    for key in ("id", "url", "title", "published", "text", "html"):
        field = value.get(key)
        if field is not None and not isinstance(field, str):
            kind = type(field).__name__
            if key in ("id", "text", "html"):
                detail = f"The record at {where} has a {kind} as {key!r}; it must be a string."
                return _failed(where, raw, "read.bad_field", detail, given, notes)
            notes += (Note("read", "read.bad_field", f"The record at {where} has a {kind} as {key!r}; it was ignored.", "warning"),)
            field = None
        if field and _SURROGATE.search(field):
            notes += (Note("read", "read.surrogates", f"The {key!r} of the record at {where} held unpaired UTF-16 "
                           "surrogates (invalid text); each was replaced by U+FFFD.", "warning"),)
            field = _SURROGATE.sub("\ufffd", field)
        fields[key] = field
    rid = fields["id"] or None
    published = None
    try:
        published = parse_published(fields["published"])
    except ValueError as exc:
        notes += (
            Note("read", "read.bad_published", f"The record at {where} has a bad date: {exc}.", "warning"),
        )
    record = _Given(fields["url"], fields["title"], published)
    text, html = fields["text"], fields["html"]
    if text and text.strip() and html and html.strip():
        notes += (Note("read", "read.text_and_html", f"The record at {where} has both text and html; the text was "
                       "analysed and the html ignored.", "warning"),)
    if text and text.strip():
        article = Article(id=rid or content_id(text), text=text, origin=where, notes=notes)
        return _with_given(replace(article, url=record.url, title=record.title, published=published), given)
    if html and html.strip():
        return _from_html(html, where, given, notes, id=rid, record=record)
    detail = f"The record at {where} has no text or html."
    failed = _failed(where, raw, "read.no_text", detail, given, notes, id=rid)
    return replace(
        failed,
        url=given.url or record.url,
        title=given.title or record.title,
        published=given.published or published,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(path) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 (kept by
    Python as surrogate escapes) are written as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _unparsable(what: str, exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return f"{what} is JSON nested too deeply to read."
    return f"{what} could not be read as JSON ({exc})."[:500]


# -- notes and failed inputs ----------------------------------------------------------------------


def _error(code: str, detail: str) -> Note:
    return Note("read", code, detail, "error")


def _from(origin: str) -> str:
    return f" ({origin})" if origin else ""


def _failed(origin: str, data: bytes, code: str, detail: str, given: _Given, notes=(), *, id=None) -> Article:
    """An Article that could not be read: no text, an error note, and still an id."""
    digest = hashlib.sha256(origin.encode("utf-8", "replace") + b"\0" + data).hexdigest()[:16]
    article = Article(id=id or digest, origin=origin, notes=tuple(notes) + (_error(code, detail),))
    return _with_given(article, given)


def _too_large(origin: str, size: int | None, settings, given: _Given) -> Article:
    """`size` is None for a stream, which is only read up to the limit."""
    limit = settings.read.max_bytes
    amount = f"{size:,} bytes, more than" if size is not None else "larger than"
    detail = f"{origin} is {amount} read.max_bytes ({limit:,} bytes); it was not read."
    return _failed(origin, f"size={size}".encode(), "read.too_large", detail, given)


def _with_given(article: Article, given: _Given) -> Article:
    return replace(
        article,
        url=given.url or article.url,
        title=given.title or article.title,
        published=given.published or article.published,
    )
