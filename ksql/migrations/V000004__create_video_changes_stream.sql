-- Creates VIDEO_CHANGES: one event each time a metric of a video moves between two refreshes,
-- saying which metric, from what, to what and by how much, plus a ready-made one-line MESSAGE.
-- It is shaped for an alerting consumer such as Kafka Connect's HTTP sink feeding a chat bot:
-- keyed by video id, flat JSON, one metric per event.
--
-- Each metric gets its own statement writing into the one stream: the CREATE for views, then an
-- INSERT INTO for likes, comments and favorites. Rows with REFRESHES = 1 are a video's first
-- sighting, which has nothing to compare with. IS DISTINCT FROM treats null as a value, so a like
-- count that becomes hidden (or visible again) is an event, with DELTA null; a refresh that
-- repeats the previous values (a redelivered record, or a quiet video) is none.
--
-- Topic youtube_video_changes, kept 30 days to match the YouTube API terms for statistics.

-- Queries start from the earliest record of their input, so statistics produced before this
-- migration ran are counted too (ksqlDB's default would start at the latest).
SET 'auto.offset.reset' = 'earliest';

CREATE STREAM video_changes WITH (
  KAFKA_TOPIC = 'youtube_video_changes',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  RETENTION_MS = 2592000000
) AS SELECT
  video_id,
  playlist_id,
  title,
  'views' AS metric,
  views_previous AS previous_value,
  views AS current_value,
  views - views_previous AS delta,
  fetched_at_previous AS previous_fetched_at,
  fetched_at,
  title + ': views '
    + CASE WHEN views_previous IS NULL THEN 'unknown' ELSE CAST(views_previous AS VARCHAR) END
    + ' -> ' + CASE WHEN views IS NULL THEN 'unknown' ELSE CAST(views AS VARCHAR) END
    + CASE WHEN views IS NULL OR views_previous IS NULL THEN ''
        WHEN views >= views_previous THEN ' (+' + CAST(views - views_previous AS VARCHAR) + ')'
        ELSE ' (' + CAST(views - views_previous AS VARCHAR) + ')' END AS message
FROM video_stats_changelog
WHERE refreshes > 1 AND views IS DISTINCT FROM views_previous
EMIT CHANGES;

INSERT INTO video_changes SELECT
  video_id,
  playlist_id,
  title,
  'likes' AS metric,
  likes_previous AS previous_value,
  likes AS current_value,
  likes - likes_previous AS delta,
  fetched_at_previous AS previous_fetched_at,
  fetched_at,
  title + ': likes '
    + CASE WHEN likes_previous IS NULL THEN 'hidden' ELSE CAST(likes_previous AS VARCHAR) END
    + ' -> ' + CASE WHEN likes IS NULL THEN 'hidden' ELSE CAST(likes AS VARCHAR) END
    + CASE WHEN likes IS NULL OR likes_previous IS NULL THEN ''
        WHEN likes >= likes_previous THEN ' (+' + CAST(likes - likes_previous AS VARCHAR) + ')'
        ELSE ' (' + CAST(likes - likes_previous AS VARCHAR) + ')' END AS message
FROM video_stats_changelog
WHERE refreshes > 1 AND likes IS DISTINCT FROM likes_previous
EMIT CHANGES;

INSERT INTO video_changes SELECT
  video_id,
  playlist_id,
  title,
  'comments' AS metric,
  comments_previous AS previous_value,
  comments AS current_value,
  comments - comments_previous AS delta,
  fetched_at_previous AS previous_fetched_at,
  fetched_at,
  title + ': comments '
    + CASE WHEN comments_previous IS NULL THEN 'disabled' ELSE CAST(comments_previous AS VARCHAR) END
    + ' -> ' + CASE WHEN comments IS NULL THEN 'disabled' ELSE CAST(comments AS VARCHAR) END
    + CASE WHEN comments IS NULL OR comments_previous IS NULL THEN ''
        WHEN comments >= comments_previous THEN ' (+' + CAST(comments - comments_previous AS VARCHAR) + ')'
        ELSE ' (' + CAST(comments - comments_previous AS VARCHAR) + ')' END AS message
FROM video_stats_changelog
WHERE refreshes > 1 AND comments IS DISTINCT FROM comments_previous
EMIT CHANGES;

INSERT INTO video_changes SELECT
  video_id,
  playlist_id,
  title,
  'favorites' AS metric,
  favorites_previous AS previous_value,
  favorites AS current_value,
  favorites - favorites_previous AS delta,
  fetched_at_previous AS previous_fetched_at,
  fetched_at,
  title + ': favorites '
    + CASE WHEN favorites_previous IS NULL THEN 'unknown' ELSE CAST(favorites_previous AS VARCHAR) END
    + ' -> ' + CASE WHEN favorites IS NULL THEN 'unknown' ELSE CAST(favorites AS VARCHAR) END
    + CASE WHEN favorites IS NULL OR favorites_previous IS NULL THEN ''
        WHEN favorites >= favorites_previous THEN ' (+' + CAST(favorites - favorites_previous AS VARCHAR) + ')'
        ELSE ' (' + CAST(favorites - favorites_previous AS VARCHAR) + ')' END AS message
FROM video_stats_changelog
WHERE refreshes > 1 AND favorites IS DISTINCT FROM favorites_previous
EMIT CHANGES;
