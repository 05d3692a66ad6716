"""Issue 28's judged check, replicated: five unseen sites and a dead host in one seed list.

Run from the repository root::

    .venv/bin/python bench/world_sites.py [--seed N] [--scale F] [--processes N] [--quick]
                                          [--variants K] [--keep DIR]

The world (``fixture_site.unseen.world.serve_world``) serves five sites on 127.0.0.2-127.0.0.6
in Europe/Kyiv, Australia/Sydney, America/Chicago, Asia/Kolkata and one (Europe/Berlin) that
answers 300 ms late; 127.0.0.7 is a dead host (nothing listens). In one run of this script:

1. the seed list (five sites and the dead host) is crawled as the judge does::

       crawler crawl news --seeds FILE --out DIR -s DOWNLOAD_DELAY=0 \\
           -s CONCURRENT_REQUESTS_PER_DOMAIN=4

2. each of the five sites is crawled alone, one after another, from a fresh server
   (``crawler crawl news --url URL`` with the same settings).

Checked (each a target; the script exits 1 when one is missed): the run exits 1 and names the
dead host; each live site has its own folder holding records of its own host only; on every
live site coverage >= 0.99, published exact >= 0.97, 0 invented dates, 0 records with
boilerplate, text F1 >= 0.98; no site ever answered more than 4 requests at once; the run's
wall time <= 0.5 x the sum of the five alone; no process of the run is alive 3 s after it ends.

``--variants K`` adds K worlds with other seeds and other theme x zone pairings (themes moved
round the zones, so over five variants every theme sits in every zone, the slow host
included), each with a sixth site, the wire theme in UTC (it prints UTC/GMT clocks). Figures go
to stdout and ``bench/results/world_sites.json``, with the machine's load average around each
part: other work on a shared machine slows the run's parallel crawls more than the alone ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._world_run import (  # noqa: E402
    CRAWL_SETTINGS,
    dead_url,
    folder_key,
    foreign_records,
    read_site_records,
    run_cli,
)
from fixture_site.unseen.scoring import overall, score_site  # noqa: E402
from fixture_site.unseen.world import DEAD_HOST, WORLD, WorldSite, serve_world, variant  # noqa: E402

TARGETS = {"coverage": 0.99, "published": 0.97, "invented": 0, "boilerplate_records": 0,
           "text_f1": 0.98, "max_at_once": 4, "wall_ratio": 0.5}
QUICK_SCALE = 0.4


def site_quality(running: Any, folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Scores of the records in one site's folder against the site's ground truth."""
    site = running.site
    records = read_site_records(folder)
    metrics, fails = score_site(site.gold(), site.spec.boilerplate, records)
    metrics["coverage"] = round(metrics["found"] / metrics["expected"], 4)
    metrics["folder"] = folder.name
    metrics["foreign_records"] = foreign_records(records, running.url)[:5]
    metrics["has_folder"] = folder.is_dir()
    return metrics, [{"site": site.key, **f} for f in fails]


def quality_misses(key: str, m: dict[str, Any]) -> list[str]:
    """The quality targets one site misses, in words."""
    misses = []
    for name in ("coverage", "published", "text_f1"):
        if m[name] < TARGETS[name]:
            misses.append(f"{key}: {name} {m[name]:.3f} < {TARGETS[name]}")
    for name in ("invented", "boilerplate_records"):
        if m[name] > TARGETS[name]:
            misses.append(f"{key}: {name} {m[name]}")
    if not m["has_folder"] or m["foreign_records"]:
        misses.append(f"{key}: own folder {m['folder']} missing or holding other hosts' records")
    return misses


