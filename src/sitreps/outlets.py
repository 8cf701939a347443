"""Which outlet published an article: what corroboration counts (docs/contract.md).

    outlet_of("https://www.bbc.co.uk/news/world-123")      -> "bbc.co.uk"
    outlet_of("https://edition.cnn.com/2023/05/12/x")       -> "cnn.com"
    outlet_of(None, site_name="Kyiv Independent")           -> "Kyiv Independent"
    outlet_of("article-7")                                  -> None (unknown)

The outlet is the **registrable domain** of the article's URL: the host cut down to one label
below its public suffix, so `www.`, `m.`, `amp.`, `edition.` and regional sub-sites of one outlet
are one outlet, while `bbc.co.uk` is not taken for `co.uk`. The public suffixes are those of the
Public Suffix List snapshot bundled with the `tld` package (a dependency of trafilatura's URL
library, installed with sitreps); it is read from the installed file and never downloaded: when
the file is missing the rule below serves every host. A host the list does not know (`localhost`,
an IP address, a reserved name such as `one.example`) is kept whole, without a leading `www.`,
`m.`, `mobile.` or `amp.`.

Without a URL that has a host, the outlet is the page's site name (`og:site_name` and the like,
as trafilatura reads them from HTML), trimmed; a site name written as a domain ("www.bbc.co.uk")
follows the domain rule, and one that is a link (`article:publisher` often holds a Facebook page)
says nothing about the outlet and is ignored. Else the outlet is unknown (None): unknown outlets
are never counted as independent ones.

Known limits: one domain can host several outlets (`abcnews.go.com` is `go.com`; every Telegram
channel is `t.me`), which counts them as one (fewer independent outlets, never more); and the
same outlet read once by URL and once by site name only ("bbc.co.uk", "BBC News") counts twice.
"""

from __future__ import annotations

import ipaddress
import os
import re
from functools import cache
from urllib.parse import urlsplit

# Sub-site labels that never make another outlet, for hosts the suffix list does not know.
_MIRRORS = ("www", "m", "mobile", "amp")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}\.?", re.IGNORECASE)


@cache
def _suffix_list() -> bool:
    """Whether tld's bundled Public Suffix List is installed. tld downloads a list when its file is
    missing; sitreps runs offline, so then it is not asked at all."""
    try:
        from tld.helpers import project_dir
        from tld.utils import MozillaTLDSourceParser
    except ImportError:
        return False
    return os.path.isfile(project_dir(MozillaTLDSourceParser.local_path))


def registrable_domain(host: str) -> str | None:
    """The outlet of a host name: its registrable domain, or the host itself without mirror
    labels when the suffix list does not know it (None for an empty host)."""
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    if _suffix_list():
        from tld import get_fld

        found = get_fld(host, fix_protocol=True, fail_silently=True)
        if found:
            return found
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in _MIRRORS:
        labels = labels[1:]
    return ".".join(labels)


def _host(url: str) -> str | None:
    """The host of a URL that names one ("https://host/..."; not "host/path", which may as well be
    a file name)."""
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:  # a malformed IPv6 literal: no host to read
        return None


def outlet_of(url: str | None, site_name: str | None = None) -> str | None:
    """The outlet of an article (see the module docstring): the registrable domain of `url`, else
    `site_name`, else None."""
    host = _host(url) if url else None
    if host:
        return registrable_domain(host)
    name = " ".join((site_name or "").split())
    if not name or "://" in name:
        return None
    if _DOMAIN.fullmatch(name):
        return registrable_domain(name)
    return name
