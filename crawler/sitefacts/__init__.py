"""What a crawl learns about its site and applies to every record: the site's time zone (from
the evidence its pages, sitemaps and feeds give) and its boilerplate (paragraphs repeated in a
large share of its articles). ``learner``, ``boilerplate`` and ``finalize`` are pure; the Scrapy
side is ``crawler.sitefacts.facts_extension``.
"""

FACTS_FILE = "site-facts.json"


def facts_file(worker: str | None = None) -> str:
    """The crawl folder's file of the site-fact revisions records were finalised with; each
    worker of a distributed crawl writes its own (``site-facts-<worker>.json``)."""
    return f"site-facts-{worker}.json" if worker else FACTS_FILE
