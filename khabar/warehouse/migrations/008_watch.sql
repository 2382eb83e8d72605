-- Issue 22: the watch mode's schedule, one row per source and discovery surface. Saved at the end of every cycle
-- in one transaction, so a watch stopped (or killed) resumes from the schedule it last committed.
CREATE TABLE IF NOT EXISTS watch_surfaces (
    source_id             VARCHAR NOT NULL,
    url                   VARCHAR NOT NULL,        -- the surface: home page, feed, sitemap or archive listing
    kind                  VARCHAR NOT NULL,        -- home | feed | sitemap | archive
    role                  VARCHAR NOT NULL,        -- primary | secondary (khabar.crawl.schedule.SurfaceRole)
    last_check            TIMESTAMPTZ,             -- the watch clock's instant of the last check (NULL: never)
    last_outcome          VARCHAR,                 -- new | nothing | failed
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    next_check            TIMESTAMPTZ NOT NULL,
    interval_s            DOUBLE NOT NULL,         -- the planned interval from last_check
    reason                VARCHAR NOT NULL,        -- the schedule rule that set it (learnt, burst, backoff, …)
    updated_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source_id, url)
);
