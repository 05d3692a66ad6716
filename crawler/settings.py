"""Scrapy settings of the crawler: polite defaults for real sites.

Every component here is switched by a setting and can be overridden with ``-s NAME=VALUE`` on the
command line or in ``scrapy.cfg``/environment as usual with Scrapy.
"""

from crawler import __version__

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- Identity and politeness -------------------------------------------------------------
USER_AGENT = f"newscrawler/{__version__} (news archival crawler)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
# Honour a robots.txt Crawl-delay when it is longer than DOWNLOAD_DELAY (spiders.discovery).
ROBOTSTXT_CRAWL_DELAY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around DOWNLOAD_DELAY
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# a 429/503 with Retry-After pauses the host (crawler.engine.retry_after)
RETRY_AFTER_ENABLED = True
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
# Scrapy's downloader, with CONCURRENT_REQUESTS_PER_DOMAIN holding under the asyncio reactor.
DOWNLOADER = "crawler.engine.downloader.PoliteDownloader"
# Queued requests wait on disk (a temporary folder) so memory stays flat (crawler.engine.queues).
SCHEDULER = "crawler.engine.queues.SpoolScheduler"
SCHEDULER_SPOOL = True
# The newest requests (SCHEDULER_MEMORY_REQUESTS, default 2000) stay in memory unpickled.
SCHEDULER_DISK_QUEUE = "crawler.engine.queues.SpillingLifoQueue"
SCHEDULER_MEMORY_REQUESTS = 2000
SCHEDULER_SPOOL_DIR = ""  # empty: the temporary folder
# Scrapy's duplicate filter keeping 8 bytes per request seen (crawler.engine.seen)
DUPEFILTER_CLASS = "crawler.engine.seen.CompactDupeFilter"
# Outputs of one response processed at once; Scrapy's 100 costs 100 asyncio tasks per page.
CONCURRENT_ITEMS = 8
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote-control HTTP server (code execution, a job file per crawl): off, as the
# telnet console is.
REMOTE_CONTROL_ENABLED = False

# --- Scope and traps -----------------------------------------------------------------------
DEPTH_LIMIT = 30
DEPTH_PRIORITY = 0
# Stop following links out of non-article pages after this many pages in a row found no new
# article (calendar and faceted-search traps, endless pagination).
BARREN_PAGES_LIMIT = 3
# Follow at most this many non-article pages of one path shape (digits folded), counted by
# PATH_SHAPE_COUNTER (crawler.scope.shape_budget; a distributed crawl counts in Redis).
PATH_SHAPE_BUDGET = 5000
PATH_SHAPE_COUNTER = "crawler.scope.shape_budget.LocalShapeCounter"

# --- Many sites in one run (crawler.multisite; see README "Many sites in one run") ----------
# Sites one crawler process crawls at once (each its own Scrapy crawler); the next site starts
# as soon as one ends.
SITES_AT_ONCE = 8
# A dead site is given up, with its reason, while the rest go on (crawler.monitors.site_health):
# network errors in a row before its first answer / after it, server errors (5xx) in a row.
SITE_GIVE_UP_ENABLED = True
SITE_GIVE_UP_UNREACHABLE = 4
SITE_GIVE_UP_NETWORK_ERRORS = 20
SITE_GIVE_UP_SERVER_ERRORS = 30

# --- Output ----------------------------------------------------------------------------
OUTPUT_URI = "out"  # a folder or s3://bucket/prefix (crawler.crawl.output)
CRAWL_ID = ""  # empty: a new sortable id per run
SINCE = ""  # only articles published on or after this date (ISO 8601)

# --- WARC archive (crawler.warc) -------------------------------------------------------
WARC_ENABLED = True
WARC_MAX_SIZE = 1_000_000_000
WARC_PREFIX = ""  # default: the spider's name
WARC_OPERATOR = ""
WARC_DEDUP = True
WARC_DEDUP_MIN_SIZE = 256
WARC_DEDUP_DIR = ""  # the payload digest index's scratch folder; empty: the temporary folder

# --- Page requisites (crawler.pages.requisites): images, CSS, JS, fonts of archived articles ----
REQUISITES_ENABLED = True
# CDN hosts besides the site's own, comma-separated (a list works too); a domain matches its
# subdomains: "cdn.example.com,static.example.net"
REQUISITES_HOSTS = ""
REQUISITES_DEPTH = 1  # levels of CSS references (url(), @import) followed from stylesheets

