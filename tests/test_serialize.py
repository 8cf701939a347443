"""Records back into Documents (`serialize.document_from_dict`): exactly what `document_dict`
writes comes back, and anything else is a `RecordError` that says where; on hand-built
documents, no model."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest
from test_store import failed_doc, make_doc, where_docs

from sitreps.linking import summarise, summary_dict
from sitreps.records import Recap
from sitreps.serialize import (
    RecordError,
    document_dict,
    document_from_dict,
    exported_record,
    failure_record,
    is_record,
)


def record(**changes) -> dict:
    return {**document_dict(make_doc("a1", fatalities=2)), **changes}


def refused(value: dict) -> RecordError:
    with pytest.raises(RecordError) as caught:
        document_from_dict(value)
    return caught.value


@pytest.mark.parametrize("doc", [*where_docs(), failed_doc("f1")], ids=lambda d: d.article.id)
def test_a_record_comes_back_as_the_document_it_was_written_from(doc):
    data = json.loads(json.dumps(document_dict(doc)))  # through JSON, as a file holds it
    back = document_from_dict(data)
    assert document_dict(back) == data
    unscored = [replace(p, score=0.0) for p in doc.places]  # a place's score is not in the record
    assert list(back.places) == unscored and [e.place for e in back.events] == unscored[: len(doc.events)]
    assert back.events == tuple(replace(e, place=back.events[i].place) for i, e in enumerate(doc.events))
    assert back.failed == doc.failed and back.recap is None


def test_the_stored_member_gives_the_site_name_and_what_linking_read_of_the_text():
    doc = replace(make_doc("a1"), article=replace(make_doc("a1").article, site_name="The Example Post"))
    summary = summary_dict(summarise(doc))
    summary.update(lead="Shelling hit a depot.", names=["alder", "two"], people=["smith"])
    back = document_from_dict(json.loads(json.dumps(exported_record(document_dict(doc), "The Example Post", summary))))
    assert back.article.site_name == "The Example Post"
    assert back.recap == Recap("Shelling hit a depot.", ("alder", "two"), ("smith",))
    assert summary_dict(summarise(back)) == summary  # linking sees what the first store's linking saw


def test_an_article_stored_before_linking_has_no_recap_and_is_summarised_from_its_record():
    back = document_from_dict(exported_record(document_dict(make_doc("a1")), None, None))
    assert back.recap is None and summarise(back).lead == ""  # the record keeps no sentences


def test_a_failure_row_is_a_failed_record_with_its_note():
    data = failure_record("f1", "in/a.jsonl:3", "read.no_text", "The record has no text.")
    back = document_from_dict(data)
    assert back.failed and back.article.id == "f1" and back.article.origin == "in/a.jsonl:3"
    assert [(n.stage, n.code, n.detail) for n in back.notes] == [("read", "read.no_text", "The record has no text.")]


def test_only_a_json_object_naming_a_sitreps_schema_is_a_record():
    assert is_record(record())
    assert not is_record({"id": "a", "text": "words", "schema": "newsfeed/1"})  # a feed's own field
    assert not is_record({"id": "a", "text": "words"}) and not is_record(["sitreps/3"])


@pytest.mark.parametrize("schema, said", [
    ("sitreps/2", "an older contract"),
    ("sitreps/9", "does not know"),
    ("sitreps/three", "does not know"),
])  # fmt: skip
def test_a_record_of_another_contract_version_is_refused(schema, said):
    error = refused(record(schema=schema))
    assert error.code == "read.bad_schema" and said in str(error) and schema in str(error)


def _edit(path: str, value=None, *, drop: bool = False):
    def edit(data: dict) -> dict:
        data = copy.deepcopy(data)
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if drop:
            del target[last]
        else:
            target[last] = value
        return data

    return edit


@pytest.mark.parametrize("edit, where", [
    (_edit("events", drop=True), "$.events is missing"),
    (_edit("id", ""), "$.id is missing"),
    (_edit("text", 5), "$.text is a number, not a string"),
    (_edit("places.0.start", "3"), "$.places[0].start is a string, not an integer"),
    (_edit("places.0.start", True), "$.places[0].start is true or false, not an integer"),
    (_edit("events.0.fatalities.low", 10**30), "$.events[0].fatalities.low"),
    (_edit("events.0.certainty", "sure"), '$.events[0].certainty is "sure", not one of "asserted"'),
    (_edit("events.0.trigger", "Shelling"), "$.events[0].trigger is a string, not an object"),
    (_edit("events.0.evidence", [{"start": 0}]), "$.events[0].evidence[0].end is missing"),
    (_edit("notes", [{"stage": "read", "code": "x", "detail": "", "level": "fatal"}]), '$.notes[0].level is "fatal"'),
    (_edit("places.0.score", 0.9), "$.places[0] has a key sitreps does not write: 'score'"),
    (_edit("places.0.admin2", drop=True), "$.places[0].admin2 is missing"),
    (_edit("published", "2022-11-11T08:30:00Z"), '$.published is "2022-11-11T08:30:00Z", where sitreps writes'),
    (_edit("published", "Thursday"), "$.published is no ISO 8601 date"),
    (_edit("places.0.end", 10_000), "$.places[0] points outside the text"),
    (_edit("events.0.evidence", [{"start": 0, "end": 10_000}]), "$.events[0].evidence[0] points outside the text"),
    (_edit("title", "\ud800"), "unpaired UTF-16 surrogates"),
    (_edit("stored", {"site_name": 7, "lead": "", "names": [], "people": []}), "$.stored.site_name is a number"),
    (_edit("stored", {"site_name": None, "lead": "", "names": [3], "people": []}), "$.stored.names[0] is a number"),
    (_edit("stored", {"site_name": None, "names": []}), "$.stored.lead is missing"),
    (_edit("stored", {"site_name": None, "lead": "", "names": [], "people": [], "seq": 3}), "'seq'"),
])  # fmt: skip
def test_a_record_not_as_sitreps_writes_it_is_refused_saying_where(edit, where):
    error = refused(edit(record()))
    assert error.code == "read.bad_analysis"
    assert where in str(error)


def test_two_events_of_one_record_under_one_id_are_refused():
    data = document_dict(make_doc("a1"))
    data["events"].append({**data["events"][0], "background": True})
    assert "$.events[1].id \"ev-a1\" is the id of $.events[0] too" in str(refused(data))


def test_a_text_edited_under_its_spans_is_refused():
    data = record()
    data["text"] = "Shelling hit a depot in Elder" + data["text"][len("Shelling hit a depot in Alder"):]
    error = refused(data)
    assert "$.places[0] says 'Alder' where the text says 'Elder'" in str(error)
