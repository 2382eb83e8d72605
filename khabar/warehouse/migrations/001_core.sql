-- Core tables of GUIDE §1.2. Later migrations add columns and tables; this file never changes once released.

CREATE TABLE IF NOT EXISTS runs (
    run_id       VARCHAR PRIMARY KEY,
    flow         VARCHAR NOT NULL,          -- daily_ingest | backfill | reprocess | import | demo
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,          -- running | completed | failed | crashed
    params       JSON,
    stats        JSON
);

-- Raw archive: one row per distinct (url, body) so extraction can be re-run without the network.
CREATE TABLE IF NOT EXISTS pages (
    page_id         VARCHAR PRIMARY KEY,    -- sha256(url \0 body sha256), first 32 hex digits
    url             VARCHAR NOT NULL,
    final_url       VARCHAR,
    source_id       VARCHAR,
    status          INTEGER,
    headers         JSON,
    body_zlib       BLOB,                   -- zlib-compressed body bytes, in the page's own charset
    body_sha256     VARCHAR NOT NULL,
    size_bytes      BIGINT,
    encoding        VARCHAR,
    fetched_at      TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR,
    discovered_via  VARCHAR,
    published_hint  TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS pages_url ON pages (url);

-- One row per HTTP request (attempt), successful or not.
CREATE TABLE IF NOT EXISTS fetch_log (
    run_id        VARCHAR,
    source_id     VARCHAR,
    url           VARCHAR NOT NULL,
    host          VARCHAR NOT NULL,
    status        INTEGER,
    bytes         BIGINT,
    milliseconds  DOUBLE,
    error_class   VARCHAR,
    attempt       INTEGER,
    started_at    TIMESTAMPTZ NOT NULL,
    extra         JSON
);

-- One row per (url, current version) — GUIDE §1.1 keys plus identity, clustering and provenance.
CREATE TABLE IF NOT EXISTS releases (
    release_id         VARCHAR PRIMARY KEY,  -- stable per canonical URL
    url                VARCHAR NOT NULL,
    canonical_url      VARCHAR NOT NULL,
    source_id          VARCHAR,
    page_id            VARCHAR,
    is_article         BOOLEAN NOT NULL,
    title              VARCHAR,
    lead               VARCHAR,
    body               VARCHAR,
    published_at       TIMESTAMPTZ,
    published_jalali   VARCHAR,
    news_code          VARCHAR,
    attribution        VARCHAR,
    agency             VARCHAR,
    province           VARCHAR,
    event_type         VARCHAR,
    keywords           VARCHAR[],
    language           VARCHAR,
    search_text        VARCHAR,              -- normalised text with Latin digits, for full-text search
    cluster_id         VARCHAR,
    is_canonical       BOOLEAN,
    content_hash       VARCHAR,
    version            INTEGER NOT NULL DEFAULT 1,
    fetched_at         TIMESTAMPTZ,
    extractor_version  VARCHAR,
    errors             VARCHAR[]
);

CREATE TABLE IF NOT EXISTS persons (
    release_id  VARCHAR NOT NULL,
    ordinal     INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    role        VARCHAR
);

CREATE TABLE IF NOT EXISTS quantities (
    release_id  VARCHAR NOT NULL,
    ordinal     INTEGER NOT NULL,
    value       DOUBLE,
    unit        VARCHAR,
    text        VARCHAR
);
