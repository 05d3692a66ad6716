"""The deploy files: what can be checked without Docker or a cluster.

The image's entry command is run as the image would run it (same command line and environment,
outside Docker); the compose file and Kubernetes manifests are parsed and their structure
checked; the systemd units go through ``systemd-analyze verify`` when it is installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers.cli import FAST, ROOT, run_cli
from tests.helpers.crawls import crawl_dir, read_manifest, read_records, site_folder

DEPLOY = ROOT / "deploy"


def dockerfile() -> tuple[list[str], dict[str, str], list[str], list[str]]:
    """FROM lines, ENV of the last stage, ENTRYPOINT and CMD (exec form) of the Dockerfile."""
    text = (DEPLOY / "Dockerfile").read_text()
    logical = re.sub(r"\\\n\s*", " ", text)  # join continuation lines
    lines = [line.strip() for line in logical.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    froms = [line for line in lines if line.startswith("FROM ")]
    last_stage = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    env: dict[str, str] = {}
    for line in last_stage:
        if line.startswith("ENV "):
            env.update(dict(re.findall(r"(\w+)=(\S+)", line[4:])))
    entry = next(json.loads(line[11:]) for line in lines if line.startswith("ENTRYPOINT "))
    cmd = next(json.loads(line[4:]) for line in lines if line.startswith("CMD "))
    return froms, env, entry, cmd


def test_dockerfile_is_multi_stage_pinned_and_non_root():
    text = (DEPLOY / "Dockerfile").read_text()
    froms, env, entry, cmd = dockerfile()
    assert len(froms) >= 2 and "AS build" in froms[0]
    base = re.search(r"ARG PYTHON_IMAGE=(\S+)", text)[1]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base)
    user = re.findall(r"^USER (\S+)", text, re.MULTILINE)
    assert user and not user[-1].startswith(("0", "root"))
    assert entry == ["crawler"] and cmd[0] == "crawl" and "--resume" in cmd
    for copied in re.findall(r"^COPY (?!--from)(\S+)", text, re.MULTILINE):
        assert (ROOT / copied).exists(), copied
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    assert "!crawler/**" in ignore and ignore.lstrip().startswith("#")


def test_image_entry_command_runs_outside_docker(tmp_path, small_site):
    """ENTRYPOINT + CMD with the image's environment, /data mapped to a temporary folder."""
    site, server = small_site
    _, env, entry, cmd = dockerfile()
    data = tmp_path / "data"
    argv = [a.replace("/data", str(data)) for a in entry + cmd]
    run_env = {**os.environ, **{k: v.replace("/data", str(data)) for k, v in env.items()
                                if k != "PATH"}, "PYTHONPATH": str(ROOT)}
    crawler = shutil.which(argv[0], path=str(Path(sys.executable).parent))
    assert crawler, "the crawler console script is installed next to the interpreter"
    argv = [crawler, *argv[1:], "--url", server.url, "--max-items", "4", *FAST]
    result = subprocess.run(argv, cwd=tmp_path, env=run_env, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "nothing to resume" in result.stdout  # --resume on a fresh volume: a new crawl
    crawl = crawl_dir(data / "out")
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] in ("closespider_itemcount", "finished")
    assert 4 <= len(read_records(crawl)) <= 2 * site.articles
    assert (data / "out" / site_folder(server.url) / "state.sqlite").is_file()


