"""Where the cluster page gets its cluster: one function, so tests can stand in for it.

The cluster is the dict GET /api/clusters/{id} answers (sitreps.store.clusters.get_cluster):
    {"id", "corroboration", "outlets", "reports_outlet_unknown", "documents": [{"article_id",
     "title", "url", "outlet", "published", "copy_of"}], "copies", "incidents": [{"id", "events",
     "articles", "corroboration", "outlets", "reports_outlet_unknown"}], "spread": {"km",
     "places", "days", "far"}, "disagreements": [{"field", "event_type", "values":
     [{"article_id", "outlet", "value"}]}], "events": [...], "merged_from"?}
"""

from __future__ import annotations


def available() -> bool:
    """Whether this version of the store keeps same-incident clusters at all."""
    try:
        from ..store.clusters import get_cluster  # noqa: F401
    except ImportError:
        return False
    return True


def find_cluster(store, cluster_id: str) -> dict | None:
    """The cluster (following merges), or None when there is no such cluster."""
    try:
        from ..store.clusters import get_cluster
    except ImportError:
        return None
    return get_cluster(store, cluster_id)
