"""Date parsing (crawler.dates): printed, relative, ISO and RFC 822 forms, DST, page dates."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from lxml import html

from crawler.dates import (
    ZoneChoice,
    ZoneEvidence,
    choose_zone,
    find_page_dates,
    parse_date,
    read_date,
)
from crawler.dates.settle import settle_page
from crawler.pages.profiles import GENERIC, VSEDELO

KYIV = "Europe/Kyiv"
UK_RU = ("uk", "ru")
# 2025-03-23 14:30 Kyiv (+02:00): a fetch time for relative forms.
FETCHED = dt.datetime(2025, 3, 23, 12, 30, tzinfo=dt.UTC)
UK_MONTHS = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
             "вересня", "жовтня", "листопада", "грудня")
RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")


def iso(text: str, reference: dt.datetime | None = FETCHED, **kw) -> str | None:
    found = parse_date(text, languages=kw.pop("languages", UK_RU), tz=kw.pop("tz", KYIV),
                       reference=reference, **kw)
    return found.iso() if found else None


@pytest.mark.parametrize("text", [
    "неділя23 березня 2025, 14:05",
    "воскресенье23 марта 2025, 14:05",
    "Неділя, 23 березня 2025 14:05",
    "23 березня 2025 о 14:05",
    "14:05, 23 березня 2025",
    "23.03.2025 14:05",
    "23 марта 2025 г., 14:05",
    "Опубліковано: неділя23 березня 2025, 14:05",
    "2025-03-23T14:05:00+02:00",
    "2025-03-23T12:05:00Z",
    "2025-03-23 14:05",
    "Sun, 23 Mar 2025 14:05:00 +0200",
    "Sun, 23 Mar 2025 12:05:00 GMT",
])
def test_absolute_forms_in_kyiv(text):
    assert iso(text) == "2025-03-23T14:05:00+02:00"


@pytest.mark.parametrize("month", range(1, 13))
def test_genitive_month_names(month):
    expected = dt.datetime(2024, month, 5, 9, 7).replace(
        tzinfo=dt.timezone(dt.timedelta(hours=3 if 4 <= month <= 10 else 2))).isoformat()
    assert iso(f"5 {UK_MONTHS[month - 1]} 2024, 09:07") == expected
    assert iso(f"5 {RU_MONTHS[month - 1]} 2024, 09:07") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2 години тому", "2025-03-23T12:30:00+02:00"),
    ("45 хвилин тому", "2025-03-23T13:45:00+02:00"),
    ("5 минут назад", "2025-03-23T14:25:00+02:00"),
    ("1 час назад", "2025-03-23T13:30:00+02:00"),
    ("вчора о 12:30", "2025-03-22T12:30:00+02:00"),
    ("вчера в 12:30", "2025-03-22T12:30:00+02:00"),
    ("сьогодні о 09:15", "2025-03-23T09:15:00+02:00"),
    ("сегодня в 09:15", "2025-03-23T09:15:00+02:00"),
    ("только что", "2025-03-23T14:30:00+02:00"),
    ("щойно", "2025-03-23T14:30:00+02:00"),
])
def test_relative_forms_against_fetch_time(text, expected):
    assert iso(text) == expected


def test_relative_forms_need_a_reference():
    assert iso("2 години тому", reference=None) is None
    assert iso("вчора о 12:30", reference=None) is None


def test_relative_across_midnight():
    just_after_midnight = dt.datetime(2025, 3, 23, 22, 30, tzinfo=dt.UTC)  # 00:30 on the 24th
    assert iso("вчора о 23:50", just_after_midnight) == "2025-03-23T23:50:00+02:00"
    assert iso("2 години тому", just_after_midnight) == "2025-03-23T22:30:00+02:00"
    assert iso("сьогодні о 00:10", just_after_midnight) == "2025-03-24T00:10:00+02:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-30 02:59", "2025-03-30T02:59:00+02:00"),
    ("2025-03-30 03:30", "2025-03-30T04:30:00+03:00"),  # skipped hour moves forward
    ("2025-03-30 04:00", "2025-03-30T04:00:00+03:00"),
    ("неділя30 березня 2025, 04:05", "2025-03-30T04:05:00+03:00"),
    ("2025-03-30T00:59:00Z", "2025-03-30T02:59:00+02:00"),
    ("2025-03-30T01:00:00Z", "2025-03-30T04:00:00+03:00"),
    ("2025-10-26 02:59", "2025-10-26T02:59:00+03:00"),
    ("2025-10-26 03:30", "2025-10-26T03:30:00+03:00"),  # repeated hour: first occurrence
    ("2025-10-26 04:00", "2025-10-26T04:00:00+02:00"),
    ("2025-10-26T00:30:00Z", "2025-10-26T03:30:00+03:00"),
    ("2025-10-26T01:30:00Z", "2025-10-26T03:30:00+02:00"),
    ("неділя26 жовтня 2025, 12:00", "2025-10-26T12:00:00+02:00"),
])
def test_dst_edges_in_kyiv(text, expected):
    assert iso(text) == expected


def test_relative_across_dst_changes():
    after_spring = dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC)  # 04:30 +03:00
    assert iso("2 години тому", after_spring) == "2025-03-30T01:30:00+02:00"
    after_autumn = dt.datetime(2025, 10, 26, 1, 30, tzinfo=dt.UTC)  # 03:30 +02:00
    assert iso("2 години тому", after_autumn) == "2025-10-26T02:30:00+03:00"
    assert iso("вчора о 12:00", after_autumn) == "2025-10-25T12:00:00+03:00"


def test_offsets_kept_or_converted():
    assert iso("2025-03-23T14:05:00+01:00") == "2025-03-23T15:05:00+02:00"
    assert iso("2025-03-23T14:05:00+01:00", tz="UTC", keep_offset=True) == \
        "2025-03-23T14:05:00+01:00"
    assert iso("2025-03-23T14:05:00", tz="UTC") == "2025-03-23T14:05:00+00:00"


def test_date_only_keeps_day_precision():
    found = parse_date("2025-03-23", tz=KYIV)
    assert found is not None and found.precision == "day" and found.iso() == "2025-03-23"
    assert parse_date("23 березня 2025", tz=KYIV).precision == "day"


@pytest.mark.parametrize("text", ["", "   ", "Версія для друку", "hello world", "1.2.3",
                                  "Читайте також", "32.13.2025 10:00", "2025-02-30",
                                  "x" * 1000])
def test_not_dates(text):
    assert iso(text) is None


def test_dateparser_fallback_for_other_spellings():
    found = parse_date("3 de julio de 2024", languages=("es",), tz="UTC")
    assert found is not None and found.source == "dateparser" and found.iso() == "2024-07-03"


def test_fast_paths_are_fast():
    texts = ["неділя23 березня 2025, 14:05", "2025-03-23T14:05:00+02:00", "23.03.2025 14:05",
             "2 години тому", "Реклама"] * 200
    started = time.perf_counter()
    for text in texts:
        parse_date(text, languages=UK_RU, tz=KYIV, reference=FETCHED)
    assert (time.perf_counter() - started) / len(texts) < 0.001


# --- page dates --------------------------------------------------------------------------------

def page(head: str = "", body: str = "") -> html.HtmlElement:
    return html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def dates(tree, profile=VSEDELO, fetched_at=FETCHED, url=None, **facts) -> dict:
    """Record fields of a page's dates, settled in the profile's zone (else the page's)."""
    found = find_page_dates(tree, profile=profile, reference=fetched_at, url=url)
    choice = (ZoneChoice(profile.timezone, "profile") if profile.timezone
              else choose_zone(found.evidence, **facts))
    return settle_page(found, choice)


def test_jsonld_wins_and_is_named():
    tree = page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished":'
                ' "2025-03-23T10:00:00Z", "dateModified": "2025-03-23T11:00:00Z"}</script>'
                '<meta property="article:published_time" content="2025-03-22T10:00:00+02:00">')
    found = dates(tree)
    assert found["published"] == "2025-03-23T12:00:00+02:00"
    assert found["published_source"] == "json-ld:datePublished"
    assert found["published_offset_source"] == "page"
    assert found["modified"] == "2025-03-23T13:00:00+02:00"


