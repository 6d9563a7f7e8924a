// Turns YouTube Data API v3 response bodies into plain values. Every function throws
// MalformedResponse when a body does not have the shape the API documents.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ytpipe::youtube {

class MalformedResponse : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The statistics and snippet fields a record is made of.
struct VideoStats {
  std::string id;
  std::string title;
  std::string channel_id;
  std::string channel_title;
  std::string published_at;
  std::uint64_t views = 0;
  std::optional<std::uint64_t> likes;     // absent when the owner hides likes
  std::optional<std::uint64_t> comments;  // absent when comments are disabled
  std::uint64_t favorites = 0;
  std::optional<std::string> thumbnail;
};

struct PlaylistPage {
  std::vector<std::string> video_ids;  // available entries only, in playlist order
  std::size_t unavailable = 0;         // entries without videoPublishedAt (deleted, private)
  std::optional<std::string> next_page_token;
};

// How the client should react to a failed call.
enum class ApiErrorKind {
  QuotaExceeded,   // stop every call until the daily reset
  BadKey,          // the key is invalid, missing or not enabled for this API: stop the pipeline
  NotFound,        // the playlist (or channel) does not exist or is private
  NotAccessible,   // exists but this key may not read it
  RateLimited,     // back off and retry
  ServerError,     // 5xx: back off and retry
  InvalidRequest,  // any other 4xx (a bad page token, more than 50 ids): not retried
};

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::ServerError;
  int status = 0;
  std::string reason;   // errors[0].reason, else details[].reason, else empty
  std::string message;  // error.message as sent (JSON escapes already decoded)

  bool retryable() const {
    return kind == ApiErrorKind::RateLimited || kind == ApiErrorKind::ServerError;
  }

  // "403 quotaExceeded: The request cannot be completed because ..."
  std::string describe() const;
};

Poco::JSON::Object::Ptr parse_json_object(std::string_view body);

// A statistics count: a string of decimal digits that fits 64 bits.
std::uint64_t parse_count(const std::string& text, std::string_view field);

PlaylistPage parse_playlist_page(const Poco::JSON::Object::Ptr& body);

std::vector<VideoStats> parse_videos(const Poco::JSON::Object::Ptr& body);

// playlists.list: playlist id -> contentDetails.itemCount.
std::map<std::string, std::int64_t> parse_item_counts(const Poco::JSON::Object::Ptr& body);

// channels.list: channel id -> its uploads playlist id.
std::map<std::string, std::string> parse_uploads_playlists(const Poco::JSON::Object::Ptr& body);

// Classifies a non-2xx answer; the body may be a Google error object, HTML or empty.
ApiError parse_error(int status, std::string_view body);

}  // namespace ytpipe::youtube
