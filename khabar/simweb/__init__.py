"""The simulated agency web: a seeded, deterministic world of Iranian agency and news-agency sites on loopback.

Design decisions (issue 2):

- **Hosts are virtual hosts** under the reserved ``.test`` TLD: agency sites ``{province.slug}.{host_label}.test``
  (about 40 % also answer on ``www.``), news agencies per ``directory.NEWS_AGENCIES``, plus the control host
  ``control.simweb.test``. ONE socket on 127.0.0.1 dispatches on ``Host``. ``transport.SimWebTransport`` /
  ``SimWebSyncTransport`` (httpx) send any request for a known host (http or https, www or not) to that socket and
  raise ``httpx.ConnectError`` for any other host, so nothing leaves the machine. Humans:
  ``curl --connect-to ::127.0.0.1:8765 http://kerman.behzisti.test/``.
- **World** (``config.SimWebConfig``): seed 42, 16 agency sites over 8 provinces + 4 news agencies, 2019-03-21
  (1398-01-01) to today 2024-03-19 (1402-12-29); ~2.25 releases/day per agency site (0.6–1.4 × per site, fewer on
  Thu/Fri); 35 % of releases republished on 1–3 news agencies 5 min–30 h later; 12 % templated hard negatives;
  5 % edited 1–5 days later (same URL, version 2); portal items before 1399 in Arabic ي/ك; two ASP.NET sites serve
  pages before 1400 in windows-1256. News agencies carry republications only.
- **Catalog** (``catalog.py``): per-site daily counts from a hash, a cumulative-count array per site, news codes
  ``base + ordinal × step + jitter`` (monotonic in time, invertible). Text comes from ``content.py`` on demand and
  is cached in a bounded LRU; no page is ever materialised.
- **Templates**: ``tpl_newsagency`` (ru-titr, lead, «کد خبر», JSON-LD NewsArticle, og:/article: meta,
  «انتهای پیام»), ``tpl_portal`` (numeric Jalali byline in the site's digits, breadcrumbs, sidebars, no JSON-LD),
  ``tpl_aspnet`` (tables, __VIEWSTATE, «۲ تیر ۱۳۹۹ - ۱۲:۰۹:۰۸ ب.ظ», id in a hidden field, windows-1256).
- **Surfaces** (``surfaces.py``): RSS 2.0 (newsagency, aspnet) or Atom (portal) with the latest 30 items; sitemap
  index → monthly sitemaps (gzipped on news-agency CMSs, ``news:publication_date`` on portals) and a rolling
  two-day news sitemap; paginated archives newest first; robots.txt pointing at the sitemap index; home pages
  linking the feed via ``<link rel="alternate">`` and the archive. Links vary: relative/absolute, http/https,
  www/non-www, ``utm_*``, the family's second URL shape; every variant serves the canonical article.
- **Clock**: the world has a current day; nothing published after its end (Asia/Tehran) is visible anywhere and
  edits show from their day on. ``SimWebServer.set_today(d)`` or
  ``POST http://control.simweb.test/clock?today=YYYY-MM-DD`` (Jalali accepted). It can also run live (issue 22):
  ``set_live(start, speed)``, ``POST …/clock?now=ISO8601&speed=60`` or ``khabar simweb serve --speed 60``; then
  an item is visible (in listings, feeds, sitemaps, by URL) once its publication instant ≤ start + speed × real
  seconds elapsed, edits once their instant comes, and ``truth.iter_published`` lists the instants of a span.
  ``SimWebConfig.with_live_rates()`` (``--live-rates``) adds bursts and a log-normal spread of per-site rates.
- **Server** (``server.py``): minimal asyncio HTTP/1.1 (keep-alive, gzip, ETag/Last-Modified → 304), foreground
  or background thread, request log in memory (``srv.request_log``) and optionally JSON Lines.
- **Faults** (``faults.py``, ``config.FaultConfig``; off by default, ``FAULTS_PRESET`` for ``--faults``): 5xx,
  429 + Retry-After, timeouts, slow drip, resets, truncated bodies, redirect chains — drawn per
  (seed, URL, attempt) so retries can succeed and runs replay; structural: one robots.txt disallowing
  ``/fa/video/`` and ``/print/``, video / app-promo pages in listings, an oversized page.
- **Portals** (``config.PortalConfig``, off by default; ``--portals``): WebForms portals whose archive only
  postbacks reach (``webforms_site.py``), sites that challenge first visits or every visit (``challenge.py``).
- **Truth** (``truth.py``): ``iter_truth(config, start, end)`` and ``truth_for_url(config, url)`` compute
  ``PageTruth`` from the catalog and content functions (never from HTML); ``khabar simweb export-truth``.
"""