def test_meta_tags():
    tree = page('<meta property="article:published_time" content="2025-03-23T14:05:00+02:00">'
                '<meta property="article:modified_time" content="2025-03-23T15:00:00+02:00">')
    found = dates(tree)
    assert found["published"] == "2025-03-23T14:05:00+02:00"
    assert found["published_source"] == "meta:article:published_time"
    assert found["modified"] == "2025-03-23T15:00:00+02:00"


def test_date_only_time_element_borrows_the_printed_time():
    tree = page(body='<article><div class="news-date"><time datetime="2025-03-23">неділя23 '
                     'березня 2025</time>, 14:05</div><h1>T</h1></article>')
    found = dates(tree)
    assert found["published"] == "2025-03-23T14:05:00+02:00"
    assert found["published_source"].startswith("time+")
    assert found["published_offset_source"] == "profile"


def test_date_only_time_element_without_time_stays_a_day():
    found = dates(page(body='<article><time datetime="2025-03-23">23.03.2025</time></article>'))
    assert found["published"] == "2025-03-23"
    assert found["published_precision"] == "day"
    assert found["published_offset_source"] is None


def test_profile_xpaths_and_update_line():
    tree = page(body='<article><div class="news-date">неділя23 березня 2025, 14:05</div>'
                     '<div class="news-updated">Оновлено: 23 березня 2025, 18:40</div></article>')
    found = dates(tree)
    assert found["published"] == "2025-03-23T14:05:00+02:00"
    assert found["published_source"] == "xpath"
    assert found["modified"] == "2025-03-23T18:40:00+02:00"


