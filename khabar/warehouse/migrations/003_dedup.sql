-- Deduplication (issue 5): fingerprints for the near-duplicate index, earlier versions, URL aliases, delays.

-- One row per (release, version) fingerprinted; the in-memory LSH index is rebuilt from here at start-up.
CREATE TABLE IF NOT EXISTS dedup_signatures (
    release_id   VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    cluster_id   VARCHAR NOT NULL,
    content_hash VARCHAR,
    exact_key    BIGINT,                 -- hash of the normalised token stream
    minhash      BLOB,                   -- NUM_PERM little-endian uint32 MinHash values
    guard        BLOB,                   -- sorted little-endian uint64 (context << 32 | value) guard features
    n_shingles   INTEGER,
    matched_to   VARCHAR,                -- release the record was matched to (null: founded its cluster)
    similarity   DOUBLE,                 -- estimated Jaccard with matched_to (1.0 for exact duplicates)
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (release_id, version)
);

-- Earlier versions of a release (same canonical URL, changed text), copied before the row is overwritten.
CREATE TABLE IF NOT EXISTS release_versions (
    release_id        VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    url               VARCHAR,
    title             VARCHAR,
    lead              VARCHAR,
    body              VARCHAR,
    published_at      TIMESTAMPTZ,
    content_hash      VARCHAR,
    cluster_id        VARCHAR,
    fetched_at        TIMESTAMPTZ,
    extractor_version VARCHAR,
    superseded_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (release_id, version)
);

-- Every URL seen for a page (variants, rel=canonical / og:url targets) and the canonical URL it resolves to.
CREATE TABLE IF NOT EXISTS url_aliases (
    alias_url     VARCHAR PRIMARY KEY,
    canonical_url VARCHAR NOT NULL,
    source_id     VARCHAR,
    via           VARCHAR,                -- normalised | rel_canonical | og_url
    first_seen    TIMESTAMPTZ NOT NULL
);

-- For each copy, its delay after the first publication in its cluster.
CREATE OR REPLACE VIEW release_delays AS
SELECT release_id, cluster_id, source_id, published_at, is_canonical,
       min(published_at) OVER (PARTITION BY cluster_id) AS first_published_at,
       epoch(published_at - min(published_at) OVER (PARTITION BY cluster_id)) AS delay_seconds
FROM releases WHERE cluster_id IS NOT NULL;
