"""Jinja2 templates with the page helpers as filters, and the headers every page carries."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..records import CERTAINTIES
from . import present as p

HERE = Path(__file__).parent
STATIC = HERE / "static"

# Nothing from elsewhere: scripts, styles and data from this server only. Map tiles from
# OpenStreetMap are allowed as images, and asked for only when the user turns them on.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
    "https://tile.openstreetmap.org; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

UNKNOWN = Markup('<span class="unknown">unknown</span>')


def or_unknown(value):
    """The value, or a marked "unknown" for None and empty strings (never a made-up default)."""
    return UNKNOWN if value is None or value == "" or value == [] else value


@cache
def templates():
    from fastapi.templating import Jinja2Templates

    t = Jinja2Templates(directory=str(HERE / "templates"))
    env = t.env
    env.filters.update(
        unknown=or_unknown,
        count=p.count_text,
        date=p.date_text,
        date_label=p.date_label,
        place_label=p.place_label,
        actor_label=p.actor_label,
        mention_label=p.mention_label,
        outlet=p.outlet,
        safe_href=p.safe_href,
        type_class=p.type_class,
    )
    env.globals.update(
        page_url=p.page_url,
        coords=p.coords_text,
        corroboration_text=p.corroboration_text,
        plural=p.plural,
        certainty_notes=p.CERTAINTY_NOTES,
        precision_notes=p.PRECISION_NOTES,
        certainties=CERTAINTIES,
        event_types=list(p.TYPE_CLASSES),
        version=__version__,
    )
    env.trim_blocks = env.lstrip_blocks = True
    return t


def render(request, name: str, context: dict, status: int = 200, twin: str | None = None):
    """A page: the template with `root` (the app's mount point), `static()` and its twin's URL."""
    root = request.scope.get("root_path", "").rstrip("/")

    def static(path: str) -> str:
        return f"{root}/static/{path}?v={__version__}"

    headers = dict(HEADERS)
    if twin:
        headers["Link"] = f'<{root}{twin}>; rel="alternate"; type="application/json"'
    context = {"root": root, "static": static, "twin": twin, **context}
    return templates().TemplateResponse(request, name, context, status_code=status, headers=headers)