def test_visible_date_line_without_profile_takes_the_language_prior():
    tree = page(body='<div class="post-meta">Опубліковано 21 березня 2025 о 08:00</div>')
    found = dates(tree, profile=GENERIC, languages=["uk"])
    assert found["published"] == "2025-03-21T08:00:00+02:00"
    assert found["published_source"] == "text"
    assert found["published_offset_source"] == "language"


def test_printed_time_with_no_zone_known_keeps_its_day_not_utc():
    tree = page(body='<div class="post-meta">March 21, 2025 8:00 am</div>')
    found = dates(tree, profile=GENERIC)
    assert found["published"] == "2025-03-21"
    assert found["published_precision"] == "day"
    assert found["published_reason"] == "offset_unknown"
    assert found["date_notes"]["published_local"] == "2025-03-21T08:00"


def test_printed_time_reads_the_zone_from_the_markup_instant():
    """The page prints 14:05 and its JSON-LD has the same moment in UTC: the site is two
    hours east of UTC in March, and the offset is shown as Kyiv's, not +00:00."""
    tree = page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished":'
                ' "2025-03-23T12:05:00Z"}</script>',
                '<article><h1>T</h1><div class="date">23.03.2025 14:05</div></article>')
    found = find_page_dates(tree, profile=GENERIC, reference=FETCHED)
    assert ZoneEvidence.implied(dt.datetime(2025, 3, 23, 14, 5),
                                dt.datetime(2025, 3, 23, 12, 5, tzinfo=dt.UTC)) in found.evidence
    assert choose_zone(found.evidence, languages=["uk"]).name == "Europe/Kyiv"
    assert dates(tree, profile=GENERIC, languages=["uk"])["published"] == \
        "2025-03-23T14:05:00+02:00"


