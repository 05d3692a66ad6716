"""What a crawl may request: the scope gate (the crawl's site and requisite hosts, checked on
every request) and the path-shape budget that bounds traps.
"""
