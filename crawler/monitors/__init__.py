"""The crawl's checks: headline numbers from the stats (``counts``), the monitors judged from
them (``checks``), the discovery-stall watch (``stall``) and the extension that runs them
(``monitoring``). A failed monitor makes ``crawler crawl`` exit 1.
"""
