"""The pipeline's stages, one module each, in order: read, clean, nlp, places, times, quotes,
claims, actors, events. Each module exports one stage function `fn(doc, ctx) -> Document`
(read exports the readers that make Articles)."""
