-- Issue 17: the source registry lives in the warehouse, so every path (ingest, backfill, import, reprocess) chooses
-- canonical copies by the same rule. Rows are upserted from the sources file (config/sources.yaml) on each run;
-- a source no longer in the file keeps its row (its releases still need a kind).
CREATE TABLE IF NOT EXISTS sources (
    source_id   VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,          -- 'agency' | 'news_agency'
    agency      VARCHAR,                   -- the organisation («سازمان بهزیستی»), as written in the sources file
    province    VARCHAR,                   -- the agency's province, when it has one
    url         VARCHAR,                   -- the site's entry point
    updated_at  TIMESTAMP NOT NULL          -- when a run last wrote this row from a sources file
);
