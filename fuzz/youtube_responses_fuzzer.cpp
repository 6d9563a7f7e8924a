// Fuzzes the YouTube source's reading of API bodies: videos.list, playlistItems.list,
// playlists.list and channels.list answers, error bodies, and the schema v1 record each parsed
// video becomes. A body may be anything a server (or a proxy in front of it) sends; the parsers
// may only answer with values or MalformedResponse, which the source handles.
//
// Input: byte 0 picks the call (and for an error body, byte 1 the HTTP status); the rest is the
// body.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "record_encoding.hpp"
#include "response_parsing.hpp"

namespace {

using ytpipe::youtube::ApiError;
using ytpipe::youtube::MalformedResponse;
using ytpipe::youtube::VideoStats;

enum class Call { Videos, PlaylistItems, Playlists, Channels, Error, Count };

constexpr std::int64_t kFetchedAtMs = 1'764'790'327'123;  // 2025-12-03T19:32:07.123Z
const std::optional<std::string> kPlaylist = "PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf";

[[noreturn]] void violated(const char* invariant) {
  std::fprintf(stderr, "youtube_responses invariant violated: %s\n", invariant);
  std::abort();
}

void require(bool holds, const char* invariant) {
  if (!holds) {
    violated(invariant);
  }
}

// JSON escapes let a body carry text that is not UTF-8 (a lone surrogate); such text need not
// survive a round trip unchanged.
bool is_valid_utf8(const std::string& text) {
  Poco::UTF8Encoding utf8;
  for (Poco::TextIterator at(text, utf8), end(text); at != end; ++at) {
    if (*at < 0) {
      return false;
    }
  }
  return true;
}

Poco::JSON::Object::Ptr read_back(const std::string& record) {
  try {
    return ytpipe::youtube::parse_json_object(record);
  } catch (const MalformedResponse& failure) {
    std::fprintf(stderr, "%s\n%s\n", failure.what(), record.c_str());
    violated("an encoded record is a JSON object");
  }
}

// A count or null, as schema v1 writes it.
void check_count(const Poco::JSON::Object::Ptr& record, const std::string& field,
                 const std::optional<std::uint64_t>& expected) {
  const Poco::Dynamic::Var value = record->get(field);
  if (!expected) {
    require(value.isEmpty(), "a missing count is written as null");
    return;
  }
  require(value.isInteger(), "a count is written as a JSON integer");
  require(value.convert<std::uint64_t>() == *expected, "a count keeps its value");
}

// The record must read back as JSON with every field the API gave, unchanged.
void check_record(const VideoStats& video, const std::optional<std::string>& playlist) {
  const std::string text = ytpipe::youtube::encode_video_record(video, playlist, kFetchedAtMs);
  const Poco::JSON::Object::Ptr record = read_back(text);

  const bool comparable = is_valid_utf8(video.id) && is_valid_utf8(video.title) &&
                          is_valid_utf8(video.channel_id) && is_valid_utf8(video.channel_title) &&
                          is_valid_utf8(video.published_at);
  if (comparable) {
    require(record->getValue<std::string>("video_id") == video.id, "video_id round-trips");
    require(record->getValue<std::string>("title") == video.title, "title round-trips");
    require(record->getValue<std::string>("channel_id") == video.channel_id,
            "channel_id round-trips");
  }
  require(record->get("playlist_id").isEmpty() == !playlist, "playlist_id is null when untracked");
  require(record->getValue<std::string>("fetched_at") == "2025-12-03T19:32:07.123Z",
          "fetched_at is RFC 3339 UTC with milliseconds");
  check_count(record, "views", video.views);
  check_count(record, "likes", video.likes);
  check_count(record, "comments", video.comments);
  check_count(record, "favorites", video.favorites);
}

void parse_videos(std::string_view body) {
  const auto videos = ytpipe::youtube::parse_videos(ytpipe::youtube::parse_json_object(body));
  for (std::size_t i = 0; i < videos.size(); ++i) {
    check_record(videos[i], i % 2 == 0 ? kPlaylist : std::nullopt);
  }
}

void parse_playlist_items(std::string_view body) {
  const auto page = ytpipe::youtube::parse_playlist_page(ytpipe::youtube::parse_json_object(body));
  require(page.video_ids.size() <= body.size(), "no more videos than the body could name");
}

void parse_error(int status, std::string_view body) {
  const ApiError error = ytpipe::youtube::parse_error(status, body);
  require(error.status == status, "the status is kept");
  require(error.describe().starts_with(std::to_string(status)), "describe() leads with it");
  if (status >= 500 && error.kind != ytpipe::youtube::ApiErrorKind::QuotaExceeded &&
      error.kind != ytpipe::youtube::ApiErrorKind::BadKey &&
      error.kind != ytpipe::youtube::ApiErrorKind::NotFound &&
      error.kind != ytpipe::youtube::ApiErrorKind::NotAccessible) {
    require(error.retryable(), "a 5xx is retried unless its reasons say otherwise");
  }
}

void parse(Call call, int status, std::string_view body) {
  switch (call) {
    case Call::Videos:
      parse_videos(body);
      return;
    case Call::PlaylistItems:
      parse_playlist_items(body);
      return;
    case Call::Playlists:
      ytpipe::youtube::parse_item_counts(ytpipe::youtube::parse_json_object(body));
      return;
    case Call::Channels:
      ytpipe::youtube::parse_uploads_playlists(ytpipe::youtube::parse_json_object(body));
      return;
    case Call::Error:
    case Call::Count:
      parse_error(status, body);
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return 0;
  }
  const auto call = static_cast<Call>(data[0] % static_cast<std::uint8_t>(Call::Count));
  const int status = 400 + data[1] % 200;
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  try {
    parse(call, status, body);
  } catch (const MalformedResponse&) {
    // The documented answer to a body of the wrong shape.
  }
  return 0;
}
