-- Reporting views (issue 6). All named report_*; each counts releases, not copies, unless it says otherwise.
-- A "release" is a cluster: the canonical row stands for it (is_canonical), copies are the other rows.

-- Releases per agency and province per Jalali month (YYYY-MM), with how many copies the sites published.
CREATE OR REPLACE VIEW report_releases_monthly AS
SELECT
    substr(published_jalali, 1, 7)                   AS jalali_month,
    agency,
    province,
    count(*) FILTER (WHERE is_canonical)             AS releases,
    count(*)                                         AS pages,
    count(DISTINCT source_id)                        AS sites
FROM releases
WHERE is_article AND published_jalali IS NOT NULL
GROUP BY ALL;

-- The same per Jalali day, with the Gregorian day beside it (Asia/Tehran).
CREATE OR REPLACE VIEW report_releases_daily AS
SELECT
    published_jalali                                             AS jalali_day,
    CAST(timezone('Asia/Tehran', min(published_at)) AS DATE)     AS gregorian_day,
    agency,
    province,
    count(*) FILTER (WHERE is_canonical)                         AS releases,
    count(*)                                                     AS pages
FROM releases
WHERE is_article AND published_jalali IS NOT NULL
GROUP BY published_jalali, agency, province;

-- Persons and roles over time: one row per (name, role, Jalali month), counted over canonical releases.
CREATE OR REPLACE VIEW report_persons AS
SELECT
    p.name,
    p.role,
    substr(r.published_jalali, 1, 7)                 AS jalali_month,
    r.agency,
    r.province,
    count(DISTINCT r.cluster_id)                     AS releases,
    min(r.published_at)                              AS first_seen,
    max(r.published_at)                              AS last_seen
FROM persons p JOIN releases r USING (release_id)
WHERE r.is_canonical
GROUP BY ALL;

-- Quantities by unit family: money (rial), people, programmes/projects, percentages, everything else by its unit.
CREATE OR REPLACE VIEW report_quantities AS
SELECT
    CASE
        WHEN q.unit IN ('ریال', 'تومان') THEN 'money'
        WHEN q.unit IN ('نفر', 'خانوار', 'خانواده', 'نفر-روز', 'دانش‌آموز', 'بیمار', 'مددجو') THEN 'people'
        WHEN q.unit IN ('طرح', 'پروژه', 'برنامه') THEN 'programmes'
        WHEN q.unit = 'درصد' THEN 'percent'
        ELSE 'other'
    END                                              AS unit_family,
    q.unit,
    substr(r.published_jalali, 1, 7)                 AS jalali_month,
    r.agency,
    r.province,
    count(*)                                         AS mentions,
    sum(q.value)                                     AS total_value,
    max(q.value)                                     AS max_value
FROM quantities q JOIN releases r USING (release_id)
WHERE r.is_canonical
GROUP BY ALL;

-- Every copy with its delay after the first publication of its release.
CREATE OR REPLACE VIEW report_copies AS
SELECT
    cluster_id,
    release_id,
    source_id,
    url,
    title,
    agency,
    province,
    published_at,
    is_canonical,
    published_at - min(published_at) OVER (PARTITION BY cluster_id)                   AS delay,
    epoch(published_at) - epoch(min(published_at) OVER (PARTITION BY cluster_id))     AS delay_seconds
FROM releases
WHERE is_article AND cluster_id IS NOT NULL;

-- One row per release (cluster): how many sites republished it and how fast.
CREATE OR REPLACE VIEW report_clusters AS
SELECT
    cluster_id,
    any_value(title) FILTER (WHERE is_canonical)      AS title,
    any_value(source_id) FILTER (WHERE is_canonical)  AS canonical_source,
    any_value(agency) FILTER (WHERE is_canonical)     AS agency,
    any_value(province) FILTER (WHERE is_canonical)   AS province,
    count(*)                                          AS copies,
    count(DISTINCT source_id)                         AS sites,
    min(published_at)                                 AS first_published,
    max(published_at)                                 AS last_published,
    median(delay_seconds) FILTER (WHERE NOT is_canonical) / 3600.0 AS median_copy_delay_hours,
    max(delay_seconds) / 3600.0                       AS max_delay_hours
FROM report_copies
GROUP BY cluster_id;

-- Source health from the request log: last success, error rate, latency.
CREATE OR REPLACE VIEW report_source_health AS
SELECT
    source_id,
    any_value(host)                                                        AS host,
    count(*)                                                               AS requests,
    count(*) FILTER (WHERE status IN (200, 304))                           AS ok,
    count(*) FILTER (WHERE error_class IS NOT NULL)                        AS errors,
    round(count(*) FILTER (WHERE error_class IS NOT NULL) / count(*), 4)   AS error_rate,
    max(started_at) FILTER (WHERE status IN (200, 304))                    AS last_success,
    max(started_at) FILTER (WHERE error_class IS NOT NULL)                 AS last_error,
    arg_max(error_class, started_at) FILTER (WHERE error_class IS NOT NULL) AS last_error_class,
    round(median(milliseconds), 1)                                         AS median_ms,
    round(quantile_cont(milliseconds, 0.95), 1)                            AS p95_ms
FROM fetch_log
GROUP BY source_id;

-- Recent runs, newest first, with their duration.
CREATE OR REPLACE VIEW report_runs AS
SELECT
    run_id, flow, status, started_at, finished_at,
    epoch(finished_at) - epoch(started_at) AS seconds,
    params, stats
FROM runs
ORDER BY started_at DESC;
