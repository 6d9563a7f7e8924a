-- Creates YOUTUBE_VIDEOS: the stream over the topic ytpipe's Kafka sink writes, one record per
-- video per refresh, valued with the JSON of record schema youtube.video.v1.
--
-- Every schema v1 field is declared. VIDEO_ID comes from the message key (the sink keys each
-- record by its video id); ksqlDB refuses a value column with the same name as a key column, so
-- the copy of video_id inside the JSON value is not declared. Counts are BIGINT because view
-- counts pass 2^31. LIKES and COMMENTS are null when the owner hides likes or disables comments,
-- never 0 for "hidden"; every value column in ksqlDB is nullable, so null arrives as null.
--
-- Event time is the record's own FETCHED_AT (when the statistics were read, RFC 3339 UTC with
-- milliseconds, e.g. 2026-12-03T18:44:25.123Z), so windows follow the refreshes rather than the
-- moment Kafka received them. PUBLISHED_AT stays text: the API sends it with or without
-- fractional seconds, which no single TIMESTAMP_FORMAT parses.
--
-- The topic must exist before this runs (the Kafka sink or the platform creates it). The YouTube
-- API terms allow statistics to be kept at most 30 days unless refreshed, so create it with
-- retention.ms=2592000000 (see ksql/README.md).
CREATE STREAM youtube_videos (
  video_id VARCHAR KEY,
  playlist_id VARCHAR,
  title VARCHAR,
  channel_id VARCHAR,
  channel_title VARCHAR,
  published_at VARCHAR,
  views BIGINT,
  likes BIGINT,
  comments BIGINT,
  favorites BIGINT,
  thumbnail VARCHAR,
  fetched_at VARCHAR
) WITH (
  KAFKA_TOPIC = 'youtube_videos',
  KEY_FORMAT = 'KAFKA',
  VALUE_FORMAT = 'JSON',
  TIMESTAMP = 'fetched_at',
  TIMESTAMP_FORMAT = 'yyyy-MM-dd''T''HH:mm:ss.SSSX'
);
