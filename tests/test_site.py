"""A crawl's site: its identity (origin, folder key, record name) and its scope, ports included."""

from __future__ import annotations

import pytest

from crawler.pages.pagescan import ScanScope, scan_html
from crawler.pages.profiles import GENERIC, PROFILES, VSEDELO
from crawler.pages.requisites import RequisitePolicy, host_matches
from crawler.pages.site import site_for, site_key
from crawler.pages.urls import BadURL
from crawler.state.state_extension import StateSettings, legacy_state_note


@pytest.mark.parametrize(("url", "origin", "key"), [
    ("https://Example.com/news/", "https://example.com", "example.com"),
    ("https://example.com:443/", "https://example.com", "example.com"),
    ("http://127.0.0.1:8001/a?b=1", "http://127.0.0.1:8001", "127.0.0.1_8001"),
    ("http://127.0.0.1:8002/", "http://127.0.0.1:8002", "127.0.0.1_8002"),
    ("https://example.com:8443/", "https://example.com:8443", "example.com_8443"),
    ("http://[::1]:8080/", "http://[::1]:8080", "ipv6---1_8080"),
])
def test_news_site_is_the_normalised_origin(url, origin, key):
    site = site_for(url, GENERIC, PROFILES.values())
    assert (site.origin, site.key, site.name) == (origin, key, origin)


def test_a_profile_names_its_own_site_and_not_a_copy():
    for url in ("https://vsedelo.com/", "https://www.vsedelo.com/ru/", "http://vsedelo.com/"):
        site = site_for(url, VSEDELO, PROFILES.values())
        assert (site.key, site.name, site.origin) == ("vsedelo", "vsedelo", "https://vsedelo.com")
        assert site.hosts == VSEDELO.domains
    # the generic spider on a profile's site belongs to that site too
    assert site_for("https://vsedelo.com/", GENERIC, PROFILES.values()).key == "vsedelo"
    copy = site_for("http://127.0.0.1:8000/", VSEDELO, PROFILES.values())
    assert (copy.key, copy.name) == ("127.0.0.1_8000", "http://127.0.0.1:8000")
    other_port = site_for("https://vsedelo.com:8443/", VSEDELO, PROFILES.values())
    assert other_port.key == "vsedelo.com_8443"
    with pytest.raises(BadURL):
        site_for("ftp://vsedelo.com/", VSEDELO)


def test_scope_is_hosts_and_port():
    site = site_for("http://127.0.0.1:8001/", GENERIC)
    assert site.contains("http://127.0.0.1:8001/news/1.html")
    assert not site.contains("http://127.0.0.1:8002/news/1.html")  # another site, same host
    assert not site.contains("http://127.0.0.1/news/1.html")
    assert not site.contains("http://127.0.0.2:8001/")
    assert not site.contains("http://127.0.0.1:99999/")  # no such port
    assert not site.contains("ftp://127.0.0.1:8001/")
    home = site_for("https://example.com/", GENERIC)
    assert home.contains("https://example.com/a") and home.contains("http://example.com/a")
    assert home.contains("https://cdn.example.com/x.png")  # subdomains, as Scrapy's offsite
    assert not home.contains("https://example.com:8443/a")
    assert not home.contains("https://example.com.evil.net/a")
    assert site_key("Example.COM", 443, "https") == "example.com"


def test_page_scans_and_requisites_keep_to_the_port():
    site = site_for("http://127.0.0.1:8001/", GENERIC)
    policy = RequisitePolicy(site_hosts=("127.0.0.1",), extra_hosts=("localhost", "cdn.test:81"),
                             site=site)
    scope = ScanScope(GENERIC.with_start_url(site.origin), ("127.0.0.1",), policy, site)
    page = (b"<html><head><link rel=canonical href='http://127.0.0.1:8002/x.html'></head><body>"
            b"<a href='/a.html'>a</a><a href='http://127.0.0.1:8002/b.html'>b</a>"
            b"<a href='http://127.0.0.1/c.html'>c</a></body></html>")
    scan = scan_html(page, "http://127.0.0.1:8001/", scope)
    assert [url for url, _ in scan.links] == ["http://127.0.0.1:8001/a.html"]
    assert scan.canonical is None  # a canonical on another site is not this page's
    assert policy.allows("http://127.0.0.1:8001/i.png")
    assert not policy.allows("http://127.0.0.1:8002/i.png")
    assert policy.allows("http://localhost:9999/i.png")  # a CDN host on any port
    assert policy.allows("http://cdn.test:81/i.png") and not policy.allows("http://cdn.test/i.png")
    assert host_matches("img.cdn.test", 81, ("cdn.test:81",))


def test_the_old_per_spider_state_is_named_once(tmp_path):
    from scrapy.settings import Settings

    config = StateSettings.from_settings(Settings({"OUTPUT_URI": str(tmp_path)}))
    assert legacy_state_note(config, tmp_path, "news", "example.com") is None  # nothing there
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "state.sqlite").write_bytes(b"")
    note = legacy_state_note(config, tmp_path, "news", "example.com")
    assert note and "earlier per-spider layout" in note and str(tmp_path / "example.com") in note
    assert "\n" not in note
    assert legacy_state_note(config, tmp_path, "vsedelo", "127.0.0.1_8000") is None
