"""Readers: one Article per input record, in order, with notes instead of exceptions."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from datetime import UTC, datetime

import pytest

from sitreps.settings import load_settings, with_overrides
from sitreps.stages.read import article_from_text, content_id, parse_published, read_bytes, read_paths

TEXT = "Two ferries crossed the estuary at Marivka on Sunday, “despite the warnings”, the port said.\n"
HTML = """<!DOCTYPE html>
<html><head>
<title>Ferries cross the estuary</title>
<meta property="article:published_time" content="2022-11-11T08:00:00Z">
<link rel="canonical" href="https://example.org/news/ferries">
</head><body>
<nav>Home | World | Sport</nav>
<article><h1>Ferries cross the estuary</h1>
<p>Two ferries crossed the estuary at Marivka on Sunday despite the warnings, the port authority said.</p>
<p>Officials said the crossings would continue while the weather allowed, and that no one was hurt.</p>
</article>
<footer>Copyright 2022</footer>
</body></html>
"""


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def read(paths, settings, **given):
    return list(read_paths([str(p) for p in paths], settings, **given))


def codes(article):
    return [(n.code, n.level) for n in article.notes]


def test_text_file_with_leading_blank_lines_and_curly_quotes(tmp_path, settings):
    path = tmp_path / "story.txt"
    path.write_text("\n\n\n" + TEXT, encoding="utf-8")
    [article] = read([path], settings)
    assert article.text == "\n\n\n" + TEXT
    assert article.notes == ()
    assert article.origin == str(path)
    assert article.id == hashlib.sha256(("\n\n\n" + TEXT).encode()).hexdigest()[:16]


def test_same_content_gives_the_same_id(tmp_path, settings):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    first, second = read([tmp_path / "a.txt", tmp_path / "b.txt"], settings)
    assert first.id == second.id == content_id(TEXT) == article_from_text(TEXT).id


def test_utf8_bom_is_dropped_without_a_note(tmp_path, settings):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    [article] = read([path], settings)
    assert article.text == TEXT and article.notes == ()


def test_cp1251_text_is_decoded_with_a_warning(tmp_path, settings):
    text = (
        "Жители сообщили, что обстрел начался до рассвета и продолжался несколько часов.\nШкола повреждена.\n"
    )
    path = tmp_path / "cyrillic.txt"
    path.write_bytes(text.encode("cp1251"))
    [article] = read([path], settings)
    assert article.text == text
    assert codes(article) == [("read.encoding", "warning")]
    assert "cp1251" in article.notes[0].detail and str(path) in article.notes[0].detail
    assert not article.failed


def test_invalid_utf8_bytes_are_decoded_or_reported(tmp_path, settings):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"The convoy reached the depot at noon \xff\xfe and unloaded.\n")
    [article] = read([path], settings)
    assert codes(article) in ([("read.encoding", "warning")], [("read.undecodable", "error")])


def test_bytes_in_no_text_encoding_are_undecodable(tmp_path, settings):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(128, 256)) * 4)
    [article] = read([path], settings)
    assert codes(article) == [("read.undecodable", "error")]
    assert article.failed and article.id and article.text == ""


def test_binary_file_is_reported(tmp_path, settings):
    path = tmp_path / "image.dat"
    path.write_bytes(os.urandom(2000) + b"\x00\x00")
    [article] = read([path], settings)
    assert codes(article) == [("read.binary", "error")]
    assert str(path) in article.notes[0].detail
    assert len(article.id) == 16


def test_empty_and_whitespace_files_are_reported(tmp_path, settings):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_text(" \n\t\n", encoding="utf-8")
    a, b = read([tmp_path / "a.txt", tmp_path / "b.txt"], settings)
    assert codes(a) == codes(b) == [("read.empty", "error")]
    assert a.id != b.id  # failed inputs are told apart by origin and bytes


def test_too_large_file_is_refused_before_reading(tmp_path):
    small = with_overrides(load_settings(), read={"max_bytes": 1000})
    path = tmp_path / "big.txt"
    path.write_text("word " * 500, encoding="utf-8")
    [article] = read([path], small)
    assert codes(article) == [("read.too_large", "error")]
    assert "2,500" in article.notes[0].detail and article.text == ""


def test_missing_file_is_unreadable_not_an_exception(tmp_path, settings):
    [article] = read([tmp_path / "nope.txt"], settings)
    assert codes(article) == [("read.unreadable", "error")]


def test_html_keeps_title_date_and_canonical_url(tmp_path, settings):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    [article] = read([path], settings)
    assert article.notes == ()
    assert article.title == "Ferries cross the estuary"
    assert article.url == "https://example.org/news/ferries"
    assert article.published == datetime(2022, 11, 11, 8, 0, tzinfo=UTC)  # the page's time, kept
    assert "Two ferries crossed the estuary at Marivka" in article.text
    assert "Copyright" not in article.text and "Home | World" not in article.text
    assert article.html == HTML
    assert article.id == content_id(HTML)


def test_a_page_that_states_only_a_day_gets_no_invented_time(tmp_path, settings):
    path = tmp_path / "page.html"
    path.write_text(HTML.replace("2022-11-11T08:00:00Z", "2022-11-11"), encoding="utf-8")
    [article] = read([path], settings)
    assert article.published == datetime(2022, 11, 11)


def test_caller_values_win_over_page_metadata(tmp_path, settings):
    path = tmp_path / "page.htm"
    path.write_text(HTML, encoding="utf-8")
    when = datetime(2023, 1, 2, tzinfo=UTC)
    [article] = read([path], settings, url="https://example.com/mine", title="Mine", published=when)
    assert (article.url, article.title, article.published) == ("https://example.com/mine", "Mine", when)


def test_broken_html_without_text_is_reported(tmp_path, settings):
    path = tmp_path / "broken.html"
    path.write_text(
        "<html><head><title>x</title><script>var a = 1;</script></head><body><div></td>", encoding="utf-8"
    )
    [article] = read([path], settings)
    assert codes(article) == [("read.html_no_text", "error")]


def test_json_list_keeps_order_and_ids(tmp_path, settings):
    records = [
        {"id": "first", "title": "One", "published": "2022-11-11", "text": "The first report."},
        {"url": "https://example.org/2", "text": "The second report."},
        {"id": "7", "text": "The third report."},
    ]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    articles = read([path], settings)
    assert [a.id for a in articles] == ["first", content_id("The second report."), "7"]
    assert [a.origin for a in articles] == [f"{path}[0]", f"{path}[1]", f"{path}[2]"]
    assert articles[0].published == datetime(2022, 11, 11) and articles[0].title == "One"
    assert articles[1].url == "https://example.org/2"
    assert all(a.notes == () for a in articles)


def test_fields_are_strings_by_contract(tmp_path, settings):
    """An id 7 and an id "7" would be one article in a store: a non-string id or text is refused."""
    records = [{"id": 7, "text": "A report."}, {"id": "x", "text": ["a", "list"]}, {"id": "y", "text": "Fine.", "title": 5}]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    first, second, third = read([path], settings)
    assert codes(first) == codes(second) == [("read.bad_field", "error")]
    assert codes(third) == [("read.bad_field", "warning")] and third.title is None and third.text == "Fine."


def test_hostile_json_is_a_record_error_not_a_crash(tmp_path, settings):
    lines = [
        '{"id": "s", "text": "Shelling in \\ud800 the town.", "title": "\\udfff"}',
        '{"id": 1' + "0" * 5000 + ', "text": "x"}',
        "[" * 100_000 + "]" * 100_000,
        '{"id": "d", "text": "First text."}',
        '{"id": "d", "text": "Another text with the same id."}',
        '{"id": "d", "text": "First text."}',
        '{"id": "b", "text": "Text wins.", "html": "<p>Html loses.</p>"}',
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    docs = read([path], settings)
    assert [c for a in docs for c in codes(a)] == [
        ("read.surrogates", "warning"), ("read.surrogates", "warning"),
        ("read.bad_json", "error"), ("read.bad_json", "error"),
        ("read.duplicate_id", "error"), ("read.text_and_html", "warning"),
    ]
    assert docs[0].text == "Shelling in \ufffd the town." and docs[0].title == "\ufffd"
    assert [a.id for a in docs if not a.failed] == ["s", "d", "d", "b"]
    assert docs[4].id != "d"  # the refused record cannot replace the first in a store


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_a_file_name_that_is_not_utf8_is_shown_with_escapes(tmp_path, settings):
    name = os.fsdecode(b"bad\xff.txt")
    (tmp_path / name).write_text("A report.", encoding="utf-8")
    (article,) = read([tmp_path], settings)
    assert article.origin.endswith("bad\\xff.txt") and article.origin.encode("utf-8")


def test_jsonl_with_a_malformed_line_and_records_with_and_without_ids(tmp_path, settings):
    lines = [
        json.dumps({"id": "keep-me", "text": "A market was shelled."}),
        '{"id": "broken", "text": "unterminated',
        "",
        json.dumps({"text": "Aid arrived by train.", "published": "not a date at all"}),
        json.dumps({"id": "no-body", "title": "Nothing here"}),
        json.dumps({"html": HTML}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles = read([path], settings)
    assert [a.origin for a in articles] == [f"{path}:{n}" for n in (1, 2, 4, 5, 6, 7)]
    ok, bad, undated, empty, page, not_object = articles
    assert ok.id == "keep-me" and ok.notes == ()
    assert codes(bad) == [("read.bad_json", "error")] and "Line 2" in bad.notes[0].detail
    assert len(bad.id) == 16
    assert codes(undated) == [("read.bad_published", "warning")] and undated.published is None
    assert undated.id == content_id("Aid arrived by train.") and not undated.failed
    assert (
        codes(empty) == [("read.no_text", "error")]
        and empty.id == "no-body"
        and empty.title == "Nothing here"
    )
    assert page.title == "Ferries cross the estuary" and "Marivka" in page.text and page.notes == ()
    assert codes(not_object) == [("read.bad_record", "error")]


def test_directory_is_read_recursively_in_sorted_order_skipping_hidden(tmp_path, settings):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "z.txt").write_text("Zed report.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha report.", encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text("Charlie report.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git" / "config.txt").write_text("Hidden too.", encoding="utf-8")
    articles = read([tmp_path], settings)
    assert [a.text for a in articles] == ["Alpha report.", "Charlie report.", "Zed report."]


def test_stdin_is_sniffed(monkeypatch, settings):
    for data, expected in (
        (HTML.encode(), "Two ferries crossed"),
        (b'{"id": "s1", "text": "From a pipe."}\n{"id": "s2", "text": "Second."}\n', "From a pipe."),
        (TEXT.encode(), TEXT),
    ):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        articles = list(read_paths(["-"], settings))
        assert expected in articles[0].text
        assert articles[0].origin.startswith("<stdin>")
    assert [a.id for a in articles] == [content_id(TEXT)]


def test_read_bytes_with_a_kind(settings):
    [article] = read_bytes(b"[]", settings, origin="upload", kind="json")
    assert codes(article) == [("read.empty", "error")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-11-11", datetime(2022, 11, 11)),
        ("2022-11-11T08:30:00Z", datetime(2022, 11, 11, 8, 30, tzinfo=UTC)),
        ("2022-11-11T08:30:00+02:00", datetime.fromisoformat("2022-11-11T08:30:00+02:00")),
        ("11 November 2022", datetime(2022, 11, 11)),
        ("November 11, 2022", datetime(2022, 11, 11)),
        (None, None),
        ("", None),
    ],
)
def test_parse_published(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["yesterday-ish", "banana", "November 2022"])
def test_parse_published_rejects_garbage_with_a_clear_message(value):
    with pytest.raises(ValueError, match="publication date"):
        parse_published(value)


def test_article_from_text_hashes_or_keeps_the_id():
    assert article_from_text(TEXT).id == content_id(TEXT)
    assert article_from_text(TEXT, id="given").id == "given"
    assert article_from_text("  ").failed


def test_latin_text_is_read_as_windows_1252_when_encodings_tie(tmp_path, settings):
    path = tmp_path / "latin.txt"
    path.write_bytes("The café was hit. Naïve señor José said the façade collapsed.".encode("latin-1"))
    (article,) = read([path], settings)
    assert article.text == "The café was hit. Naïve señor José said the façade collapsed."
    assert codes(article) == [("read.encoding", "warning")] and "cp1252" in article.notes[0].detail


# -- records already analysed -----------------------------------------------------------------------


def test_a_record_already_analysed_is_read_as_its_document_among_articles(tmp_path, settings):
    from test_store import make_doc

    from sitreps.records import Document
    from sitreps.serialize import document_dict, exported_record

    analysed = exported_record(document_dict(make_doc("done-1")), "The Example Post", None)
    path = tmp_path / "mixed.jsonl"
    lines = [analysed, {"id": "raw-1", "text": TEXT}, {"id": "raw-2", "text": TEXT + "!", "schema": "newsfeed/1"}]
    path.write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    done, raw, feed = read([path], settings, published=datetime(2030, 1, 1), title="Given")
    assert isinstance(done, Document) and document_dict(done) == document_dict(make_doc("done-1"))
    assert done.article.site_name == "The Example Post"  # and the caller's date and title leave it as it was
    assert not isinstance(raw, Document) and raw.id == "raw-1" and raw.published == datetime(2030, 1, 1)
    assert not isinstance(feed, Document) and feed.id == "raw-2"  # a feed's own "schema" field: an article


def test_a_record_that_cannot_be_stored_as_it_is_fails_alone_under_its_id(tmp_path, settings):
    from test_store import make_doc

    from sitreps.serialize import document_dict

    good = document_dict(make_doc("good"))
    path = tmp_path / "records.jsonl"
    lines = [{**good, "id": "old", "schema": "sitreps/2"}, {**good, "id": "broken", "events": "none"}, good]
    path.write_text("\n".join(json.dumps(r) for r in lines), encoding="utf-8")
    old, broken, kept = read([path], settings)
    assert [codes(old), codes(broken)] == [[("read.bad_schema", "error")], [("read.bad_analysis", "error")]]
    assert (old.id, old.origin, broken.id) == ("old", f"{path}:1", "broken")
    assert f"The analysed record at {path}:2 was not stored: $.events is a string, not a list." == broken.notes[-1].detail
    assert not kept.failed and kept.article.id == "good"


def test_an_analysed_record_under_an_id_already_read_for_another_text_is_refused(tmp_path, settings):
    from test_store import make_doc

    from sitreps.records import Document
    from sitreps.serialize import document_dict

    path = tmp_path / "twice.jsonl"
    twice = [document_dict(make_doc("same")), document_dict(make_doc("same", town="Birch"))]
    path.write_text("\n".join(json.dumps(r) for r in [*twice, twice[0]]), encoding="utf-8")
    first, other, again = read([path], settings)
    assert isinstance(first, Document) and isinstance(again, Document) and document_dict(again) == twice[0]
    assert codes(other) == [("read.duplicate_id", "error")]  # the same record twice is one, another is refused
