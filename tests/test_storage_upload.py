"""Uploading spooled crawls to moto's S3 server over HTTP with a real boto3 client."""

from __future__ import annotations

import hashlib
import json
import os
import threading

from crawler.storage.jobs import UploadJob, jobs_for
from crawler.storage.objects import SHA256_META, ObjectStore
from crawler.storage.s3 import MiB, S3Location, StoreConfig
from crawler.storage.spool import COMMITTED_FILE, TARGET_FILE, read_target
from crawler.storage.uploader import Uploader
from tests.helpers.storage import make_spooled_crawl

URI = "s3://{bucket}/archive/v1"


def _uploader(endpoint: str, bucket: str, **kw) -> Uploader:
    config = StoreConfig(endpoint_url=endpoint, multipart_threshold=5 * MiB,
                         multipart_chunksize=5 * MiB)
    store = ObjectStore(config.client(pool=20), S3Location(bucket), config)
    return Uploader(store, workers=kw.pop("workers", 3), backoff_base=0.05, backoff_max=0.5, **kw)


def _submit_all(uploader: Uploader, crawl_dir) -> list[UploadJob]:
    jobs = jobs_for(crawl_dir, read_target(crawl_dir))
    for job in jobs:
        uploader.submit(job)
    return jobs


def _record_writes(uploader: Uploader) -> list[str]:
    """Keys in the order the store finished writing them (PutObject or multipart completion)."""
    done: list[str] = []
    lock = threading.Lock()

    def remember(params, context, **_):
        context["recorded_key"] = params["Key"]

    def record(context, http_response, **_):
        if http_response.status_code == 200:
            with lock:
                done.append(context["recorded_key"])

    events = uploader.store.client.meta.events
    for op in ("PutObject", "CompleteMultipartUpload"):
        events.register(f"before-parameter-build.s3.{op}", remember)
        events.register(f"after-call.s3.{op}", record)
    return done


def test_crawl_uploaded_with_types_checksums_and_spool_cleared(s3, bucket, moto_url, tmp_path):
    uri = URI.format(bucket=bucket)
    out = make_spooled_crawl(tmp_path, uri, moto_url)
    local = {p.relative_to(out.root).as_posix(): p.read_bytes()
             for p in out.root.rglob("*") if p.is_file() and not p.name.startswith(".")}
    uploader = _uploader(moto_url, bucket)
    _submit_all(uploader, out.root)
    assert uploader.wait(60)
    assert uploader.pending_jobs() == []
    assert uploader.counts.uploaded_files == 4

    prefix = f"archive/v1/news/{out.crawl_id}/"
    types = {}
    for rel, data in local.items():
        obj = s3.get_object(Bucket=bucket, Key=prefix + rel, ChecksumMode="ENABLED")
        assert obj["Body"].read() == data, rel
        assert obj.get("ContentEncoding") in (None, "")  # stored byte for byte
        types[rel.split("/")[0]] = obj["ContentType"]
    assert types == {"warc": "application/warc", "indexes": "text/plain; charset=utf-8",
                     "articles": "application/gzip", "manifest.json": "application/json"}
    manifest = json.loads(local["manifest.json"])
    for entry in manifest["files"]:
        head = s3.head_object(Bucket=bucket, Key=prefix + entry["path"], ChecksumMode="ENABLED")
        assert head["Metadata"][SHA256_META] == entry["sha256"]
        assert head["ChecksumSHA256"]  # the store checked a SHA256 checksum on arrival
    assert not out.root.exists()  # verified uploads leave the spool


def test_large_file_is_multipart_and_verified(s3, bucket, moto_url, tmp_path):
    out = make_spooled_crawl(tmp_path, URI.format(bucket=bucket), moto_url,
                             warc_bytes=12 * MiB + 123)
    warc = next(out.warc_dir.iterdir())
    data = warc.read_bytes()
    uploader = _uploader(moto_url, bucket, keep=True)
    writes = _record_writes(uploader)
    _submit_all(uploader, out.root)
    assert uploader.wait(120)
    key = f"archive/v1/news/{out.crawl_id}/warc/{warc.name}"
    assert key in writes
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ETag"].strip('"').endswith("-3")  # three parts of 5 MiB, 5 MiB, 2 MiB
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data
    store = uploader.store
    sha = json.loads(out.manifest_path.read_text())["files"]
    sha = next(f["sha256"] for f in sha if f["path"].startswith("warc/"))
    assert store.mismatch(warc, key, len(data), sha) is None
    # the composite check really compares content: one flipped byte is noticed
    warc.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert store.mismatch(warc, key, len(data), sha) is not None


def test_manifest_is_uploaded_after_every_other_file(s3, bucket, moto_url, tmp_path):
    out = make_spooled_crawl(tmp_path, URI.format(bucket=bucket), moto_url)
    uploader = _uploader(moto_url, bucket, workers=4)
    writes = _record_writes(uploader)
    jobs = jobs_for(out.root, read_target(out.root))
    manifest_job = jobs[-1]
    assert manifest_job.kind == "manifest"
    uploader.submit(manifest_job)  # first: it must still wait for (and bring) the others
    assert uploader.wait(60)
    assert len(writes) == 4
    assert writes[-1].endswith("/manifest.json")


