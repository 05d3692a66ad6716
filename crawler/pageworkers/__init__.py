"""Page work off the reactor: the process pool (``pool``), its workers' lifeline to the crawler
(``parent_death``) and the Scrapy extension that scans and extracts pages in it
(``page_workers``).
"""
