"""Downloads: every event matching the filters, streamed as CSV, GeoJSON or JSON lines
(sitreps.export writes them), for GET /api/events.{format} and /api/events?format=."""

from collections.abc import Iterator

# Downloads: every matching event as a file, streamed (sitreps.export): media type and writer.
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "jsonl": "application/x-ndjson",
}
CHUNK = 64 * 1024  # characters sent at a time: each chunk costs a hop through the server's thread pool


def _download(stores, filters, format: str):
    """Every event matching `filters` as a file, streamed: one event is held at a time. The
    query runs before the answer starts, so an error is still a JSON error; the rows are then
    read from a connection of the download's own, which the thread pool's threads take in turn,
    closed when the stream ends (or the client leaves)."""
    from fastapi.responses import StreamingResponse

    from ..export import csv_chunks, geojson_chunks, jsonl_chunks

    chunks = {"csv": csv_chunks, "geojson": geojson_chunks, "jsonl": jsonl_chunks}[format]
    store = stores.reader(any_thread=True)
    try:
        events = store.iter_events(filters)
    except BaseException:
        store.close()
        raise

    def body() -> Iterator[bytes]:
        try:
            pending: list[str] = []
            size = 0
            for chunk in chunks(events):
                pending.append(chunk)
                size += len(chunk)
                if size >= CHUNK:
                    yield "".join(pending).encode("utf-8")
                    pending, size = [], 0
            yield "".join(pending).encode("utf-8")
        finally:
            store.close()

    headers = {"Content-Disposition": f'attachment; filename="sitreps-events.{format}"'}
    return StreamingResponse(body(), media_type=DOWNLOADS[format], headers=headers)
