"""The ``crawler`` command's entry point (``python -m crawler`` too).

Light on purpose: multiprocessing imports the main module again in every page worker it starts
(``crawler.pageworkers.page_workers``), so this module imports the command line, and with it
Scrapy and Twisted, only when it runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``crawler`` command (``crawler.commands.cli``)."""
    from crawler.commands.cli import main as run_command

    return run_command(argv)


if __name__ == "__main__":
    sys.exit(main())