# --- Pages built by JavaScript (crawler.render; see docs/render.md) -------------------------
# auto: render a page in Chromium only when its static HTML lacks the content its markup or URL
# promises and scripts would build it; always; never (the browser is not even imported)
RENDER_MODE = "auto"
# URL regular expressions always / never rendered (never first); on the command line a JSON
# list: -s 'RENDER_ALWAYS=["/live/", "/app/"]'
RENDER_ALWAYS: list[str] = []
RENDER_NEVER: list[str] = []
RENDER_BROWSER = "/usr/bin/chromium"  # Debian's chromium; empty: Playwright's own download
RENDER_CONCURRENCY = 2  # pages rendered at once
RENDER_TIMEOUT = 30.0  # seconds per page; then it is archived as far as it got
RENDER_IDLE_SECONDS = 0.5  # no request in flight this long: the page is quiet
RENDER_MAX_SCROLLS = 20  # viewport-high scroll steps per page (lazy images, infinite scroll)
RENDER_CONTEXT_PAGES = 20  # pages per browser context, then a fresh context
RENDER_BROWSER_MAX_MB = 1024.0  # restart the browser when its processes hold more (PSS)
RENDER_THIN_TEXT = 200  # characters: less text than this is an empty page or article body
RENDER_GIVE_UP_AFTER = 10  # renders of one reason that all gained nothing stop that reason
RENDER_CACHE_MB = 32.0  # scripts, styles, fonts, images the browser got, shared across pages

# --- Extraction and JSON (pipelines) ---------------------------------------------------
EXTRACTION_ENABLED = True
EXTRACTION_WORKERS = 0  # page worker processes; 0: one per core but one, -1: none (in-process)
# What the crawl learns of its site (crawler.sitefacts): time zone, boilerplate; the first
# records wait until SITE_FACTS_MIN_ARTICLES articles were seen (bounded hold).
SITE_FACTS_ENABLED = True
SITE_FACTS_MIN_ARTICLES = 50
SITE_FACTS_HOLD_RECORDS = 200
SITE_FACTS_HOLD_SECONDS = 120.0
# Responses whose items are processed at once (bytes); held records count here (see above).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 20_000_000
ARTICLES_PART_RECORDS = 10_000
ARTICLES_FLUSH_RECORDS = 20  # flush the open part (a gzip member) after this many records

# --- Crawl state, incremental crawls, resume (crawler.state, crawler.state.incremental) ---------
STATE_ENABLED = True
STATE_PATH = ""  # default: <out>/<spider>/state.sqlite (the spool's folder for s3://)
STATE_COMMIT_ROWS = 500
STATE_COMMIT_SECONDS = 2.0
INCREMENTAL_ENABLED = True
RECHECK_DAYS = 3.0
INCREMENTAL_BARREN_PAGES = 0
RESUME = False  # continue CRAWL_ID (default: the last crawl, if unfinished) in its folder

# --- Distributed crawls on Redis (crawler.distributed; see docs/distributed.md) ------------
REDIS_URL = ""  # redis://host:port/db: this process is a worker of the site's shared crawl
REDIS_KEY_PREFIX = "newscrawler"
WORKER_ID = ""  # default <host>_<pid>; names this worker's WARC, index, JSON and report files
WORKER_HEARTBEAT_SECONDS = 2.0
WORKER_DEAD_SECONDS = 30.0  # a worker silent this long is reaped: its leases go back
WORKER_IDLE_POLL_SECONDS = 0.5
# s3:// output: close and upload the files this often, then acknowledge the finished requests
DISTRIBUTED_CHECKPOINT_SECONDS = 60.0
DISTRIBUTED_KEEP_SECONDS = 7 * 24 * 3600  # a finished crawl's Redis keys expire after this
# --abandon-spool: workers whose lost spools are given up
DISTRIBUTED_ABANDON_WORKERS: list[str] = []
REDIS_LOST_SECONDS = 60.0  # a worker that lost Redis this long stops (0: waits forever)
# Per-host limits for the whole distributed crawl; the add-on copies CONCURRENT_REQUESTS_PER_DOMAIN
# and DOWNLOAD_DELAY into them unless they are set on the command line.
SHARED_CONCURRENT_REQUESTS_PER_DOMAIN = 4
SHARED_DOWNLOAD_DELAY = 0.0
MANIFEST_WRITE = True  # off for workers: the last one writes the crawl's manifest

# --- Object storage output (crawler.storage; see docs/storage.md) ---------------------------
S3_ENDPOINT_URL = ""  # empty: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS
S3_REGION = ""
S3_ADDRESSING_STYLE = "auto"
S3_CONNECT_TIMEOUT = 10.0
S3_READ_TIMEOUT = 60.0
S3_CHECKSUM = "SHA256"
S3_MULTIPART_THRESHOLD = 64 * 1024 * 1024
S3_MULTIPART_CHUNKSIZE = 16 * 1024 * 1024
S3_MAX_CONCURRENCY = 4
STORE_WORKERS = 4
STORE_RETRY_BASE = 1.0
STORE_RETRY_MAX = 60.0
STORE_FINAL_TIMEOUT = 300.0
STORE_RESUME_SPOOL = True
SPOOL_DIR = ""  # empty: $CRAWLER_SPOOL, else .crawler-spool
SPOOL_MAX_BYTES = 10_000_000_000
SPOOL_REMOVE = "commit"
SPOOL_KEEP = False
# The distributed add-on joins a shared crawl (its crawl id) before the crawl context settles the
# crawl (crawler.crawl.context): add-ons are built before any other component.
ADDONS = {"crawler.distributed.addon.DistributedAddon": 0, "crawler.crawl.context.CrawlContext": 10}

