-- Creates PLAYLIST_TOTALS: per tracked playlist, how many videos ytpipe sees in it and their
-- summed latest views, likes and comments ("how big is this playlist now?").
--
-- It aggregates the table VIDEO_STATS, so when a video's numbers change its old contribution is
-- taken out and the new one put in: the sums always reflect each video's latest refresh, never a
-- video counted twice. Videos tracked directly by id have no playlist (PLAYLIST_ID null) and are
-- left out, as ksqlDB drops rows whose grouping key is null. Hidden like counts and disabled
-- comments add nothing to the sums.
--
-- Topic youtube_playlist_totals (a table topic: compacted, one row per playlist).

-- Queries start from the earliest record of their input, so statistics produced before this
-- migration ran are counted too (ksqlDB's default would start at the latest).
SET 'auto.offset.reset' = 'earliest';

CREATE TABLE playlist_totals WITH (
  KAFKA_TOPIC = 'youtube_playlist_totals',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON'
) AS SELECT
  playlist_id,
  COUNT(*) AS videos,
  SUM(views) AS views,
  SUM(likes) AS likes,
  SUM(comments) AS comments
FROM video_stats
GROUP BY playlist_id
EMIT CHANGES;
