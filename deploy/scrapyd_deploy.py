"""Deploy the crawler to a scrapyd server, from a clean temporary copy of the project.

``scrapyd-deploy`` (scrapyd-client) builds an egg where ``scrapy.cfg`` lives and leaves a
generated ``setup.py`` and ``build/`` folders behind; this script runs it in a temporary folder
holding only the packages (``crawler``, ``spiders``, ``pipelines``) and a ``scrapy.cfg`` whose
``[deploy]`` target is the given server, so the working tree stays clean.

    python deploy/scrapyd_deploy.py --url http://127.0.0.1:6800/ [--project newscrawler]
        [--version 0.1.0] [--egg-only FILE]

Then schedule a crawl (settings as ``setting=NAME=VALUE``, spider arguments as fields)::

    curl http://127.0.0.1:6800/schedule.json -d project=newscrawler -d spider=vsedelo \\
        -d setting=OUTPUT_URI=/var/lib/scrapyd/out -d setting=RESUME=True

The scrapyd host needs the crawler's dependencies installed (``pip install .`` of this project
in scrapyd's environment is the simplest way); the egg carries the project's own code.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "spiders", "pipelines")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")


def stage(dest: Path, url: str, project: str) -> Path:
    """Copy the packages into ``dest`` with a scrapy.cfg pointing at ``url``; returns ``dest``."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=IGNORE)
    (dest / "scrapy.cfg").write_text(
        "[settings]\ndefault = crawler.settings\n\n"
        f"[deploy]\nurl = {url}\nproject = {project}\n",
        encoding="utf-8",
    )
    return dest


def deploy(url: str, project: str, version: str | None = None,
           egg_only: Path | None = None) -> int:
    """Run scrapyd-deploy on a staged copy; returns its exit code."""
    with tempfile.TemporaryDirectory(prefix="crawler-deploy-") as tmp:
        staged = stage(Path(tmp), url, project)
        cmd = [sys.executable, "-m", "scrapyd_client.deploy", "-p", project]
        if version:
            cmd += ["-v", version]
        if egg_only:
            cmd += ["--build-egg", str(Path(egg_only).resolve())]
        return subprocess.run(cmd, cwd=staged, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:6800/", help="scrapyd server URL")
    parser.add_argument("--project", default="newscrawler", help="scrapyd project name")
    parser.add_argument("--version", help="egg version (default: a timestamp)")
    parser.add_argument("--egg-only", metavar="FILE", type=Path,
                        help="only build the egg into FILE, do not upload it")
    args = parser.parse_args(argv)
    return deploy(args.url, args.project, args.version, args.egg_only)


if __name__ == "__main__":
    sys.exit(main())
