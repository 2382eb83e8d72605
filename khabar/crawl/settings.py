"""Crawler settings: politeness, timeouts, caps and the incremental windows. Defaults are polite to small
government servers (≤ 1 request/s and ≤ 2 in flight per host); tests and benchmarks lift them explicitly."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CrawlSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_agent: str = "khabar/0.1 (+{contact}; press-release archiver)"
    contact_url: str = "https://github.com/khabar/khabar"
    rate_limit: float = Field(default=1.0, gt=0, description="default requests per second per host")
    per_host_concurrency: int = Field(default=2, ge=1)
    global_concurrency: int = Field(default=32, ge=1)
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # whole request incl. body: defeats slow-drip responses
    max_bytes: int = 10 * 1024 * 1024  # decoded body cap, enforced while streaming (gzip bombs included)
    max_redirects: int = 10  # browsers allow 20; chains that come back to the page happen
    max_attempts: int = 5  # 1 + retries
    backoff_base: float = 0.5  # seconds; doubled per attempt, jittered ×[0.5, 1.5)
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0  # never sleep longer than this for one Retry-After
    recheck_days: float = 3.0  # re-check (conditional GET) pages published this recently …
    # … auto: where the sitemaps' lastmod shows edits, only pages it announces as changed; elsewhere each recent page
    # once, `recheck_after_hours` after it was first fetched; always: every recent page on every daily run
    recheck_policy: Literal["auto", "always", "never"] = "auto"
    recheck_after_hours: float = Field(default=20.0, ge=0)
    initial_lookback_days: float = 3.0  # first incremental run of a source: how far back to look
    max_listing_pages: int = 500  # per source and run: a runaway pagination stops here
    max_sitemaps: int = 200  # per source and run
    batch_size: int = Field(default=100, ge=1)  # pages per batch handed to the sink
    batch_seconds: float = 10.0  # … or whatever arrived within this time
    respect_robots: bool = True
    raw_keep_versions: int = Field(
        default=3, ge=1
    )  # raw archive retention: bodies kept per URL (see warehouse.raw)
    raw_max_age_days: int | None = None  # … and older bodies dropped past this age (never a release's own)
    override_source_limits: bool = False  # tests/benchmarks: ignore each source's own rate_limit/concurrency

    @property
    def agent(self) -> str:
        return self.user_agent.format(contact=self.contact_url)

    @classmethod
    def fast(cls, **overrides: object) -> CrawlSettings:
        """Politeness lifted (tests and throughput benchmarks on loopback only)."""
        base: dict[str, object] = {
            "rate_limit": 500.0,
            "per_host_concurrency": 4,
            "global_concurrency": 64,
            "backoff_base": 0.02,
            "backoff_max": 0.5,
            "retry_after_cap": 1.0,
            "read_timeout": 2.0,
            "connect_timeout": 2.0,
            "total_timeout": 10.0,
            "override_source_limits": True,
        }
        base.update(overrides)
        return cls.model_validate(base)


def load_settings(path: str | None = None) -> CrawlSettings:
    """`crawl:` from config/settings.yaml (or $KHABAR_SETTINGS); defaults when the file is absent. Unknown keys
    and bad values are rejected with the file and the field named."""
    from pathlib import Path

    import yaml
    from pydantic import ValidationError

    from khabar.settings import Settings, settings_file

    p = Path(path) if path else settings_file()
    if not p.is_file():
        if path:
            raise ValueError(f"{p}: no such settings file")
        return CrawlSettings()
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{p}: not valid YAML ({exc})") from None
    unknown = set(raw) - set(Settings.model_fields)  # the other sections are khabar.settings'
    if unknown:
        raise ValueError(f"{p}: unknown section(s) {', '.join(sorted(unknown))} (expected: crawl)")
    try:
        return CrawlSettings(**(raw.get("crawl") or {}))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise ValueError(f"{p}: crawl.{field}: {err['msg']}") from None
