"""Issue 8, crash safety depends on "one batch in flight": `process_batch` runs one transaction on the run's single
DuckDB connection, so two sink calls at once share that connection across threads (interleaved BEGIN/COMMIT:
batches are no longer atomic; in the faults-mode soak the run deadlocked with six loader threads inside
`process_batch`). Workers that find a batch due while one is being loaded must wait their turn, in order."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

from khabar.crawl import Crawler, CrawlSettings, Incremental
from khabar.crawl.sources import parse_sources

N = 40


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/robots.txt":
        return httpx.Response(404)
    if path == "/":
        links = "".join(f"<li><a href='/news/{i}'>خبر شماره {i}</a></li>" for i in range(N))
        return httpx.Response(200, html=f"<html><body><ul>{links}</ul></body></html>")
    if path.startswith("/news/"):
        return httpx.Response(200, html=f"<html><body><p>خبر {path}</p></body></html>")
    return httpx.Response(404)


def test_at_most_one_batch_is_loaded_at_a_time():
    sources = parse_sources("sources:\n- id: s\n  url: http://s.test/\n  link_selector: li a\n")
    settings = CrawlSettings.fast(batch_size=2, per_host_concurrency=4)
    lock = threading.Lock()
    state = {"inside": 0, "peak": 0, "pages": 0}

    def sink(batch):
        with lock:
            state["inside"] += 1
            state["peak"] = max(state["peak"], state["inside"])
        time.sleep(0.05)  # extraction + load take a while
        with lock:
            state["inside"] -= 1
            state["pages"] += len(batch.pages)

    crawler = Crawler(sources, settings, transport=httpx.MockTransport(handler), run_id="t")
    asyncio.run(crawler.run(Incremental(), sink))
    assert state["pages"] == N
    assert state["peak"] == 1, f"{state['peak']} batches were loaded at the same time"
