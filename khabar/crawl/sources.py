"""The source registry (`config/sources.yaml`, GUIDE §1.4): validated on load, errors name file, line and field.

Only `id` and `url` are required; feeds, sitemaps and archive listings are discovered from the home page,
robots.txt and /sitemap.xml when not given."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from khabar.urls import Variant, host_key, parse_variant


class SourcesError(Exception):
    """An invalid registry: one message naming the file, line and field."""


class ArchiveSpec(BaseModel):
    """`archive:` as a mapping: `{kind: pages, url: /fa/archive?page={page}}` (numbered listing pages) or
    `{kind: postback, url: /NewsArchive.aspx}` (a WebForms listing whose older pages only its postback pager
    reaches; `target` names the pager control when the page carries more than one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["pages", "postback"] = "pages"
    url: str
    target: str | None = None

    @model_validator(mode="after")
    def _pattern(self) -> ArchiveSpec:
        if self.kind == "pages" and "{page}" not in self.url:
            raise ValueError("url must contain {page}, e.g. /fa/archive?page={page}")
        return self


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    url: str
    agency: str | None = None
    unit: str | None = None
    province: str | None = None
    kind: Literal["agency", "news_agency"] = "agency"
    allowed_domains: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    archive: str | ArchiveSpec | None = None  # listing URL pattern with {page}, or an ArchiveSpec mapping
    link_selector: str | None = None  # CSS for article links on listings (detected when absent)
    date_selector: str | None = None  # CSS for item dates on listings (detected when absent)
    rate_limit: float | None = Field(default=None, gt=0)
    concurrency: int | None = Field(default=None, ge=1, le=8)
    extractor_hints: dict[str, str] = Field(default_factory=dict)
    variants: tuple[str, ...] = ()  # the site's print/amp URL shapes (khabar.urls.parse_variant)
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        return v

    @field_validator("variants")
    @classmethod
    def _variants(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for spec in v:
            parse_variant(spec)  # its ValueError names the entry and what is wrong
        return v

    @property
    def parsed_variants(self) -> tuple[Variant, ...]:
        """The documented variants, parsed: their pages are aliases of the article they name."""
        return tuple(parse_variant(spec) for spec in self.variants)

    @field_validator("archive", mode="before")
    @classmethod
    def _archive_mapping(cls, v: Any) -> Any:
        """A mapping is an ArchiveSpec: validated here so that its own error is the one reported."""
        if isinstance(v, dict):
            try:
                return ArchiveSpec.model_validate(v)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                raise ValueError(f"{where + ': ' if where else ''}{err['msg']}") from None
        return v

    @field_validator("archive")
    @classmethod
    def _archive_pattern(cls, v: str | ArchiveSpec | None) -> str | ArchiveSpec | None:
        if isinstance(v, str) and "{page}" not in v:
            raise ValueError("must contain {page}, e.g. /fa/archive?page={page}")
        return v

    @model_validator(mode="after")
    def _domains(self) -> Source:
        if not self.allowed_domains:
            object.__setattr__(self, "allowed_domains", (host_key(urlsplit(self.url).hostname or ""),))
        else:
            object.__setattr__(self, "allowed_domains", tuple(host_key(d) for d in self.allowed_domains))
        return self

    @property
    def archive_spec(self) -> ArchiveSpec | None:
        if self.archive is None:
            return None
        return self.archive if isinstance(self.archive, ArchiveSpec) else ArchiveSpec(url=self.archive)

    def archive_page(self, page: int) -> str | None:
        """The absolute URL of numbered listing page `page` (None without a `pages` archive)."""
        spec = self.archive_spec
        if spec is None or spec.kind != "pages":
            return None
        return urljoin(self.url, spec.url.format(page=page))

    @property
    def archive_start(self) -> str | None:
        """The first listing page of the configured archive (either kind)."""
        spec = self.archive_spec
        if spec is None:
            return None
        return self.archive_page(1) if spec.kind == "pages" else urljoin(self.url, spec.url)

    @property
    def postback_target(self) -> str | None:
        spec = self.archive_spec
        return spec.target if spec is not None and spec.kind == "postback" else None

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def allows(self, url: str) -> bool:
        """Links are followed only inside the source's domains (subdomains included), never elsewhere."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        host = host_key(parts.hostname)
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[Source]

    @model_validator(mode="after")
    def _unique(self) -> _Registry:
        seen: set[str] = set()
        for s in self.sources:
            if s.id in seen:
                raise ValueError(f"duplicate source id {s.id!r}")
            seen.add(s.id)
        return self


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping so that errors can point at it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in ("__line__", "__lines__")}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _line_of(raw: Any, loc: tuple[Any, ...]) -> int | None:
    node, line = raw, None
    for part in loc:
        if isinstance(node, dict):
            line = node.get("__lines__", {}).get(part, node.get("__line__", line))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get("__line__", line)
        else:
            break
    return line


def parse_sources(text: str, path: str = "<string>") -> list[Source]:
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise SourcesError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict):
        raise SourcesError(f"{path}:1: expected a mapping with a 'sources' list")
    try:
        return _Registry.model_validate(_strip(raw)).sources
    except ValidationError as exc:
        err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[
            0
        ]  # a typo explains the rest
        loc = tuple(err["loc"])
        line = _line_of(raw, loc)
        field = ".".join(str(p) for p in loc) or "sources"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}"
        sid = ""
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            items = raw.get("sources") or []
            if loc[1] < len(items) and isinstance(items[loc[1]], dict) and items[loc[1]].get("id"):
                sid = f" (source {items[loc[1]]['id']!r})"
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise SourcesError(f"{path}:{line or 1}: {field}{sid}: {msg}{more}") from None


def load_sources(path: str | Path) -> list[Source]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{p}: no such sources file") from None
    return parse_sources(text, str(p))
