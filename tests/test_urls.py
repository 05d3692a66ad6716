"""URL canonicalisation and scope."""

import pytest

from crawler.pages.urls import BadURL, canonical_url, in_scope, path_shape, validate_start_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM:80/a/?utm_source=x&b=2&a=1#top", "http://example.com/a/?a=1&b=2"),
        ("https://example.com:443/news/1.html?fbclid=abc", "https://example.com/news/1.html"),
        ("https://example.com/x?gclid=1&yclid=2&_ga=3&utm_medium=m", "https://example.com/x"),
        ("https://example.com/x?page=2&utm_campaign=c", "https://example.com/x?page=2"),
        ("http://127.0.0.1:8000/news/a.html#comments", "http://127.0.0.1:8000/news/a.html"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/новини/", "https://example.com/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8/"),
        ("https://example.com/a?q=%d0%B1", "https://example.com/a?q=%D0%B1"),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


def test_canonical_url_is_idempotent():
    url = "https://Example.com/a/b?z=1&utm_source=x&a=%20b#f"
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_keeps_meaningful_parameters_that_resemble_trackers():
    assert canonical_url("https://e.com/?from=2020&ref=main") == "https://e.com/?from=2020&ref=main"


@pytest.mark.parametrize("bad", ["", "ftp://example.com/", "example.com", "http:///nohost", "x"])
def test_bad_start_urls(bad):
    with pytest.raises(BadURL):
        validate_start_url(bad)


def test_scope_includes_subdomains_only():
    domains = ("vsedelo.com",)
    assert in_scope("https://vsedelo.com/a", domains)
    assert in_scope("https://www.vsedelo.com/a", domains)
    assert not in_scope("https://notvsedelo.com/a", domains)
    assert not in_scope("https://vsedelo.com.evil.net/a", domains)


def test_path_shape_folds_digits():
    assert path_shape("http://h/archive/2025/03/01/?x=1") == "/archive/N/N/N/"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/ru/news/sport/100007-some-slug.html",
        "https://example.com", "https://example.com:443/x", "http://example.com:80",
        "http://example.com:8080/a/b/", "http://example.com/a/./b", "http://example.com/a/../b",
        "http://example.com/x/.", "http://example.com//x", "http://example.com/x~y_z.HTML",
        "http://example.com:65536/", "https://example.com:80/", "http://xn--80ak6aa92e.com/a",
        "http://a-b.c-d.example.com/x.y.z/",
    ],
)
def test_canonical_url_shortcut_agrees_with_the_full_treatment(url, monkeypatch):
    """URLs that are canonical already skip w3lib; the answer must not change."""
    import crawler.pages.urls as urls

    def answer() -> str:
        try:
            return canonical_url.__wrapped__(url)
        except ValueError as exc:  # BadURL, or a port out of range
            return type(exc).__name__

    fast = answer()
    monkeypatch.setattr(urls, "_PLAIN", type("Never", (), {"fullmatch": lambda _, u: None})())
    assert fast == answer()
