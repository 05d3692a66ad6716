"""Runs of many sites: a seed list crawled as one run, each site by its own Scrapy crawler, the
run's sites shared by its processes, one report for the whole (see docs/many-sites.md)."""
