"""Scrapy item pipelines: extraction off the reactor and JSON Lines output."""