def test_relative_visible_line_uses_the_server_clock():
    tree = page(body='<span class="date">2 години тому</span>')
    found = dates(tree)
    assert found["published"] == "2025-03-23T12:30:00+02:00"
    assert found["published_precision"] == "hour"
    assert found["published_offset_source"] == "page"


def test_nothing_found_gives_null_and_reason():
    found = dates(page(body="<p>Немає дати.</p>"))
    assert found["published"] is None and found["published_reason"] == "not_found"
    assert found["modified_reason"] == "not_found"


def test_future_and_garbage_dates_are_refused():
    future = page('<meta property="article:published_time" content="2031-01-01T00:00:00Z">')
    assert dates(future)["published_reason"] == "in_future"
    garbage = page('<meta property="article:published_time" content="not a date">')
    assert dates(garbage)["published_reason"] == "unparseable"


def test_unchanged_modified_is_not_reported():
    tree = page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished":'
                ' "2025-03-23T14:05:00+02:00", "dateModified": "2025-03-23T14:05:00+02:00"}'
                "</script>")
    found = dates(tree)
    assert found["published"] is not None
    assert found["modified"] is None and found["modified_reason"] == "same_as_published"


def test_stated_offset_is_the_page_s_and_sets_the_zone():
    tree = page('<meta property="article:published_time" content="2024-06-01T23:30:00-04:00">')
    found = dates(tree, profile=GENERIC)
    assert found["published"] == "2024-06-01T23:30:00-04:00"
    assert found["published_offset_source"] == "page"


def test_moment_of_compares_both_precisions():
    from crawler.dates import moment_of

    day = moment_of("2025-03-23", KYIV)
    assert day.isoformat() == "2025-03-23T00:00:00+02:00"
    assert day < moment_of("2025-03-23T14:05:00+02:00") < moment_of("2025-03-24", KYIV)


# --- dates the article itself states, and nothing else ----------------------------------------

ARCHIVE_AND_TEASERS = """
<aside><h3>Архів</h3><a href="/news/?date=22.03.2025">22.03.2025</a></aside>
<table class="calendar"><tr><td><a href="/news/?date=21.03.2025">21</a></td></tr></table>
<div class="popular"><ul><li><a href="/news/1/">Генсек НАТО підготував звіт про стан торговельної
угоди</a><br><span class="date">20.03.2025 11:00</span></li></ul></div>
"""


def test_an_undated_article_gets_no_date_from_archives_teasers_or_comments():
    tree = page(body=f"""{ARCHIVE_AND_TEASERS}
        <article><h1>Заява без дати</h1><p>{'Текст статті. ' * 40}</p>
        <div class="read-next"><ul><li><a href="/news/2/">Міністерство фінансів підготувало
        звіт про стан податкової реформи</a><time datetime="2025-03-19T10:00:00+02:00">19.03.2025
        </time></li></ul></div></article>""")
    found = dates(tree, profile=GENERIC, languages=["uk"])
    assert found["published"] is None
    assert found["published_reason"] == "not_found"


def test_the_date_line_next_to_the_headline_beats_a_sidebar_list():
    tree = page(body=f"""{ARCHIVE_AND_TEASERS}<div class="news-detail">
        <div class="news-date-time">неділя23 березня 2025, 14:05</div>
        <h1>Рада ЄС розпочала обговорення</h1><div class="news-text">
        <p>{'Текст. ' * 60}</p></div></div>""")
    found = dates(tree, profile=GENERIC, languages=["uk"])
    assert found["published"] == "2025-03-23T14:05:00+02:00"
    assert found["published_source"] == "byline"


