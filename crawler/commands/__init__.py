"""The ``crawler`` command and its subcommands (``cli`` is the entry).

Crawling (``crawl_command``, ``run``), one page (``extract_command``, ``fetch_page``),
archivists' tools (``archive_commands``: ``replay``, ``replay_fetch``, ``wacz``) and
``reextract``.
"""
