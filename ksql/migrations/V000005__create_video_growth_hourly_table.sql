-- Creates VIDEO_GROWTH_HOURLY: views, likes and comments each video gained over the last hour,
-- recomputed every 5 minutes (a hopping window of 1 hour advancing by 5 minutes), for trend
-- lines and "what is taking off right now" questions.
--
-- Gained = the latest value in the window minus the earliest one, by offset. Nulls are skipped
-- (the default of both functions), so a like count hidden for part of the hour counts over the
-- refreshes that showed it, and one hidden all hour gives null rather than 0. A gain can be
-- negative: YouTube removes invalid views and likes. A window holding a single refresh gains 0.
-- Windows follow FETCHED_AT, the event time of YOUTUBE_VIDEOS; a refresh arriving up to 10
-- minutes late still lands in its windows.
--
-- ksqlDB keeps 2 days of windows for pull queries (RETENTION); the topic youtube_video_growth_1h
-- keeps 30 days, matching the YouTube API terms for statistics (ksqlDB creates the topic with
-- the larger of the two).

-- Queries start from the earliest record of their input, so statistics produced before this
-- migration ran are counted too (ksqlDB's default would start at the latest).
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE video_growth_hourly WITH (
  KAFKA_TOPIC = 'youtube_video_growth_1h',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  RETENTION_MS = 2592000000
) AS SELECT
  video_id,
  LATEST_BY_OFFSET(playlist_id, false) AS playlist_id,
  LATEST_BY_OFFSET(title) AS title,
  TIMESTAMPTOSTRING(WINDOWSTART, 'yyyy-MM-dd''T''HH:mm:ss.SSSX', 'UTC') AS window_start,
  TIMESTAMPTOSTRING(WINDOWEND, 'yyyy-MM-dd''T''HH:mm:ss.SSSX', 'UTC') AS window_end,
  LATEST_BY_OFFSET(views) - EARLIEST_BY_OFFSET(views) AS views_gained,
  LATEST_BY_OFFSET(likes) - EARLIEST_BY_OFFSET(likes) AS likes_gained,
  LATEST_BY_OFFSET(comments) - EARLIEST_BY_OFFSET(comments) AS comments_gained,
  LATEST_BY_OFFSET(views) AS views,
  COUNT(*) AS refreshes
FROM youtube_videos
WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 5 MINUTES, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES)
GROUP BY video_id
EMIT CHANGES;
