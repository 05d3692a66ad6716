"""The crawl report: what the crawl saw, observed while it runs (``collector``, ``found_in``,
``observations``, ``bounded``), the report document (``document``, ``runinfo``, ``previous``,
``articles``) and its HTML page (``render``, ``sections``, ``markup``, ``svg``).
"""
