-- Creates PLAYLIST_GROWTH_HOURLY: per playlist, the views its videos gained over the last hour
-- (hopping 1 hour / 5 minutes), how many of its videos moved, and the largest single jump between
-- two refreshes: which playlists are trending now.
--
-- It sums the view deltas of VIDEO_CHANGES, so redelivered records (no change) add nothing and
-- a video's first sighting (no previous value) is not mistaken for growth. A delta covers the
-- time since the video's previous refresh, which can start just before the window.
--
-- Topic youtube_playlist_growth_1h, kept 30 days to match the YouTube API terms.

-- Queries start from the earliest record of their input, so statistics produced before this
-- migration ran are counted too (ksqlDB's default would start at the latest).
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE playlist_growth_hourly WITH (
  KAFKA_TOPIC = 'youtube_playlist_growth_1h',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  RETENTION_MS = 2592000000
) AS SELECT
  playlist_id,
  TIMESTAMPTOSTRING(WINDOWSTART, 'yyyy-MM-dd''T''HH:mm:ss.SSSX', 'UTC') AS window_start,
  TIMESTAMPTOSTRING(WINDOWEND, 'yyyy-MM-dd''T''HH:mm:ss.SSSX', 'UTC') AS window_end,
  SUM(delta) AS views_gained,
  COUNT_DISTINCT(video_id) AS videos_moving,
  MAX(delta) AS largest_jump
FROM video_changes
WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 5 MINUTES, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES)
WHERE metric = 'views'
GROUP BY playlist_id
EMIT CHANGES;