DOWNLOADER_MIDDLEWARES = {
    # One scope gate for every request: the crawl's site (ports included) and REQUISITES_HOSTS
    # (crawler.scope.gate), in place of Scrapy's OffsiteMiddleware, which knows no ports.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.scope.gate.ScopeGate": 50,
    # Next to the downloader: sees raw bodies (before decompression) and every redirect.
    "crawler.warc.middleware.WarcArchiveMiddleware": 950,
    # Next to the downloader, before retries: a dead site is given up
    # (crawler.monitors.site_health)
    "crawler.monitors.site_health.SiteGiveUp": 940,
    # Below the WARC middleware: validators go into the archived request, a 304 is archived.
    "crawler.state.incremental.IncrementalMiddleware": 900,
    # Before RetryMiddleware (550) sees the response: a Retry-After pauses the host first.
    "crawler.engine.retry_after.RetryAfterMiddleware": 555,
    # Scrapy's own two, in their places, minus wasted work (crawler.engine.stock_middlewares).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.engine.stock_middlewares.QuickMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.engine.stock_middlewares.DecompressionMiddleware": 590,
}
RETRY_AFTER_MAX = 60.0
SPIDER_MIDDLEWARES = {
    # Where each request's URL was found (sitemap, feed, listing...), for the report.
    "crawler.report.found_in.FoundInMiddleware": 990,
}
ITEM_PIPELINES = {
    "pipelines.extraction.ExtractionPipeline": 300,
    # Drops records a resumed crawl holds already and (incremental) unchanged texts.
    "pipelines.state.StateRecordPipeline": 700,
    "pipelines.jsonl.ArticleJsonLinesPipeline": 800,
}
EXTENSIONS = {
    # Scrapy's banner, settings and stats dumps at DEBUG, LOG_JSON (crawler.logs.log_output).
    "crawler.logs.log_output.LogOutput": 0,
    # The start-up heap frozen, young objects collected less often (crawler.engine.gctune).
    "crawler.engine.gctune.GcTuning": 10,
    # Parse, scan and extract pages in a process pool (crawler.pageworkers.page_workers).
    "crawler.pageworkers.page_workers.PageWorkers": 50,
    # Pages built by JavaScript rendered in Chromium, the crawler as its network (crawler.render).
    "crawler.render.render_extension.Renderer": 55,
    "crawler.storage.commit.ManifestExtension": 100,
    # Lock, state and resume; after ManifestExtension so the crawl is marked finished last.
    "crawler.state.state_extension.CrawlStateExtension": 150,
    # The site's zone and boilerplate, learned and kept in the state (after it: reads it).
    "crawler.sitefacts.facts_extension.SiteFactsExtension": 160,
    # Ops visibility (crawler.ops): monitors, report, metrics, progress, webhook.
    "crawler.monitors.monitoring.MonitorExtension": 110,
    "crawler.report.collector.ReportExtension": 120,
    "crawler.ops.metrics.MetricsExtension": 130,
    "crawler.ops.progress.ProgressExtension": 900,  # after the manifest: final event names it
    "crawler.ops.webhook.WebhookExtension": 910,
    "crawler.logs.requestlog.FailedRequestLog": 920,
    # After ManifestExtension: waits for the uploads, manifest last (crawler.storage).
    "crawler.storage.upload_extension.StoreUploadExtension": 950,
}

# --- Ops visibility (crawler.ops; see docs/ops.md) ----------------------------------------
# auto: a status line on a terminal, else the crawl's events in the log (text, or JSON lines)
PROGRESS_MODE = "auto"
PROGRESS_INTERVAL = 10.0
REPORT_ENABLED = True
MONITORS_ENABLED = True
MONITOR_MIN_ARTICLES = 1
MONITOR_MAX_ERROR_RATE = 0.1
MONITOR_STALL_SECONDS = 1800.0
MONITOR_STALL_CLOSE = True
# When any worker of the crawl last wrote an article (the distributed add-on sets its own)
MONITOR_CRAWL_CLOCK = None
METRICS_PORT = 0  # 0: no Prometheus endpoint
METRICS_HOST = "127.0.0.1"
WEBHOOK_URL = ""
WEBHOOK_TIMEOUT = 10.0

# Python's garbage collector: start-up heap frozen, young objects collected less often
# (crawler.engine.gctune)
GC_TUNING = True

# --- Log output (crawler.logs.log_output; see docs/ops.md#logs) ------------------------------
# `scrapy crawl` logs at INFO; the `crawler` command at WARNING unless --log-level says more.
LOG_LEVEL = "INFO"
LOG_JSON = False  # --log-format json: every line one JSON object
LOG_FAILED_REQUESTS = True  # one WARNING line per request that failed (crawler.logs.requestlog)
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"  # the failed-request line says it; no second line
# Dropped and scraped items are logged by URL, not with the fetched HTML they carry; network
# errors in one line.
LOG_FORMATTER = "crawler.logs.logformat.ItemNamingLogFormatter"
STATS_CLASS = "crawler.engine.stats.CrawlStatsCollector"
LOGSTATS_INTERVAL = 30.0
