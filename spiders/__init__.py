"""Scrapy spiders: site profiles and the generic news spider."""
