#include "record_encoding.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace ytpipe::youtube {
namespace {

Poco::JSON::Object::Ptr decode(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

VideoStats sample() {
  VideoStats video;
  video.id = "dQw4w9WgXcQ";
  video.title = "Ünïcode \"quoted\" title";
  video.channel_id = "UCuAXFkgsw1L7xaCfnd5JJOw";
  video.channel_title = "Rick Astley";
  video.published_at = "2009-10-25T06:57:33.000000Z";
  video.views = 5'000'000'000;
  video.likes = 18;
  video.comments = 0;
  video.favorites = 0;
  video.thumbnail = "https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg";
  return video;
}

TEST(RecordEncoding, WritesEverySchemaV1FieldWithItsType) {
  const auto record = decode(encode_video_record(sample(), "PLabc", 1'764'000'000'123));
  EXPECT_EQ(record->size(), 12u);
  EXPECT_EQ(record->getValue<std::string>("video_id"), "dQw4w9WgXcQ");
  EXPECT_EQ(record->getValue<std::string>("playlist_id"), "PLabc");
  EXPECT_EQ(record->getValue<std::string>("title"), "Ünïcode \"quoted\" title");
  EXPECT_EQ(record->getValue<std::string>("channel_id"), "UCuAXFkgsw1L7xaCfnd5JJOw");
  EXPECT_EQ(record->getValue<std::string>("channel_title"), "Rick Astley");
  EXPECT_EQ(record->getValue<std::string>("published_at"), "2009-10-25T06:57:33.000000Z");
  EXPECT_TRUE(record->get("views").isInteger());
  EXPECT_EQ(record->getValue<std::uint64_t>("views"), 5'000'000'000u);
  EXPECT_EQ(record->getValue<std::int64_t>("likes"), 18);
  EXPECT_EQ(record->getValue<std::int64_t>("comments"), 0);
  EXPECT_EQ(record->getValue<std::int64_t>("favorites"), 0);
  EXPECT_EQ(record->getValue<std::string>("thumbnail"),
            "https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg");
  EXPECT_EQ(record->getValue<std::string>("fetched_at"), "2025-11-24T16:00:00.123Z");
}

TEST(RecordEncoding, AbsentValuesBecomeNullNeverZero) {
  VideoStats video = sample();
  video.likes.reset();
  video.comments.reset();
  video.thumbnail.reset();
  const std::string text = encode_video_record(video, std::nullopt, 0);
  const auto record = decode(text);
  EXPECT_TRUE(record->isNull("likes"));
  EXPECT_TRUE(record->isNull("comments"));
  EXPECT_TRUE(record->isNull("thumbnail"));
  EXPECT_TRUE(record->isNull("playlist_id"));
  EXPECT_NE(text.find("\"likes\":null"), std::string::npos) << text;
}

TEST(RecordEncoding, FetchedAtIsUtcWithMilliseconds) {
  EXPECT_EQ(format_fetched_at(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_fetched_at(1'700'000'000'007), "2023-11-14T22:13:20.007Z");
}

}  // namespace
}  // namespace ytpipe::youtube
