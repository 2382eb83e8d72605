"""The sites of the simulated web: which agencies in which provinces, on which hosts, with which CMS.

Agency hosts are ``{province.slug}.{agency_type.host_label}.test`` (the reserved ``.test`` TLD never resolves on
the internet), some also answering on ``www.``; news agencies use the hosts in ``directory.NEWS_AGENCIES``. A
``SiteProfile`` carries what the renderer needs beyond the contract's ``SiteSpec`` (aliases, scheme, charset,
news-code numbering), so ``model.py`` stays unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from statistics import NormalDist

from khabar.simweb.config import SimWebConfig
from khabar.simweb.content import site_text_style
from khabar.simweb.directory import AGENCY_TYPES, NEWS_AGENCIES, PROVINCES
from khabar.simweb.model import SiteSpec, TemplateFamily

CONTROL_HOST = "control.simweb.test"
_NORMAL = NormalDist()


def h64(*parts: object) -> int:
    """Stable 64-bit hash of ``parts`` (``hash()`` is salted per process)."""
    key = "|".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """Stable uniform number in [0, 1) from ``parts``."""
    return h64(*parts) / 2**64


@dataclass(frozen=True)
class SiteProfile:
    """A site plus how it is served: the contract's ``SiteSpec`` and the renderer's extras."""

    index: int
    spec: SiteSpec
    aliases: tuple[str, ...]  # other host names serving the same site (www / non-www)
    scheme: str  # scheme of canonical URLs ("https", or "http" for old ASP.NET sites)
    cp1256: bool  # serves its older pages in windows-1256
    code_base: int  # news code of the site's first item
    code_step: int  # codes advance by 1..code_step per item (CMS ids are shared with other content)
    script: str  # digit script of dates and codes in the page chrome
    tabid: int  # ASP.NET DotNetNuke-style tab of the news module

    @property
    def site_id(self) -> str:
        return self.spec.site_id

    @property
    def host(self) -> str:
        return self.spec.host

    @property
    def template(self) -> str:
        """The CMS platform: URL shapes, feeds and sitemaps ("newsagency", "portal" or "aspnet")."""
        return platform_of(self.spec.template)

    @property
    def family(self) -> TemplateFamily:
        """The page template family the site's HTML is drawn with (``spec.template``, the truth's ``template``)."""
        return self.spec.template

    @property
    def hosts(self) -> tuple[str, ...]:
        return (self.spec.host, *self.aliases)

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.spec.host}"


# Page families drawn on each platform's URLs, feeds and sitemaps; the first of each is the platform's own.
FAMILIES: dict[str, tuple[TemplateFamily, ...]] = {  # platform -> its families, its own first
    "newsagency": ("newsagency", "nastooh"),
    "portal": ("portal", "provportal", "wordpress"),
    "aspnet": ("aspnet", "webforms"),
}
_PLATFORM: dict[str, str] = {f: p for p, fams in FAMILIES.items() for f in fams}


def platform_of(family: str) -> str:
    return _PLATFORM.get(family, family)


def _family(config: SimWebConfig, platform: str, counters: dict[str, int]) -> TemplateFamily:
    """Round-robin over the platform's families the config enables, so every family has sites in any world
    with a few sites per platform (deterministic: by site order, not by hash)."""
    fams = [f for f in FAMILIES[platform] if f in config.families] or [FAMILIES[platform][0]]
    k = counters.get(platform, 0)
    counters[platform] = k + 1
    return fams[k % len(fams)]


def _www_alias(host: str) -> str:
    return host[4:] if host.startswith("www.") else f"www.{host}"


@functools.lru_cache(maxsize=32)
def build_sites(config: SimWebConfig) -> tuple[SiteProfile, ...]:
    """Agency sites first (in a seeded province order), then the news agencies."""
    seed = config.seed
    n_prov = max(config.n_provinces, math.ceil(config.n_agency_sites / len(AGENCY_TYPES)))
    n_prov = min(n_prov, len(PROVINCES))
    if config.n_agency_sites > n_prov * len(AGENCY_TYPES):
        raise ValueError(f"at most {n_prov * len(AGENCY_TYPES)} agency sites")
    provinces = sorted(PROVINCES, key=lambda p: (p.slug != "kerman", h64(seed, "province", p.slug)))[:n_prov]
    out: list[SiteProfile] = []
    cp_left = config.n_cp1256_sites
    counters: dict[str, int] = {}
    for k in range(config.n_agency_sites):
        pi = k % n_prov
        prov = provinces[pi]
        at = AGENCY_TYPES[(k // n_prov + 3 * pi) % len(AGENCY_TYPES)]
        host = f"{prov.slug}.{at.host_label}.test"
        site_id = f"{prov.slug}-{at.host_label}"
        hs = h64(seed, "site", site_id)
        template = at.template
        if hs % 9 == 0:
            template = "newsagency"  # some universities and municipalities run a news-agency CMS
        unit_name = at.unit.replace("{province}", prov.name).replace("{capital}", prov.capital)
        attribution = at.attribution.replace("{province}", prov.name).replace("{capital}", prov.capital)
        name = ("پایگاه اطلاع‌رسانی " if template == "portal" else "") + unit_name
        # Live rates: log-normal around the configured mean (median below it, a long busy tail).
        if config.rate_spread > 0:
            z = _NORMAL.inv_cdf(min(max(unit(seed, "rate", site_id), 1e-9), 1 - 1e-9))
            sigma = config.rate_spread
            rate = config.releases_per_day * math.exp(sigma * z - sigma * sigma / 2)
        else:
            rate = config.releases_per_day * (0.6 + 0.8 * unit(seed, "rate", site_id))
        digits = {"newsagency": 6, "portal": 5, "aspnet": 4}[template]
        family = _family(config, template, counters)
        spec = SiteSpec(
            site_id=site_id,
            host=host,
            kind="agency",
            template=family,
            name=name,
            agency=at.agency,
            agency_unit=unit_name,
            province=prov.name,
            attribution=attribution,
            releases_per_day=round(rate, 3),
            news_code_digits=digits,
        )
        cp1256 = template == "aspnet" and cp_left > 0
        if cp1256:
            cp_left -= 1
        www = unit(seed, "www", site_id) < config.www_share
        out.append(_profile(config, len(out), spec, (_www_alias(host),) if www else (), cp1256))
    for na in NEWS_AGENCIES[: config.n_news_sites]:
        spec = SiteSpec(
            site_id=na.key,
            host=na.host,
            kind="news",
            template=_family(config, "newsagency", counters),
            name=na.name,
            agency=na.name,
            agency_unit=None,
            province=None,
            attribution=na.name,
            releases_per_day=0.0,
            news_code_digits=7,
        )
        out.append(_profile(config, len(out), spec, (_www_alias(na.host),), False))
    extra = config.n_news_sites - len(NEWS_AGENCIES)
    for j in range(max(0, extra)):  # benchmark worlds: more (numbered) regional news sites
        key = f"khabar-{j + 1:02d}"
        host = f"www.khabarnameh{j + 1:02d}.test"
        name = f"پایگاه خبری خبرنامه {j + 1}"
        spec = SiteSpec(
            site_id=key,
            host=host,
            kind="news",
            template=_family(config, "newsagency", counters),
            name=name,
            agency=name,
            agency_unit=None,
            province=None,
            attribution=name,
            releases_per_day=0.0,
            news_code_digits=7,
        )
        out.append(_profile(config, len(out), spec, (_www_alias(host),), False))
    return tuple(out)


def _profile(
    config: SimWebConfig, index: int, spec: SiteSpec, aliases: tuple[str, ...], cp1256: bool
) -> SiteProfile:
    hs = h64(config.seed, "profile", spec.site_id)
    digits = spec.news_code_digits
    lo = 10 ** (digits - 1)
    base = lo + hs % (lo * 2)
    step = 1 + (hs >> 20) % (5 if digits >= 6 else 2)
    script = site_text_style(config.seed, spec.site_id)[0]
    platform = platform_of(spec.template)
    if platform == "newsagency":
        script = "persian"
    return SiteProfile(
        index=index,
        spec=spec,
        aliases=aliases,
        scheme="http" if platform == "aspnet" else "https",
        cp1256=cp1256,
        code_base=base,
        code_step=step,
        script=script,
        tabid=50 + (hs >> 40) % 400,
    )


def sites_by_host(config: SimWebConfig) -> dict[str, SiteProfile]:
    return _by_host(config)


@functools.lru_cache(maxsize=32)
def _by_host(config: SimWebConfig) -> dict[str, SiteProfile]:
    out: dict[str, SiteProfile] = {}
    for s in build_sites(config):
        for h in s.hosts:
            out[h] = s
    return out


def all_hosts(config: SimWebConfig) -> tuple[str, ...]:
    """Every host name the server answers (canonical, aliases, the control host)."""
    return (*sites_by_host(config), CONTROL_HOST)
