"""Which of a page's dates is its publication (issue 30): publication markup against the date
line, update and live-ticker times, 12-hour clocks, the record of which source won and why.
Small synthetic pages through the crawl's extraction path (``extract_article``, finalised)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crawler.dates import read_date
from crawler.dates.sources import split_update
from crawler.extract.article import extract_article
from crawler.pages.profiles import GENERIC

FETCHED = dt.datetime(2024, 7, 20, 12, 0, tzinfo=dt.UTC)
TEXT = "<p>" + "Der Text des Artikels geht hier weiter und weiter. " * 12 + "</p>"
URL = "https://news.example.de/politik/ein-langer-artikel-ueber-etwas/"


def ld(**fields) -> str:
    return ('<script type="application/ld+json">'
            + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", **fields})
            + "</script>")


def extract(head: str = "", byline: str = "", *, url: str = URL, lang: str = "de",
            body: str = TEXT, fetched: dt.datetime = FETCHED):
    html = (f'<html lang="{lang}"><head><title>Schlagzeile</title>{head}</head><body><article>'
            f"<h1>Eine Schlagzeile über etwas</h1>{byline}{body}</article></body></html>")
    result = extract_article(html.encode(), url, profile=GENERIC, fetched_at=fetched)
    assert result.skip_reason is None, result.skip_reason
    return result


def conflicts(result) -> list[dict]:
    return result.extraction.get("date_conflicts") or []


def test_publication_markup_beats_an_unlabelled_date_line_of_another_day():
    """A ticker's byline shows its latest entry; the markup names the publication."""
    result = extract(ld(datePublished="2023-10-07T09:53:36+02:00"),
                     '<div class="meta">Redaktion 18.07.2024, 11.08 Uhr</div>')
    assert result.published == "2023-10-07T09:53:36+02:00"
    assert result.published_source == "json-ld:datePublished"
    [note] = conflicts(result)
    assert note["kept"] == "json-ld:datePublished" and note["over"] == "byline"
    assert note["value"].startswith("2024-07-18T11:08") and "unlabelled" in note["why"]


def test_a_date_line_labelled_as_the_publication_wins_and_says_why():
    result = extract(ld(datePublished="2024-03-01T09:00:00+01:00"),
                     "<p>Veröffentlicht am 05.03.2024, 10:00 Uhr</p>")
    assert result.published == "2024-03-05T10:00:00+01:00"
    [note] = conflicts(result)
    assert note["kept"] == "byline" and note["over"] == "json-ld:datePublished"
    assert note["why"] == "date line labelled as the publication"


def test_markup_of_unknown_meaning_loses_to_the_date_line():
    result = extract('<meta name="date" content="2020-01-01T00:00:00+01:00">',
                     "<p>12.03.2024, 08:15 Uhr</p>")
    assert result.published == "2024-03-12T08:15:00+01:00"
    [note] = conflicts(result)
    assert (note["kept"], note["over"]) == ("byline", "meta:date")


def test_another_publication_source_on_the_line_s_day_confirms_it():
    head = (ld(datePublished="2021-12-14T15:41:07+01:00")
            + '<meta name="datePublished" content="2022-02-04T15:33:00+01:00">')
    result = extract(head, "<p>04.02.2022 | 15:33 Uhr | Anna Schmidt</p>",
                     fetched=dt.datetime(2022, 3, 1, tzinfo=dt.UTC))
    assert result.published == "2022-02-04T15:33:00+01:00"
    assert conflicts(result)[0]["why"] == "another publication source gives the date line's day"


def test_a_line_with_its_update_tells_the_publication_apart():
    head = '<meta property="article:published_time" content="2020-01-20T09:49:32+0000">'
    result = extract(head, "<p>January 19, 2020 / 12:25 PM / Updated 21 hours ago</p>",
                     url="https://news.example.com/world/a-story-about-things-here/", lang="en",
                     fetched=dt.datetime(2020, 1, 21, 7, tzinfo=dt.UTC))
    assert result.published is not None and result.published.startswith("2020-01-19T12:25")
    assert conflicts(result)[0]["over"] == "meta:article:published_time"


@pytest.mark.parametrize("line", ["Stand: 28.04.2023 17:23 Uhr",
                                  "Zuletzt geändert: 28.04.2023 17:23 Uhr"])
def test_update_lines_give_modified_never_published(line):
    result = extract(byline=f'<p class="metatextline">{line}</p>',
                     fetched=dt.datetime(2023, 5, 1, tzinfo=dt.UTC))
    assert result.published is None
    assert result.modified == "2023-04-28T17:23:00+02:00"


def test_no_date_of_the_text_stands_in_for_a_page_that_only_states_its_update():
    body = TEXT + "<p>Seit 01.01.2018 gilt die neue Regel.</p>"
    result = extract(byline="<p>Sara Zinnecker Stand: 05. Februar 2020</p>", body=body,
                     fetched=dt.datetime(2020, 3, 1, tzinfo=dt.UTC))
    assert result.published is None
    assert result.modified is not None and result.modified.startswith("2020-02-05")