def test_compose_runs_a_crawl_into_minio():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"minio", "crawler"} <= set(services)
    crawler = services["crawler"]
    assert crawler["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / crawler["build"]["context"] / crawler["build"]["dockerfile"]).is_file()
    command = crawler["command"]
    out = command[command.index("--out") + 1]
    assert out.startswith("s3://") and "--resume" in command
    assert crawler["environment"]["AWS_ENDPOINT_URL"] == "http://minio:9000"
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= set(crawler["environment"])
    assert any(v.endswith(":/data") for v in crawler["volumes"])
    assert "minio" in json.dumps(crawler["depends_on"]) or "bucket" in crawler["depends_on"]
    assert re.search(r":RELEASE\.\d{4}-", services["minio"]["image"])  # a pinned release
    for name in {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}:
        assert name in compose["volumes"]


def k8s_documents() -> dict[str, dict]:
    docs = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc["apiVersion"] and doc["kind"], path
            docs[f"{doc['kind']}/{doc['metadata']['name']}" if "metadata" in doc
                 else doc["kind"]] = doc
    return docs


def _parser():
    from crawler.commands.cli import _parser as parser

    return parser()


def test_kubernetes_cronjob_per_site():
    docs = k8s_documents()
    cronjobs = [d for d in docs.values() if d["kind"] == "CronJob"]
    assert cronjobs
    for cj in cronjobs:
        assert cj["apiVersion"] == "batch/v1"
        spec = cj["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert len(spec["schedule"].split()) == 5
        pod = spec["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["restartPolicy"] in ("Never", "OnFailure")
        assert pod["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["containers"]
        resources = container["resources"]
        assert resources["requests"]["cpu"] and resources["requests"]["memory"]
        assert resources["limits"]["memory"]
        secret_refs = [e["valueFrom"]["secretKeyRef"] for e in container.get("env", [])
                       if "secretKeyRef" in e.get("valueFrom", {})]
        assert {r["key"] for r in secret_refs} >= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
        assert f"Secret/{secret_refs[0]['name']}" in docs  # the example Secret has that name
        args = container["args"]
        assert args[0] == "crawl" and "--resume" in args
        parsed = _parser().parse_args(args)  # the real command line takes them as they are
        assert parsed.log_format == "json"  # a log shipper gets one JSON object per line
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        claims = {v["name"]: v["persistentVolumeClaim"]["claimName"]
                  for v in pod["volumes"] if "persistentVolumeClaim" in v}
        (state_volume,) = [n for n in claims if mounts.get(n) == "/data"]
        assert f"PersistentVolumeClaim/{claims[state_volume]}" in docs
        config = [r["configMapRef"]["name"] for r in container.get("envFrom", [])]
        assert all(f"ConfigMap/{name}" in docs for name in config)
        assert docs[f"ConfigMap/{config[0]}"]["data"]["CRAWLER_SPOOL"].startswith("/data/")
    kustomization = docs["Kustomization"]
    for resource in kustomization["resources"]:
        assert (DEPLOY / "k8s" / resource).is_file()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    """``systemd-analyze verify`` on the service and timer (ExecStart pointed at this venv)."""
    crawler = Path(sys.executable).parent / "crawler"
    service = (DEPLOY / "systemd" / "newscrawler@.service").read_text()
    assert "/opt/newscrawler/.venv/bin/crawler crawl %i" in service
    (tmp_path / "newscrawler@.service").write_text(
        service.replace("/opt/newscrawler/.venv/bin/crawler", str(crawler)))
    shutil.copy(DEPLOY / "systemd" / "newscrawler@.timer", tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", "./newscrawler@vsedelo.service",
         "./newscrawler@vsedelo.timer"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_compose_runs_a_shared_crawl_with_redis_and_workers():
    compose = yaml.safe_load((DEPLOY / "compose.distributed.yaml").read_text())
    services = compose["services"]
    assert {"redis", "minio", "worker"} <= set(services)
    assert re.fullmatch(r"redis:\d+\.\d+\.\d+-alpine", services["redis"]["image"])
    assert "--appendonly" in services["redis"]["command"]
    worker = services["worker"]
    command = worker["command"]
    assert command[:2] == ["crawl", "vsedelo"] and "--resume" not in command
    redis_url = command[command.index("--redis") + 1]
    assert re.fullmatch(r"redis://redis:6379/\d+", redis_url)
    assert command[command.index("--out") + 1].startswith("s3://")
    assert worker["deploy"]["replicas"] >= 2
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert (DEPLOY / worker["build"]["context"] / worker["build"]["dockerfile"]).is_file()
    for name in {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}:
        assert name in compose["volumes"]


def test_kubernetes_shared_crawl_workers_find_redis():
    folder = DEPLOY / "k8s" / "distributed"
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    docs = {}
    for resource in kustomization["resources"]:
        for doc in yaml.safe_load_all((folder / resource).read_text()):
            docs[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    service = docs["Service/crawler-redis"]
    redis = docs["StatefulSet/crawler-redis"]
    labels = redis["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert "--appendonly" in redis["spec"]["template"]["spec"]["containers"][0]["args"]

    cronjob = docs["CronJob/crawler-vsedelo-workers"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    job = cronjob["spec"]["jobTemplate"]["spec"]
    assert job["parallelism"] >= 2 and job["completions"] == job["parallelism"]
    pod = job["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    args, env = container["args"], {e["name"]: e for e in container["env"]}
    assert args[:2] == ["crawl", "vsedelo"] and "--resume" not in args
    assert _parser().parse_args(args).log_format == "json"
    assert args[args.index("--redis") + 1] == "$(REDIS_URL)"
    port = service["spec"]["ports"][0]["port"]
    assert env["REDIS_URL"]["value"] == f"redis://{service['metadata']['name']}:{port}/0"
    assert args[args.index("--worker-id") + 1] == "$(POD_NAME)"
    assert env["POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    # the flags the workers are given exist
    help_text = run_cli("crawl", "--help", timeout=60).stdout
    for flag in (a for a in args if a.startswith("--")):
        assert flag in help_text, flag
