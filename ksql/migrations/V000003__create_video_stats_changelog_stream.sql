-- Creates VIDEO_STATS_CHANGELOG: the topic behind VIDEO_STATS read back as a stream, one row per
-- update of a video's statistics. ksqlDB derives streams only from streams, so turning the
-- table's updates into change events goes through its topic.
--
-- The columns are exactly those VIDEO_STATS writes (its key and projection, same names and types;
-- the test suite holds the two in step). Event time is the FETCHED_AT of the refresh that caused
-- the update, as in YOUTUBE_VIDEOS. This stream only reads youtube_video_stats; nothing writes
-- to it from here.
CREATE STREAM video_stats_changelog (
  video_id VARCHAR KEY,
  playlist_id VARCHAR,
  title VARCHAR,
  channel_id VARCHAR,
  channel_title VARCHAR,
  published_at VARCHAR,
  thumbnail VARCHAR,
  views BIGINT,
  views_previous BIGINT,
  likes BIGINT,
  likes_previous BIGINT,
  comments BIGINT,
  comments_previous BIGINT,
  favorites BIGINT,
  favorites_previous BIGINT,
  fetched_at VARCHAR,
  fetched_at_previous VARCHAR,
  refreshes BIGINT
) WITH (
  KAFKA_TOPIC = 'youtube_video_stats',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  TIMESTAMP = 'fetched_at',
  TIMESTAMP_FORMAT = 'yyyy-MM-dd''T''HH:mm:ss.SSSX'
);
