"""What a crawl learns about its site and applies to every record: the site's time zone (from
the evidence its pages, sitemaps and feeds give) and its boilerplate (paragraphs repeated in a
large share of its articles). ``learner``, ``boilerplate`` and ``finalize`` are pure; the Scrapy
side is ``crawler.sitefacts.facts_extension``. Its revisions file is named in
``crawler.crawl.naming`` (``FileNames.facts``).
"""