def crawl_run(places: tuple[WorldSite, ...], seed: int, scale: float, processes: int | None,
              work: Path, log_level: str) -> dict[str, Any]:
    """The seed list of the world (and the dead host) crawled in one run, scored."""
    out = work / "run"
    with serve_world(seed, scale, places=places) as sites:
        dead = dead_url(DEAD_HOST)
        seeds = work / "seeds.txt"
        seeds.write_text("# the world's sites and a dead host\n"
                         + "".join(f"{r.url}\n" for r in sites) + f"{dead}\n")
        args = ["crawl", "news", "--seeds", str(seeds), "--out", str(out), *CRAWL_SETTINGS,
                "--log-level", log_level]
        if processes:
            args += ["--processes", str(processes)]
        run = run_cli(args, work / "run.log")
        per_site, failures = {}, []
        for running in sites:
            metrics, fails = site_quality(running, out / folder_key(running.url))
            per_site[running.site.key] = {"theme": running.site.theme.spec.key,
                                          "zone": running.site.spec.zone_name,
                                          "url": running.url, "max_at_once": running.max_active,
                                          "requests": len(running.requests), **metrics}
            failures += fails
    named = [line.strip() for line in run.output.splitlines() if DEAD_HOST in line]
    return {"exit": run.code, "seconds": round(run.seconds, 2), "dead_url": dead,
            "dead_named": named[-3:], "left_at_exit": run.left_at_exit,
            "left_after_grace": run.left_after_grace, "sites": per_site, "failures": failures,
            "log": str(work / "run.log")}


def crawl_alone(places: tuple[WorldSite, ...], seed: int, scale: float, work: Path,
                log_level: str) -> dict[str, Any]:
    """Each site of the world crawled alone, one after another, each from a fresh server."""
    alone = {}
    for place in places:
        out = work / "alone" / place.key
        with serve_world(seed, scale, places=(place,)) as (running,):
            run = run_cli(["crawl", "news", "--url", running.url, "--out", str(out),
                           *CRAWL_SETTINGS, "--log-level", log_level],
                          work / f"alone-{place.key}.log")
            metrics, _ = site_quality(running, out / folder_key(running.url))
        alone[place.key] = {"exit": run.code, "seconds": round(run.seconds, 2),
                            "max_at_once": running.max_active, **metrics}
    return alone


def measure(name: str, places: tuple[WorldSite, ...], seed: int, scale: float,
            processes: int | None, work: Path, log_level: str) -> dict[str, Any]:
    """One world: the run, the sites alone, every check."""
    work.mkdir(parents=True, exist_ok=True)
    load = [round(os.getloadavg()[0], 2)]
    run = crawl_run(places, seed, scale, processes, work, log_level)
    load.append(round(os.getloadavg()[0], 2))
    alone = crawl_alone(places, seed, scale, work, log_level)
    load.append(round(os.getloadavg()[0], 2))
    alone_sum = sum(a["seconds"] for a in alone.values())
    ratio = round(run["seconds"] / alone_sum, 3) if alone_sum else 0.0
    sites = run["sites"]
    total = overall(sites)
    total["coverage"] = round(total["found"] / total["expected"], 4) if total["expected"] else 0
    misses = []
    if run["exit"] != 1:
        misses.append(f"run exit {run['exit']}, not 1")
    if not run["dead_named"]:
        misses.append(f"the dead host {DEAD_HOST} is not named in the run's output")
    for key, m in sites.items():
        misses += quality_misses(key, m)
        if m["max_at_once"] > TARGETS["max_at_once"]:
            misses.append(f"{key}: {m['max_at_once']} requests at once")
    if ratio > TARGETS["wall_ratio"]:
        misses.append(f"wall ratio {ratio} > {TARGETS['wall_ratio']}")
    if run["left_after_grace"]:
        misses.append(f"left running: {run['left_after_grace']}")
    return {"name": name, "seed": seed, "scale": scale,
            "places": [{"key": p.key, "theme": p.theme, "zone": p.zone, "host": p.host,
                        "latency": p.latency} for p in places],
            "run": run, "alone": alone, "alone_seconds": round(alone_sum, 2), "load": load,
            "wall_ratio": ratio, "overall": total, "misses": misses}


