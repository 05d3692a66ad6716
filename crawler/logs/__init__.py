"""A crawl's log: where it goes and in which format (``log_output``), items named instead of
printed (``logformat``) and one line per failed request (``requestlog``).
"""
