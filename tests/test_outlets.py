"""The outlet of an article (sitreps.outlets): from its URL's registrable domain, else its page's
site name, else unknown; never from the network."""

from __future__ import annotations

import socket

import pytest

from sitreps.outlets import outlet_of, registrable_domain


@pytest.mark.parametrize(("url", "outlet"), [
    ("https://www.bbc.co.uk/news/world-europe-1", "bbc.co.uk"),  # not "co.uk": a public suffix
    ("https://m.bbc.co.uk/news/world-europe-1", "bbc.co.uk"),
    ("https://amp.theguardian.com/world/2023/may/12/x", "theguardian.com"),
    ("https://edition.cnn.com/2023/05/12/europe/x", "cnn.com"),
    ("https://uk.reuters.com/article/x", "reuters.com"),
    ("https://WWW.Ukrinform.UA./rubric-ato/x", "ukrinform.ua"),  # case and a trailing dot
    ("https://www.pravda.com.ua/eng/news/x", "pravda.com.ua"),
    ("https://agency.example.net/2023/05/12/x", "example.net"),
    ("http://news.example:8080/a?b=c#d", "news.example"),  # a name the suffix list does not know: kept
    ("https://www.one.example/a", "one.example"),  # ... without its www.
    ("https://m.news.example/a", "news.example"),
    ("http://10.0.0.7/feed/1", "10.0.0.7"),
])  # fmt: skip
def test_the_outlet_is_the_urls_registrable_domain(url, outlet):
    assert outlet_of(url) == outlet
    assert outlet_of(url, site_name="Some Site") == outlet  # the URL wins over the site name


@pytest.mark.parametrize(("url", "outlet"), [
    # the account in the path: every Telegram channel, X user, Facebook page is an outlet
    ("https://t.me/frontnotes/4521", "t.me/frontnotes"),
    ("https://t.me/s/FrontNotes/4521", "t.me/frontnotes"),  # the web preview of the same post
    ("https://telegram.me/frontnotes/4521", "t.me/frontnotes"),  # the platform's other domain
    ("https://twitter.com/KyivIndependent/status/1", "x.com/kyivindependent"),
    ("https://mobile.x.com/kyivindependent/status/2", "x.com/kyivindependent"),
    ("https://www.facebook.com/GeneralStaff.ua/posts/1", "facebook.com/generalstaff.ua"),
    ("https://www.instagram.com/zelenskiy_official/", "instagram.com/zelenskiy_official"),
    # a first segment starting with "@"
    ("https://www.youtube.com/@dwnews/videos", "youtube.com/@dwnews"),
    ("https://medium.com/@analyst/a-post-1", "medium.com/@analyst"),
    ("https://www.tiktok.com/@reporter/video/1", "tiktok.com/@reporter"),
    # the label below the domain
    ("https://abcnews.go.com/International/x", "abcnews.go.com"),
    ("https://espn.go.com/x", "espn.go.com"),
    ("https://someone.substack.com/p/x", "someone.substack.com"),
    ("https://colonel.livejournal.com/1.html", "colonel.livejournal.com"),
])  # fmt: skip
def test_on_a_platform_the_outlet_is_the_account_the_url_names(url, outlet, monkeypatch):
    from sitreps import outlets

    assert outlet_of(url) == outlet
    monkeypatch.setattr(outlets, "_suffix_list", lambda: False)
    assert outlet_of(url) == outlet  # the rule needs no suffix list


@pytest.mark.parametrize(("url", "account"), [
    ("https://t.me/joinchat/AAAA", "https://t.me/frontnotes/4521"),  # a page of the platform
    ("https://x.com/i/web/status/3", "https://x.com/kyivindependent/status/2"),
    ("https://www.facebook.com/watch/?v=1", "https://www.facebook.com/GeneralStaff.ua/posts/1"),
    ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/@dwnews"),  # a video names no channel
    ("https://www.substack.com/", "https://someone.substack.com/p/x"),  # the platform's own site
])  # fmt: skip
def test_a_url_that_names_no_account_on_a_platform_is_the_platform(url, account):
    platform = outlet_of(url)  # one outlet for all its accounts: fewer, never more
    assert "/" not in platform and platform in outlet_of(account) != platform


def test_every_platform_names_its_accounts_one_of_three_ways():
    from sitreps.outlets import PLATFORMS

    assert {p.account for p in PLATFORMS.values()} == {"path", "@path", "label"}
    assert all(p.name in PLATFORMS for p in PLATFORMS.values() if p.name)  # an alias names a platform


@pytest.mark.parametrize("url", [None, "", "article-7", "wire/2023/7", "file:///tmp/a.html", "http://[zz/x"])
def test_a_url_without_a_host_falls_back_to_the_site_name_then_unknown(url):
    assert outlet_of(url, site_name="  Kyiv   Independent ") == "Kyiv Independent"
    assert outlet_of(url) is None
    assert outlet_of(url, site_name="  ") is None


def test_a_site_name_that_is_a_domain_follows_the_domain_rule_and_a_link_says_nothing():
    assert outlet_of(None, site_name="www.BBC.co.uk") == "bbc.co.uk"
    # article:publisher often holds the outlet's Facebook page: not the outlet's name
    assert outlet_of(None, site_name="https://www.facebook.com/bbcnews") is None


def test_registrable_domain_without_the_suffix_list(monkeypatch):
    from sitreps import outlets

    monkeypatch.setattr(outlets, "_suffix_list", lambda: False)
    assert registrable_domain("www.example.com") == "example.com"
    assert registrable_domain("amp.m.news.example") == "news.example"
    assert registrable_domain("www.com") == "www.com"  # two labels stay two labels
    assert registrable_domain(" ") is None


def test_outlets_are_found_offline(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("sitreps.outlets tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    from tld.utils import reset_tld_names

    reset_tld_names()  # the list is read again, from the file installed with tld
    assert outlet_of("https://www.bbc.co.uk/news/1") == "bbc.co.uk"
    assert outlet_of("https://news.example/1") == "news.example"


def test_an_html_page_gives_its_site_name(tmp_path):
    from test_read import HTML

    from sitreps.settings import load_settings
    from sitreps.stages.read import read_bytes

    page = HTML.replace('<link rel="canonical" href="https://example.org/news/ferries">',
                        '<meta property="og:site_name" content="Marivka Herald">')  # fmt: skip
    [article] = read_bytes(page.encode(), load_settings(), kind="html")
    assert (article.url, article.site_name) == (None, "Marivka Herald")
    assert outlet_of(article.url, article.site_name) == "Marivka Herald"
    [text] = read_bytes(b"Two ferries crossed the estuary at Marivka on Sunday.", load_settings(), kind="text")
    assert text.site_name is None and outlet_of(text.url, text.site_name) is None