def report(world: dict[str, Any]) -> None:
    """Print one world's figures."""
    run, alone = world["run"], world["alone"]
    print(f"\n== {world['name']} (seed {world['seed']}, scale {world['scale']})")
    print(f"{'site':8} {'theme':7} {'zone':17} {'found':>7} {'cover':>5} {'publ':>5} {'inv':>3} "
          f"{'bp':>3} {'F1':>5} {'title':>5} {'at once':>7} | {'alone s':>7} {'publ':>5} {'F1':>5}")
    for key, m in {**run["sites"], "overall": world["overall"]}.items():
        a = alone.get(key, {})
        tail = (f"{a['seconds']:>7.1f} {a['published']:>5.3f} {a['text_f1']:>5.3f}" if a
                else f"{world['alone_seconds']:>7.1f}")
        print(f"{key:8} {m.get('theme', ''):7} {m.get('zone', ''):17} "
              f"{m['found']:>3}/{m['expected']:<3} {m['coverage']:>5.3f} {m['published']:>5.3f} "
              f"{m['invented']:>3} {m['boilerplate_records']:>3} {m['text_f1']:>5.3f} "
              f"{m['title_exact']:>5.3f} {m.get('max_at_once', ''):>7} | {tail}")
    print(f"run: exit {run['exit']}, {run['seconds']:.1f} s; dead host named: "
          f"{(run['dead_named'] or ['NO'])[-1][:100]}")
    print(f"wall ratio run / sum of alone: {run['seconds']:.1f} / {world['alone_seconds']:.1f} = "
          f"{world['wall_ratio']:.3f} (target <= {TARGETS['wall_ratio']}; machine load "
          f"{' / '.join(map(str, world['load']))} before the run / after it / after the alone "
          f"crawls, on {os.cpu_count()} cores)")
    print(f"left running: at exit {len(run['left_at_exit'])}, after 3 s "
          f"{len(run['left_after_grace'])}")
    print("targets: " + ("all met" if not world["misses"] else "MISSED: "
                         + "; ".join(world["misses"])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="the world's seed (default 1)")
    parser.add_argument("--scale", type=float, help="site size factor (default 1; --quick 0.4)")
    parser.add_argument("--processes", type=int, help="the run's --processes (default: the "
                        "crawler's own, one per core)")
    parser.add_argument("--quick", action="store_true", help=f"smaller sites (scale "
                        f"{QUICK_SCALE})")
    parser.add_argument("--variants", type=int, default=0, metavar="K",
                        help="also K worlds of other seeds and theme x zone pairings")
    parser.add_argument("--keep", type=Path, help="crawl into this folder and keep the output")
    parser.add_argument("--log-level", default="WARNING", help="the crawler's --log-level")
    parser.add_argument("--out", type=Path, help="results file (JSON), by default "
                        "bench/results/world_sites.json",
                        default=ROOT / "bench" / "results" / "world_sites.json")
    args = parser.parse_args(argv)
    scale = args.scale or (QUICK_SCALE if args.quick else 1.0)
    worlds = [("world", WORLD, args.seed)]
    worlds += [(f"variant {v}", variant(v), args.seed + v) for v in range(1, args.variants + 1)]
    results = []
    with tempfile.TemporaryDirectory(prefix="world-") as tmp:
        work = args.keep or Path(tmp)
        for i, (name, places, seed) in enumerate(worlds):
            world = measure(name, places, seed, scale, args.processes, work / f"w{i}",
                            args.log_level)
            report(world)
            results.append(world)
    if len(results) > 1:
        print("\n== every world")
        for w in results:
            o = w["overall"]
            worst = min(w["run"]["sites"].values(), key=lambda m: (m["published"], m["text_f1"]))
            print(f"{w['name']:10} seed {w['seed']:>3}: published {o['published']:.3f} "
                  f"(worst site {worst['published']:.3f}), F1 {o['text_f1']:.3f}, invented "
                  f"{o['invented']}, boilerplate {o['boilerplate_records']}, coverage "
                  f"{o['coverage']:.3f}, ratio {w['wall_ratio']:.3f}, "
                  f"{len(w['misses'])} missed")
    missed = sum(len(w["misses"]) for w in results)
    result = {
        "benchmark": "world_sites",
        "command": "bench/world_sites.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "targets": TARGETS, "worlds": results, "missed": missed,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}: {missed} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