@pytest.mark.parametrize(("line", "expected", "precision"), [
    ("3 години тому", "2025-03-23T11:30:00+02:00", "hour"),
    ("35 хвилин тому", "2025-03-23T13:55:00+02:00", "minute"),
    ("вчора о 12:30", "2025-03-22T12:30:00+02:00", "minute"),
    ("позавчора о 09:15", "2025-03-21T09:15:00+02:00", "minute"),
    ("3 часа назад", "2025-03-23T11:30:00+02:00", "hour"),
    ("вчера в 12:30", "2025-03-22T12:30:00+02:00", "minute"),
    ("щойно", "2025-03-23T14:30:00+02:00", "minute"),
    ("vor 3 Stunden", "2025-03-23T11:30:00+02:00", "hour"),
    ("gestern, 12:30 Uhr", "2025-03-22T12:30:00+02:00", "minute"),
    ("2 hours ago", "2025-03-23T12:30:00+02:00", "hour"),
    ("yesterday at 12:30 pm", "2025-03-22T12:30:00+02:00", "minute"),
    ("вчора", "2025-03-22", "day"),
])
def test_relative_dates_count_back_from_the_server_clock(line, expected, precision):
    """The server rendered the page at 12:30 UTC (its Date header); we parse it a year later."""
    tree = page(body=f'<article><h1>Заголовок</h1><div class="date">{line}</div></article>')
    server = dt.datetime(2025, 3, 23, 12, 30, tzinfo=dt.UTC)
    found = find_page_dates(tree, profile=GENERIC, reference=server)
    fields = settle_page(found, ZoneChoice("Europe/Kyiv", "site"))
    assert (fields["published"], fields["published_precision"]) == (expected, precision)
    later = find_page_dates(tree, profile=GENERIC, reference=server)
    assert settle_page(later, ZoneChoice("Europe/Kyiv", "site"))["published"] == expected


def test_a_relative_date_line_beats_an_absolute_date_in_a_teaser():
    tree = page(body="""<article><h1>Q&amp;A: what is next</h1>
        <div class="article-info"><span class="date-line">3 hours ago</span></div>
        <p>Body text. Body text. Body text.</p>
        <div class="read-next"><ul><li><a href="/x/">Priya Raman warns of risks to the election
        audit</a><time>June 6, 2025</time></li></ul></div></article>""")
    server = dt.datetime(2025, 6, 15, 11, 28, tzinfo=dt.UTC)
    fields = settle_page(find_page_dates(tree, profile=GENERIC, reference=server),
                         ZoneChoice("UTC", "site"))
    assert fields["published"] == "2025-06-15T08:28:00+00:00"


def test_a_zone_name_printed_with_the_time_is_read():
    for text, expected in (("Nov. 3, 2025 10:08 a.m. ET", "2025-11-03T10:08:00-05:00"),
                           ("July 14, 2025 9:20 p.m. ET", "2025-07-14T21:20:00-04:00"),
                           ("15 Jun 2025 09:41 GMT", "2025-06-15T09:41:00+00:00"),
                           ("23.03.2025 14:05 MSK", "2025-03-23T14:05:00+03:00")):
        found = read_date(text)
        assert found is not None and found.value.isoformat() == expected, text


def test_updated_time_is_the_modification_date():
    tree = page(body="""<article><h1>Headline here</h1><div class="timestamp">
        <span>July 14, 2025 9:20 p.m. ET</span> <span class="updated">Updated
        <time datetime="2025-07-14T22:40:00-04:00">112 days ago</time></span></div></article>""")
    fields = dates(tree, profile=GENERIC, fetched_at=dt.datetime(2025, 11, 3, tzinfo=dt.UTC))
    assert fields["published"] == "2025-07-14T21:20:00-04:00"
    assert fields["modified"] == "2025-07-14T22:40:00-04:00"


@pytest.mark.parametrize(("text", "is_line"), [
    ("вчера в 01:50", True), ("Updated June 15, 2025 11:31 AM UTC", True),
    ("неділя23 березня 2025, 14:05", True), ("Опубліковано: 23 березня 2025 о 14:05", True),
    ("The meeting is on March 23, 2025.", False), ("Новости Региона", False),
])
def test_a_line_that_is_only_a_date_is_not_article_text(text, is_line):
    from crawler.dates.parse import is_date_line

    assert is_date_line(text) is is_line