def test_manifest_held_back_when_a_listed_file_is_lost(s3, bucket, moto_url, tmp_path):
    out = make_spooled_crawl(tmp_path, URI.format(bucket=bucket), moto_url)
    lost = next(out.articles_dir.iterdir())
    lost.unlink()  # neither in the spool nor in the store
    uploader = _uploader(moto_url, bucket)
    _submit_all(uploader, out.root)
    assert uploader.wait(60)
    assert [j.relpath for j in uploader.pending_jobs()] == ["manifest.json"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert not [k for k in keys if k.endswith("manifest.json")]
    assert out.manifest_path.exists()


def test_reupload_is_idempotent_and_repairs_damaged_objects(s3, bucket, moto_url, tmp_path):
    out = make_spooled_crawl(tmp_path, URI.format(bucket=bucket), moto_url)
    first = _uploader(moto_url, bucket, keep=True)
    _submit_all(first, out.root)
    assert first.wait(60) and first.counts.uploaded_files == 4
    assert (out.root / TARGET_FILE).exists()  # SPOOL_KEEP: the spool folder stays
    assert (out.root / COMMITTED_FILE).exists()  # … marked as in the store

    again = _uploader(moto_url, bucket, keep=True)
    writes = _record_writes(again)
    _submit_all(again, out.root)
    assert again.wait(60)
    assert writes == [] and again.counts.present_files == 4

    prefix = f"archive/v1/news/{out.crawl_id}/"
    warc = next(out.warc_dir.iterdir())
    index = next(out.index_dir.iterdir())
    # a crash mid-way: one object with other bytes of the same size, one cut short
    s3.put_object(Bucket=bucket, Key=f"{prefix}warc/{warc.name}",
                  Body=os.urandom(warc.stat().st_size))
    s3.put_object(Bucket=bucket, Key=f"{prefix}indexes/{index.name}",
                  Body=index.read_bytes()[:10])
    originals = {p: p.read_bytes() for p in (warc, index)}
    repair = _uploader(moto_url, bucket)
    writes = _record_writes(repair)
    _submit_all(repair, out.root)
    assert repair.wait(60)
    assert sorted(writes) == sorted([f"{prefix}warc/{warc.name}", f"{prefix}indexes/{index.name}"])
    assert repair.counts.present_files == 2
    for path, data in originals.items():
        got = s3.get_object(Bucket=bucket, Key=prefix + path.relative_to(out.root).as_posix())
        assert got["Body"].read() == data
    assert not out.root.exists()


def test_upload_without_checksums_verifies_by_etag(s3, bucket, moto_url, tmp_path):
    out = make_spooled_crawl(tmp_path, URI.format(bucket=bucket), moto_url,
                             warc_bytes=11 * MiB)
    config = StoreConfig(endpoint_url=moto_url, checksum="", multipart_threshold=5 * MiB,
                         multipart_chunksize=5 * MiB)
    store = ObjectStore(config.client(), S3Location(bucket), config)
    uploader = Uploader(store, workers=2, keep=True, backoff_base=0.05)
    _submit_all(uploader, out.root)
    assert uploader.wait(120) and uploader.counts.uploaded_files == 4
    warc = next(out.warc_dir.iterdir())
    key = f"archive/v1/news/{out.crawl_id}/warc/{warc.name}"
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert "ChecksumSHA256" not in head and head["ETag"].strip('"').endswith("-3")
    size = warc.stat().st_size
    sha = hashlib.sha256(warc.read_bytes()).hexdigest()
    assert store.mismatch(warc, key, size, sha) is None
    s3.put_object(Bucket=bucket, Key=key, Body=os.urandom(size))
    assert store.mismatch(warc, key, size, sha) is not None


def test_remove_at_commit_keeps_files_until_the_manifest_is_in(s3, bucket, moto_url, tmp_path):
    uri = URI.format(bucket=bucket)
    done = make_spooled_crawl(tmp_path, uri, moto_url)
    killed = make_spooled_crawl(tmp_path, uri, moto_url, manifest=False)
    uploader = _uploader(moto_url, bucket, defer_delete=True)
    jobs = [*jobs_for(done.root, read_target(done.root)),
            *jobs_for(killed.root, read_target(killed.root))]
    for job in jobs:
        if job.relpath != "manifest.json":
            uploader.submit(job)
    assert uploader.wait(60) and uploader.counts.uploaded_files == 6
    # uploaded and verified, but no manifest yet: everything stays for --resume
    assert len([p for p in done.root.rglob("*") if p.is_file()]) == 5  # with the target
    assert len([p for p in killed.root.rglob("*") if p.is_file()]) == 4
    uploader.submit(next(j for j in jobs if j.relpath == "manifest.json"))
    assert uploader.wait(60) and uploader.counts.committed == [done.root]
    assert not done.root.exists()
    assert killed.root.exists() and len(list(killed.root.rglob("*.gz"))) == 2
