"""Cross-article linking: near-duplicate articles and same-incident clusters.

Two questions, asked of documents the pipeline has already analysed:

- **Is this article a copy of one we have?** Wire stories re-published by other outlets, the
  same report updated. `Copies` keeps a MinHash of each text's word 5-shingles in an LSH index
  (datasketch) and groups texts whose estimated Jaccard similarity is at least
  `LinkSettings.copy_jaccard` (0.6: a re-publication with a new headline and a paragraph cut or
  added keeps well over 60% of its 5-word sequences; two outlets writing up one incident in their
  own words share almost none).
- **Does it report an incident we already have?** `Linker.add(summary) -> cluster id` compares a
  new document only with the documents it could be the same incident as (`compatible`: published
  within `window_days` of each other and, when `max_km` is set, their events' places within it;
  unknown dates and places are compatible with everything), found through a block index keyed
  by publication week (and a grid of `max_km` cells), so the cost of an addition does not grow
  with the corpus, only with how many reports share its week and region.
  The pair score (`pair_score`) is a text similarity plus small terms for what the extraction
  found (`Evidence`): stated dates that overlap or not; events that match (same type, places
  within `near_km`, overlapping times, a shared actor) or not; and the people each text names most
  (`people_differ`: each names someone most whom the other never names, PERSON entities keyed by
  surname). A document joins the cluster with the highest *average* score over its members
  (average link: members it was not compared with count 0) when that reaches `threshold`, else
  starts a new one; two clusters whose average cross score reaches `threshold` then merge (the
  older id stays). A document that could join two or more clusters regroups them instead: average
  link runs again from single documents (a group of copies as one) over it and all of theirs, with
  pair scores of the current document frequencies. So a document that fits two clusters can take
  parts of them, and early one-at-a-time joins get revisited. Each old id goes to the group
  holding most of its documents. A group no old id goes to is named after its first document whose
  id no cluster ever had, and ids that went away are in `merged`, as merged ones are.

Text similarity is `text_words` x cosine of sublinear TF-IDF over words (stop words dropped, the
summary's `lead`, its first sentences, counted twice: headline and lead say what happened) plus
`text_names` x cosine of TF-IDF over the names and numbers spaCy found (people, places,
organisations, counts, dates). Document frequencies grow with the corpus; vectors are weighed
with a snapshot of them taken each time the corpus has grown by a quarter (`_epoch`), so the
result does not depend on which documents were compared when, and blocked linking equals the
all-pairs reference (`Linker(blocked=False)`). Why TF-IDF and not sentence embeddings: see
docs/evaluation.md (measured on ECB+: all-MiniLM-L6-v2 alone clustered worse than TF-IDF, and
added nothing next to it, at ~100x the cost).

A `Cluster` reports its documents, their events grouped into incidents (`group_events`: events of
different reports that could all be one incident), each incident's corroboration (the distinct
known outlets telling it, a group of copies counting once; reports whose outlet is unknown are
counted apart, never as independent: `sitreps.outlets`), how far apart its events are (`Spread`:
text similarity can put unrelated incidents in one cluster, and a reader must be told), and where
the reports of an incident disagree (fatalities, actors, dates), as plain data.
"""

from __future__ import annotations

from .copies import Copies, near_duplicates, shingles
from .linker import Linker, link
from .reports import (
    Cluster,
    Disagreement,
    Incident,
    Spread,
    describe,
    disagreements,
    group_events,
    spread,
    tellers,
)
from .similarity import (
    Blocks,
    Evidence,
    compatible,
    cosine,
    event_match,
    evidence,
    pair_score,
    stop_words,
    weigh,
    words,
)
from .summaries import (
    NAME_LABELS,
    NOT_HAPPENED,
    DocSummary,
    EventSummary,
    LinkSettings,
    day_range,
    outlet_of,
    summarise,
    summary_dict,
    summary_from_dict,
)

__all__ = [
    "NAME_LABELS", "NOT_HAPPENED", "Blocks", "Cluster", "Copies", "Disagreement", "DocSummary",
    "EventSummary", "Evidence", "Incident", "LinkSettings", "Linker", "Spread", "compatible", "cosine",
    "day_range", "describe", "disagreements", "event_match", "evidence", "group_events", "link",
    "near_duplicates", "outlet_of", "pair_score", "shingles", "spread", "stop_words", "summarise",
    "summary_dict", "summary_from_dict", "tellers", "weigh", "words",
]
