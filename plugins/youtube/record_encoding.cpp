#include "record_encoding.hpp"

#include <Poco/DateTimeFormatter.h>
#include <Poco/JSONString.h>
#include <Poco/Timestamp.h>

namespace ytpipe::youtube {
namespace {

// Records are built by appending rather than through a Poco::JSON::Object: encoding runs once per
// video per refresh on the source's thread, and the object and its stream cost several times
// the text they produce.
class JsonObjectWriter {
 public:
  JsonObjectWriter() { text_.reserve(512); }

  void string(std::string_view name, const std::string& value) {
    begin(name);
    text_ += Poco::toJSON(value, Poco::JSON_WRAP_STRINGS);
  }

  void string(std::string_view name, const std::optional<std::string>& value) {
    if (value) {
      string(name, *value);
    } else {
      null(name);
    }
  }

  void integer(std::string_view name, std::uint64_t value) {
    begin(name);
    text_ += std::to_string(value);
  }

  void integer(std::string_view name, const std::optional<std::uint64_t>& value) {
    if (value) {
      integer(name, *value);
    } else {
      null(name);
    }
  }

  std::string finish() {
    text_ += '}';
    return std::move(text_);
  }

 private:
  void begin(std::string_view name) {
    text_ += text_.empty() ? '{' : ',';
    text_ += '"';
    text_ += name;
    text_ += "\":";
  }

  void null(std::string_view name) {
    begin(name);
    text_ += "null";
  }

  std::string text_;
};

}  // namespace

std::string format_fetched_at(std::int64_t unix_ms) {
  const Poco::Timestamp at(static_cast<Poco::Timestamp::TimeVal>(unix_ms) * 1000);
  return Poco::DateTimeFormatter::format(at, "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::string encode_video_record(const VideoStats& video,
                                const std::optional<std::string>& playlist_id,
                                std::int64_t fetched_at_ms) {
  JsonObjectWriter record;
  record.string("video_id", video.id);
  record.string("playlist_id", playlist_id);
  record.string("title", video.title);
  record.string("channel_id", video.channel_id);
  record.string("channel_title", video.channel_title);
  record.string("published_at", video.published_at);
  record.integer("views", video.views);
  record.integer("likes", video.likes);
  record.integer("comments", video.comments);
  record.integer("favorites", video.favorites);
  record.string("thumbnail", video.thumbnail);
  record.string("fetched_at", format_fetched_at(fetched_at_ms));
  return record.finish();
}

}  // namespace ytpipe::youtube
