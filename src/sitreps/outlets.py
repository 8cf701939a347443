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

A **platform** hosts many outlets on one domain: every Telegram channel is on `t.me`, ABC News and
ESPN are both on `go.com`. On the few listed in `PLATFORMS` the outlet is the account the URL
names, where that platform puts it: the first path segment (`t.me/frontnotes`,
`x.com/kyivindependent`, `facebook.com/<page>`), a first segment starting with "@"
(`youtube.com/@dwnews`, `medium.com/@author`), or the label below the domain (`abcnews.go.com`,
`someone.substack.com`). Accounts are lower-cased (these platforms ignore case), and a platform
with two domains is named by one (`telegram.me` is `t.me`, `twitter.com` is `x.com`). A URL that
names no account there (a YouTube video's `watch?v=`, a platform page such as `x.com/i/...`) keeps
the platform's domain: like any domain, one outlet, which can count fewer independent outlets than
there are, never more.

    outlet_of("https://t.me/s/FrontNotes/4521")             -> "t.me/frontnotes"
    outlet_of("https://abcnews.go.com/International/x")     -> "abcnews.go.com"

Known limits: a platform not listed is one outlet (fewer independent outlets, never more), and
the same outlet read once by URL and once by site name only ("bbc.co.uk", "BBC News"), or on its
own site and on a platform ("bbc.co.uk", "x.com/bbcworld"), counts twice.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

# Sub-site labels that never make another outlet, for hosts the suffix list does not know.
_MIRRORS = ("www", "m", "mobile", "amp")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]{2,}\.?", re.IGNORECASE)


@dataclass(frozen=True)
class Platform:
    """A domain that hosts many outlets, and where its URLs name an outlet's account (`account`):
    "path", the first path segment; "@path", a first path segment that starts with "@"; "label",
    the label below the domain."""

    account: str
    skip: tuple[str, ...] = ()  # path segments before the account (t.me/s/<channel>: a web preview)
    pages: tuple[str, ...] = ()  # first path segments that are the platform's own pages, no account
    name: str | None = None  # the domain that names the platform, when this is its other one


_TELEGRAM_PAGES = ("c", "joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "iv")
_X_PAGES = ("i", "home", "search", "hashtag", "explore", "intent", "share", "settings", "messages")
_FACEBOOK_PAGES = (
    "watch", "share", "sharer", "sharer.php", "story.php", "permalink.php", "photo.php", "photo",
    "profile.php", "groups", "events", "pages", "reel", "videos", "hashtag", "login", "help",
)  # fmt: skip
_INSTAGRAM_PAGES = ("p", "reel", "reels", "tv", "explore", "stories", "accounts")

# Platforms, by the domain they are on (see the module docstring). Kept short on purpose: those a
# war's reports are read from, and hosts of news sites and blogs under their own label. A host the
# Public Suffix List already lists as a suffix (blogspot.com, github.io) needs no entry: a blog on
# it is a registrable domain of its own.
PLATFORMS: dict[str, Platform] = {
    "t.me": Platform("path", skip=("s",), pages=_TELEGRAM_PAGES),
    "telegram.me": Platform("path", skip=("s",), pages=_TELEGRAM_PAGES, name="t.me"),
    "x.com": Platform("path", pages=_X_PAGES),
    "twitter.com": Platform("path", pages=_X_PAGES, name="x.com"),
    "facebook.com": Platform("path", pages=_FACEBOOK_PAGES),
    "instagram.com": Platform("path", pages=_INSTAGRAM_PAGES),
    "vk.com": Platform("path", pages=("wall", "video", "photo", "feed", "share.php", "away.php")),
    "youtube.com": Platform("@path"),
    "tiktok.com": Platform("@path"),
    "medium.com": Platform("@path"),
    "go.com": Platform("label"),
    "substack.com": Platform("label"),
    "wordpress.com": Platform("label"),
    "livejournal.com": Platform("label"),
    "tumblr.com": Platform("label"),
}


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


def _split(url: str) -> tuple[str | None, str]:
    """The host and the path of a URL that names a host ("https://host/..."; not "host/path",
    which may as well be a file name)."""
    try:
        parts = urlsplit(url.strip())
        return parts.hostname, parts.path
    except ValueError:  # a malformed IPv6 literal: no host to read
        return None, ""


def _platform(host: str) -> tuple[str, Platform] | None:
    """The platform `host` is on (or under) and its domain, if it is one of PLATFORMS."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        domain = ".".join(labels[i:])
        if domain in PLATFORMS:
            return domain, PLATFORMS[domain]
    return None


def _platform_outlet(host: str, path: str) -> str | None:
    """The outlet of a URL on a platform: the account it names, else the platform's domain; None
    when `host` is on no platform."""
    host = host.rstrip(".").lower()
    found = _platform(host)
    if found is None:
        return None
    domain, platform = found
    name = platform.name or domain
    if platform.account == "label":
        below = [label for label in host.removesuffix(domain).split(".") if label and label not in _MIRRORS]
        return f"{below[-1]}.{domain}" if below else name
    segments = [segment.lower() for segment in path.split("/") if segment]
    while segments and segments[0] in platform.skip:
        segments = segments[1:]
    account = segments[0] if segments else ""
    if platform.account == "@path":
        named = len(account) > 1 and account.startswith("@")
    else:
        named = bool(account) and account not in platform.pages
    return f"{name}/{account}" if named else name


def outlet_of(url: str | None, site_name: str | None = None) -> str | None:
    """The outlet of an article (see the module docstring): the account `url` names on a platform,
    else the registrable domain of `url`, else `site_name`, else None."""
    host, path = _split(url) if url else (None, "")
    if host:
        return _platform_outlet(host, path) or registrable_domain(host)
    name = " ".join((site_name or "").split())
    if not name or "://" in name:
        return None
    if _DOMAIN.fullmatch(name):
        return registrable_domain(name)
    return name
