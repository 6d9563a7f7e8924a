-- Creates VIDEO_STATS: one row per video holding the latest value of each metric and the value
-- it had one refresh earlier, for pull queries ("what does this video stand at now?") and as the
-- changelog the change events of the next migrations are computed from.
--
-- LATEST_BY_OFFSET(col, 2, false) keeps the two newest values by offset, oldest first, nulls
-- included (a hidden like count is a fact to keep, not a value to skip). Index -1 is therefore
-- the latest value and -2 the previous one; on a video's first record the array has one element,
-- index -2 is out of bounds and ksqlDB yields null, so a first sighting has no previous value
-- rather than a misleading 0. REFRESHES counts the records seen for the video.
--
-- A record delivered twice (ytpipe promises at-least-once) shows up as a refresh whose previous
-- values equal its latest ones until the next real refresh; the change events filter those out.
--
-- The table is written to its own topic, youtube_video_stats, never back into youtube_videos.
-- ksqlDB creates a table's topic compacted (one row per video survives) and accepts RETENTION_MS
-- only for windowed tables; a tracked video is refreshed on every cycle, so its row stays fresh.

-- Queries start from the earliest record of their input, so statistics produced before this
-- migration ran are counted too (ksqlDB's default would start at the latest).
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE video_stats WITH (
  KAFKA_TOPIC = 'youtube_video_stats',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON'
) AS SELECT
  video_id,
  LATEST_BY_OFFSET(playlist_id, false) AS playlist_id,
  LATEST_BY_OFFSET(title) AS title,
  LATEST_BY_OFFSET(channel_id) AS channel_id,
  LATEST_BY_OFFSET(channel_title) AS channel_title,
  LATEST_BY_OFFSET(published_at) AS published_at,
  LATEST_BY_OFFSET(thumbnail, false) AS thumbnail,
  LATEST_BY_OFFSET(views, 2, false)[-1] AS views,
  LATEST_BY_OFFSET(views, 2, false)[-2] AS views_previous,
  LATEST_BY_OFFSET(likes, 2, false)[-1] AS likes,
  LATEST_BY_OFFSET(likes, 2, false)[-2] AS likes_previous,
  LATEST_BY_OFFSET(comments, 2, false)[-1] AS comments,
  LATEST_BY_OFFSET(comments, 2, false)[-2] AS comments_previous,
  LATEST_BY_OFFSET(favorites, 2, false)[-1] AS favorites,
  LATEST_BY_OFFSET(favorites, 2, false)[-2] AS favorites_previous,
  LATEST_BY_OFFSET(fetched_at, 2, false)[-1] AS fetched_at,
  LATEST_BY_OFFSET(fetched_at, 2, false)[-2] AS fetched_at_previous,
  COUNT(*) AS refreshes
FROM youtube_videos
GROUP BY video_id
EMIT CHANGES;
