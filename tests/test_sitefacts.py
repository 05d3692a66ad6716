"""What a crawl learns of its site (crawler.sitefacts): boilerplate by document frequency per
language, the zone from evidence, fact revisions, and what is kept between crawls."""

from __future__ import annotations

import datetime as dt

from crawler.dates import ZoneEvidence
from crawler.sitefacts.boilerplate import (
    BoilerplateCounter,
    paragraph_key,
    paragraph_keys,
    paragraphs,
    strip_boilerplate,
)
from crawler.sitefacts.finalize import finalize
from crawler.sitefacts.learner import SiteFacts, SiteLearner

CTA = "Підписуйтесь на наш Telegram-канал, щоб першими дізнаватися головні новини."
QUOTE = "«Ми не можемо відкладати рішення ще на рік», — наголосив голова комісії."


def article(n: int, *extra: str) -> list[str]:
    return [f"Стаття номер {n}: унікальний перший абзац.", f"Другий абзац статті {n}.", *extra]


def test_a_paragraph_in_a_large_share_of_articles_is_boilerplate_a_shared_quote_is_not():
    counter = BoilerplateCounter()
    for n in range(40):
        extra = [CTA] if n % 3 == 0 else []  # 14 of 40 articles
        if n in (5, 7):
            extra.append(QUOTE)  # two articles quote the same words
        counter.add(article(n, *extra), "uk")
    found = counter.boilerplate()
    assert paragraph_key(CTA) in found
    assert paragraph_key(QUOTE) not in found
    assert found[paragraph_key(CTA)] == CTA  # an example people can read


def test_shares_count_per_language():
    """A bilingual site has a call to action per language: each is judged among its own."""
    counter = BoilerplateCounter()
    ru_cta = "Подписывайтесь на наш Telegram-канал, чтобы первыми узнавать новости."
    for n in range(60):
        counter.add(article(n), "uk")
    for n in range(60, 70):
        counter.add(article(n, ru_cta) if n % 2 else article(n), "ru")  # 5 of 10 Russian
    assert paragraph_key(ru_cta) in counter.boilerplate()  # 5 of 70 overall, half of its own


def test_case_spacing_and_punctuation_do_not_make_a_new_paragraph():
    assert paragraph_key("Читайте нас у Google News!") == \
        paragraph_key(" читайте  нас у google news")


def test_stripping_keeps_the_text_when_all_of_it_would_go():
    keys = {paragraph_key(CTA)}
    assert strip_boilerplate(f"Текст.\n\n{CTA}", keys) == ("Текст.", 1)
    assert strip_boilerplate(CTA, keys) == (CTA, 0)


def test_the_learner_is_ready_after_enough_articles_and_revises_as_the_crawl_doubles():
    learner = SiteLearner(host="news.example.com.ua", min_articles=10)
    for n in range(9):
        learner.observe("uk", article(n, CTA))
    assert not learner.ready()
    learner.observe("uk", article(9, CTA))
    assert learner.ready()
    first = learner.current()
    assert first.rev == 1 and paragraph_key(CTA) in first.boilerplate
    assert first.zone.name == "Europe/Kyiv" and first.zone.source == "tld"
    learner.add_evidence([ZoneEvidence.stated(
        dt.datetime(2025, 3, 23, 14, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))))] * 3)
    for n in range(10, 15):
        learner.observe("uk", article(n))
    assert learner.current().rev == 1  # not yet doubled
    for n in range(15, 20):
        learner.observe("uk", article(n))
    assert learner.current().rev == 2 and learner.current().zone.source == "site"


def test_what_was_learned_is_kept_for_the_next_crawl():
    learner = SiteLearner(host="example.de", min_articles=5)
    for n in range(8):
        learner.observe("de", article(n, "Unterstützen Sie unabhängigen Journalismus."))
    learner.add_evidence([ZoneEvidence.stated(
        dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))])
    again = SiteLearner.from_json(learner.to_json(), host="example.de", min_articles=5)
    assert again.ready()  # the next crawl needs no warm-up
    assert again.current().boilerplate == learner.current().boilerplate
    assert again.zone() == learner.zone()


def test_finalise_applies_zone_and_boilerplate_and_counts_removals():
    facts = SiteFacts(rev=3, boilerplate=frozenset({paragraph_key(CTA)}))
    extracted = {"text": f"Абзац один.\n\nАбзац два.\n\n{CTA}", "paragraphs": 3,
                 "extraction": {"ms": 1.0}}
    out = finalize(extracted, facts)
    assert out["text"] == "Абзац один.\n\nАбзац два." and out["paragraphs"] == 2
    assert out["extraction"]["site_boilerplate_removed"] == 1
    assert out["extraction"]["site_facts"] == 3
    assert extracted["text"].endswith(CTA)  # the input is not changed


def test_fact_revisions_round_trip_as_json():
    facts = SiteFacts(rev=2, boilerplate=frozenset({paragraph_key(CTA)}),
                      examples=((paragraph_key(CTA), CTA),), articles=40)
    assert SiteFacts.from_json(facts.to_json()) == facts


def test_paragraph_keys_from_the_workers_count_and_strip_as_the_texts_do() -> None:
    """Keys a page worker computed give the same counts, the same stripped text, and never
    reach the record; keys that do not match the paragraphs are not trusted."""
    text = "Subscribe to our Telegram!\n\nThe mayor spoke.\n\nSubscribe to our Telegram!"
    keys = paragraph_keys(text)
    boiler = {keys[0]}
    with_keys, without = BoilerplateCounter(), BoilerplateCounter()
    with_keys.add(paragraphs(text), "en", keys)
    without.add(paragraphs(text), "en")
    assert with_keys.counts == without.counts and with_keys.examples == without.examples
    assert strip_boilerplate(text, boiler, keys) == strip_boilerplate(text, boiler) \
        == ("The mayor spoke.", 2)
    assert strip_boilerplate(text, boiler, keys[:1]) == ("The mayor spoke.", 2)  # mismatched
    learner = SiteLearner(min_articles=1)
    learner.observe("en", paragraphs(text), (), keys)
    record = finalize({"text": text, "paragraphs": 3, "paragraph_keys": keys,
                              "extraction": {}}, learner.current())
    assert "paragraph_keys" not in record
