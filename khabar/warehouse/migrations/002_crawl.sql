-- Incremental crawl state (issue 3). Written in the same transaction as the pages of a batch, so a URL is never
-- marked seen without its page, and a surface's validators are only saved once its links were all fetched.

CREATE TABLE IF NOT EXISTS crawl_urls (
    key            VARCHAR PRIMARY KEY,     -- khabar.urls.canonical_url of the page
    source_id      VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,        -- as last requested
    etag           VARCHAR,
    last_modified  VARCHAR,
    published      TIMESTAMPTZ,             -- from the feed/sitemap/listing that linked it
    first_seen     TIMESTAMPTZ,
    last_fetched   TIMESTAMPTZ,
    last_status    INTEGER,
    ok             BOOLEAN NOT NULL,        -- fetched successfully at least once (a "seen" URL)
    fail_count     INTEGER NOT NULL DEFAULT 0,
    last_error     VARCHAR
);
CREATE INDEX IF NOT EXISTS crawl_urls_source ON crawl_urls (source_id);

CREATE TABLE IF NOT EXISTS crawl_surfaces (
    url            VARCHAR PRIMARY KEY,     -- a feed, sitemap or listing page
    source_id      VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,        -- home | feed | sitemap | listing | robots
    etag           VARCHAR,
    last_modified  VARCHAR,
    last_fetched   TIMESTAMPTZ,
    children       JSON                     -- sitemap index: [[loc, lastmod], …] (needed when it answers 304)
);

CREATE TABLE IF NOT EXISTS crawl_sources (
    source_id      VARCHAR PRIMARY KEY,
    watermark      TIMESTAMPTZ,             -- newest publication seen by incremental runs (backfills never move it)
    surfaces       JSON,                    -- discovered feeds, sitemaps and archive listing
    updated_at     TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS crawl_backfills (
    source_id      VARCHAR NOT NULL,
    start_day      DATE NOT NULL,
    end_day        DATE NOT NULL,
    completed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source_id, start_day, end_day)
);
