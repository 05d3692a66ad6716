"""Read a finished crawl: list its articles and check each one against its archived page.

    python examples/read_crawl.py out/vsedelo/20251125T222400Z-3f9a [--since 2025-11-01]
    python examples/read_crawl.py s3://bucket/prefix/vsedelo/20251125T222400Z-3f9a --language uk

For s3:// the credentials and endpoint come from boto3's standard chain (AWS_* variables,
AWS_ENDPOINT_URL for a non-AWS store).
"""

from __future__ import annotations

import argparse
import sys

from crawler.reader import open_crawl


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("crawl", help="crawl folder or s3://bucket/prefix/<spider>/<crawl-id>")
    p.add_argument("--since", help="published on or after (ISO date)")
    p.add_argument("--until", help="published before (ISO date)")
    p.add_argument("--language", help="ISO 639-1 code, e.g. uk")
    p.add_argument("--raw", type=int, default=3, metavar="N",
                   help="fetch the archived response of the first N records (default 3)")
    args = p.parse_args(argv)

    crawl = open_crawl(args.crawl)
    print(f"crawl {crawl.crawl_id} ({crawl.manifest['finish_reason']}), "
          f"{len(crawl.article_files())} article file(s)")
    count = 0
    for record in crawl.records(since=args.since, until=args.until, language=args.language):
        count += 1
        line = f"{record['published'] or '-':26} {record['language'] or '-':3} {record['title']}"
        if count <= args.raw:
            status, headers, body = crawl.raw_response(record)
            line += f"  [{status}, {len(body)} bytes archived]"
        print(line)
    print(f"{count} record(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
