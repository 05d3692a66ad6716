"""Lists of other articles are not article text: a list whose every item is another article's
headline link with its date (a "more news", "other news of the section" list under the text),
however the site labels it, and a repeat of the page's social title (og:title) above the text.
Lists in the article itself (points, links to documents) stay."""

from __future__ import annotations

from lxml import html

from crawler.extract.article import extract_article
from crawler.extract.teasers import teaser_lists
from crawler.pages.profiles import GENERIC

FETCHED = "2025-06-01T00:00:00+00:00"
PROSE = ("The council met on Tuesday to discuss the new budget for the coming year, and "
         "members argued for hours about the cost of repairing the old bridge over the river.")
OTHERS = (("/news/economy/5201/", "Ministry of economy prepares a report on the hryvnia rate",
           "30.03.2025 02:55"),
          ("/news/politics/5194/", "Parliament committee prepares a report on local government",
           "30.03.2025 01:50"),
          ("/news/economy/5187/", "Finance ministry proposes a new plan for the tax reform",
           "3 hours ago"))


def _text(body: str, head: str = "") -> str:
    """An old portal's page: a layout table with a calendar and a popular list on the left,
    the article in the middle, rates on the right."""
    popular = "".join(f"<li><a href='{href}'>{title}</a><br><span class='date'>{when}</span>"
                      "</li>" for href, title, when in OTHERS[::-1])
    days = "".join(f"<td><a href='/news/?date={d:02d}.03.2025'>{d}</a></td>" for d in range(1, 8))
    page = (f"<html><head><title>Budget vote - Region News</title>{head}</head><body>\n"
            "<div id='header'><a href='/'><img src='/logo.gif' alt='Region News'></a></div>\n"
            "<table width='100%' class='main-table'><tr>\n<td class='left-col' width='240'>"
            "<div class='block'><h3 class='block-title'>Archive</h3><table class='calendar'>"
            f"<tr>{days}</tr></table></div><div class='block'><h3 class='block-title'>Popular"
            f"</h3><ul>{popular}</ul></div></td>\n<td class='center-col'>\n{body}</td>\n"
            "<td class='right-col' width='200'><div class='rates'>Rates on 31.03.2025<br>"
            "USD 41,37</div></td></tr></table>\n<div class='footer'>© Region News</div>\n"
            "</body></html>")
    return extract_article(page.encode(), "https://news.example/news/politics/5208/",
                           profile=GENERIC, fetched_at=FETCHED).text


def _article(after: str, text: str = "") -> str:
    paragraphs = text or "<br />\n<br />\n".join(
        f"{n}. {PROSE}" for n in ("First", "Second", "Third", "Fourth"))
    return (f"<div class='news-detail'>\n<div class='news-date-time'>30.03.2025 09:30</div>\n"
            f"<h1>Budget vote</h1>\n<div class='news-text'>\n{paragraphs}\n</div>\n</div>\n"
            f"{after}\n")


def _others(label: str = "Other news of the section", dated: bool = True) -> str:
    items = "".join(f"<li><a href='{href}'>{title}</a>"
                    + (f" <span class='date'>{when}</span>" if dated else "") + "</li>"
                    for href, title, when in OTHERS)
    return f"<div class='news-other'><h3>{label}</h3><ul>{items}</ul></div>"


def test_a_list_of_other_articles_with_dates_is_not_text():
    text = _text(_article(_others()))
    assert "Fourth." in text
    for _, title, _ in OTHERS:
        assert title not in text, text
    assert "Other news of the section" not in text


def test_the_list_goes_whatever_its_label_says():
    text = _text(_article(_others(label="Weitere Meldungen aus dem Ressort")))
    assert "Fourth." in text and OTHERS[0][1] not in text, text


POINTS = ("<ul><li>new buses for the northern districts by the end of the year</li>"
          "<li>a second bridge lane opened in the spring</li><li>cheaper monthly passes for "
          "students and pensioners</li></ul>")
DOCUMENTS = ("<ul><li><a href='/docs/budget-2025.pdf'>Draft budget of the city for the year "
             "2025</a></li><li><a href='/docs/bridge.pdf'>Engineering report on the old bridge "
             "over the river</a></li></ul>")


def test_points_of_the_article_stay():
    body = "".join(f"<p>{n}. {PROSE}</p>" for n in ("First", "Second"))
    text = _text(_article("", text=f"{body}<p>The plan has three parts:</p>{POINTS}"))
    assert "cheaper monthly passes for students and pensioners" in text, text


def test_only_lists_of_dated_headline_links_are_teaser_lists():
    tree = html.fromstring(f"<html><body>{POINTS}{DOCUMENTS}{_others()}"
                           f"{_others(dated=False)}</body></html>")
    found = list(teaser_lists(tree.find("body")))
    assert len(found) == 1 and "30.03.2025 02:55" in found[0].text_content()


def test_the_social_title_repeated_above_the_text_is_not_text():
    head = "<meta property='og:title' content='Budget vote: the key figures'>"
    body = _article("").replace("<div class='news-text'>",
                                "<div class='announce'>Budget vote: the key figures</div>"
                                "<div class='news-text'>")
    text = _text(body, head)
    assert "First." in text and "the key figures" not in text, text
