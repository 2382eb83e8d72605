-- Republication (issue 18): containment samples for the near-duplicate index, and why each copy joined its cluster.

-- Sorted little-endian uint32 sampled character-shingle hashes of the prepared lead and body (null: fingerprinted
-- before this migration; rebuilt from `releases` at start-up).
ALTER TABLE dedup_signatures ADD COLUMN IF NOT EXISTS contain BLOB;

-- One row per (release, version) fingerprinted: the signal that put it in its cluster and what the guard found.
CREATE TABLE IF NOT EXISTS dedup_evidence (
    release_id      VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    cluster_id      VARCHAR NOT NULL,
    signal          VARCHAR NOT NULL,   -- founder | same_url | url_alias | exact | minhash | containment
    matched_to      VARCHAR,            -- the release it was matched to (null for a founder)
    jaccard         DOUBLE,             -- estimated Jaccard with matched_to
    containment     DOUBLE,             -- share of this record's sampled shingles found in matched_to
    containment_rev DOUBLE,             -- share of matched_to's sampled shingles found in this record
    guard           VARCHAR,            -- JSON: differing figures, places, dates, persons; shared contexts
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (release_id, version)
);