@pytest.mark.parametrize(("text", "published", "updated"), [
    ("Oppdatert 12.03.2024 10:00", "", " 12.03.2024 10:00"),
    ("Güncelleme: 12.03.2024 10:00", "", ": 12.03.2024 10:00"),
    ("2025/01/13 10:00 公開 2025/01/14 08:00 更新", "2025/01/13 10:00 公開", " 2025/01/14 08:00 "),
])
def test_update_labels_of_more_languages(text, published, updated):
    assert split_update(text) == (published, updated)


def test_a_live_blog_s_printed_times_are_its_entries():
    head = ld(**{"@type": "LiveBlogPosting", "coverageStartTime": "2024-07-01T08:00:00+02:00"})
    result = extract(head, "<p>18.07.2024, 11:08 Uhr</p>")
    assert result.published == "2024-07-01T08:00:00+02:00"
    assert result.published_source == "json-ld:coverageStartTime"


def test_meta_names_are_read_however_they_are_separated():
    head = '<meta property="article:published:time" content="2024-10-23T15:48:15+00:00">'
    result = extract(head, fetched=dt.datetime(2024, 10, 24, tzinfo=dt.UTC))
    assert result.published_source == "meta:article:published:time"


def test_a_clock_without_am_pm_gives_markup_neither_its_time_nor_a_zone():
    """"October 23, 2024, 3:48" may be 15:48: the markup's instant and day stand."""
    head = '<meta property="article:published_time" content="2024-10-23T15:48:15+00:00">'
    result = extract(head, "<p>Frankfurt, October 23, 2024, 3:48</p>",
                     fetched=dt.datetime(2024, 10, 24, tzinfo=dt.UTC))
    instant = dt.datetime.fromisoformat(result.published)
    assert instant == dt.datetime(2024, 10, 23, 15, 48, 15, tzinfo=dt.UTC)
    assert instant.utcoffset() != dt.timedelta(hours=-12)
    day_only = extract(ld(datePublished="2024-10-23"), "<p>October 23, 2024, 3:48</p>",
                       fetched=dt.datetime(2024, 10, 24, tzinfo=dt.UTC))
    assert day_only.published == "2024-10-23"


@pytest.mark.parametrize(("text", "languages", "wall"), [
    ("March 2, 2025 3:48 p.m.", ("en",), "2025-03-02T15:48"),
    ("12:30 am, March 2, 2025", ("en",), "2025-03-02T00:30"),
    ("3:48 PM | Mar. 2, 2025", ("en",), "2025-03-02T15:48"),
    ("3 de marzo de 2025 3:48 p. m.", ("es",), "2025-03-03T15:48"),
    ("2025年1月13日(月) 午後3時48分", ("ja",), "2025-01-13T15:48"),
    ("2025年1月13日 15:48", ("ja",), "2025-01-13T15:48"),
    ("2025년 6월 3일 오후 3:48", ("ko",), "2025-06-03T15:48"),
    ("2025.06.03. 오후 3:48", ("ko",), "2025-06-03T15:48"),
])
def test_twelve_hour_clocks_in_the_languages_read(text, languages, wall):
    found = read_date(text, languages=languages)
    assert found is not None and found.value.isoformat()[:16] == wall
    assert not found.ambiguous


def test_the_ambiguous_clock_is_flagged_only_where_12_hour_clocks_are_written():
    assert read_date("October 23, 2024, 3:48", languages=("en",)).ambiguous
    assert not read_date("23.10.2024, 3:48", languages=("de",)).ambiguous
    assert not read_date("October 23, 2024, 03:48", languages=("en",)).ambiguous


def test_json_ld_hidden_in_javascript_comments_is_read():
    head = ('<script type="application/ld+json">//<![CDATA[\n{"@type": "NewsArticle", '
            '"datePublished": "2024-08-22T12:00:00+02:00"}\n//]]></script>')
    result = extract(head, fetched=dt.datetime(2024, 8, 23, tzinfo=dt.UTC))
    assert result.published == "2024-08-22T12:00:00+02:00"


def test_a_photo_caption_is_not_the_date_line():
    caption = "Soldaten bei den Kämpfen um die Stadt, 24. April 2023"
    byline = (f'<div class="pic"><img src="/a.jpg" alt="{caption}"><p>{caption}</p></div>'
              '<p>28.04.2023</p>')
    result = extract(byline=byline, fetched=dt.datetime(2023, 5, 1, tzinfo=dt.UTC))
    assert result.published == "2023-04-28"


def test_the_printed_day_places_a_markup_instant_in_its_zone():
    head = '<meta itemprop="datePublished" content="2019-12-26T23:07:45+00:00">'
    result = extract(f'<meta property="og:type" content="article">{head}',
                     '<p><span itemprop="datePublished" content="2019-12-26T23:07:45+00:00">'
                     "</span>26/12/2019 von Webteam</p>",
                     url="https://www.example.ch/?p=5031",
                     fetched=dt.datetime(2020, 1, 5, tzinfo=dt.UTC))
    assert result.published.startswith("2019-12-26T23:07:45")


def test_one_digit_seconds_keep_their_offset():
    found = read_date("2020-12-05T23:15:0Z")
    assert found is not None and found.value == dt.datetime(2020, 12, 5, 23, 15, tzinfo=dt.UTC)
