#include "record_encoding.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <sstream>

namespace ytpipe::youtube {
namespace {

// An empty Var is written as JSON null.
template <typename T>
Poco::Dynamic::Var or_null(const std::optional<T>& value) {
  return value ? Poco::Dynamic::Var(*value) : Poco::Dynamic::Var();
}

}  // namespace

std::string format_fetched_at(std::int64_t unix_ms) {
  const Poco::Timestamp at(static_cast<Poco::Timestamp::TimeVal>(unix_ms) * 1000);
  return Poco::DateTimeFormatter::format(at, "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::string encode_video_record(const VideoStats& video,
                                const std::optional<std::string>& playlist_id,
                                std::int64_t fetched_at_ms) {
  Poco::JSON::Object record(Poco::JSON_PRESERVE_KEY_ORDER);
  record.set("video_id", video.id);
  record.set("playlist_id", or_null(playlist_id));
  record.set("title", video.title);
  record.set("channel_id", video.channel_id);
  record.set("channel_title", video.channel_title);
  record.set("published_at", video.published_at);
  record.set("views", video.views);
  record.set("likes", or_null(video.likes));
  record.set("comments", or_null(video.comments));
  record.set("favorites", video.favorites);
  record.set("thumbnail", or_null(video.thumbnail));
  record.set("fetched_at", format_fetched_at(fetched_at_ms));

  std::ostringstream text;
  record.stringify(text);
  return text.str();
}

}  // namespace ytpipe::youtube
