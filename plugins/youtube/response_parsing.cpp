#include "response_parsing.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>

namespace ytpipe::youtube {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string string_field(const Object::Ptr& object, const std::string& key,
                         std::string_view where) {
  if (!object->has(key) || !object->get(key).isString()) {
    throw MalformedResponse(std::string(where) + ": expected a string \"" + key + "\"");
  }
  return object->getValue<std::string>(key);
}

std::optional<std::string> optional_string(const Object::Ptr& object, const std::string& key) {
  if (object.isNull() || !object->has(key) || !object->get(key).isString()) {
    return std::nullopt;
  }
  return object->getValue<std::string>(key);
}

std::optional<std::uint64_t> optional_count(const Object::Ptr& stats, const std::string& key) {
  const std::optional<std::string> text = optional_string(stats, key);
  if (!text) {
    return std::nullopt;
  }
  return parse_count(*text, key);
}

Array::Ptr items_of(const Object::Ptr& body) {
  if (!body->has("items")) {
    return new Array;  // `fields` filtering drops an empty list entirely
  }
  Array::Ptr items = body->getArray("items");
  if (items.isNull()) {
    throw MalformedResponse("\"items\" is not an array");
  }
  return items;
}

Object::Ptr object_at(const Array::Ptr& items, std::size_t index) {
  Object::Ptr item = items->getObject(static_cast<unsigned>(index));
  if (item.isNull()) {
    throw MalformedResponse("items[" + std::to_string(index) + "] is not an object");
  }
  return item;
}

VideoStats parse_video(const Object::Ptr& item) {
  VideoStats video;
  video.id = string_field(item, "id", "videos.list item");
  const std::string where = "video " + video.id;

  const Object::Ptr snippet = item->getObject("snippet");
  if (snippet.isNull()) {
    throw MalformedResponse(where + ": no snippet");
  }
  video.title = string_field(snippet, "title", where);
  video.channel_id = string_field(snippet, "channelId", where);
  video.channel_title = optional_string(snippet, "channelTitle").value_or("");
  video.published_at = string_field(snippet, "publishedAt", where);

  const Object::Ptr thumbnails = snippet->getObject("thumbnails");
  if (!thumbnails.isNull()) {
    video.thumbnail = optional_string(thumbnails->getObject("default"), "url");
  }

  const Object::Ptr stats = item->getObject("statistics");
  if (stats.isNull()) {
    throw MalformedResponse(where + ": no statistics");
  }
  video.views = optional_count(stats, "viewCount").value_or(0);
  video.likes = optional_count(stats, "likeCount");
  video.comments = optional_count(stats, "commentCount");
  video.favorites = optional_count(stats, "favoriteCount").value_or(0);
  return video;
}

std::string first_reason(const Object::Ptr& error) {
  const Array::Ptr errors = error->getArray("errors");
  if (!errors.isNull() && errors->size() > 0) {
    const std::optional<std::string> reason = optional_string(errors->getObject(0), "reason");
    if (reason) {
      return *reason;
    }
  }
  const Array::Ptr details = error->getArray("details");
  if (!details.isNull()) {
    for (std::size_t i = 0; i < details->size(); ++i) {
      const std::optional<std::string> reason =
          optional_string(details->getObject(static_cast<unsigned>(i)), "reason");
      if (reason) {
        return *reason;
      }
    }
  }
  return {};
}

// Every reason named anywhere in the error: a bad key says API_KEY_INVALID only in details.
std::vector<std::string> all_reasons(const Object::Ptr& error) {
  std::vector<std::string> reasons;
  for (const char* list : {"errors", "details"}) {
    const Array::Ptr entries = error->getArray(list);
    for (std::size_t i = 0; !entries.isNull() && i < entries->size(); ++i) {
      const std::optional<std::string> reason =
          optional_string(entries->getObject(static_cast<unsigned>(i)), "reason");
      if (reason) {
        reasons.push_back(*reason);
      }
    }
  }
  return reasons;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

ApiErrorKind classify(int status, const std::vector<std::string>& reasons,
                      const std::string& message) {
  const auto has = [&](std::string_view reason) {
    return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
  };
  if (has("quotaExceeded") || has("dailyLimitExceeded")) {
    return ApiErrorKind::QuotaExceeded;
  }
  if (status == 429 || has("rateLimitExceeded") || has("userRateLimitExceeded") ||
      has("RATE_LIMIT_EXCEEDED")) {
    return contains(message, "per day") ? ApiErrorKind::QuotaExceeded : ApiErrorKind::RateLimited;
  }
  if (has("API_KEY_INVALID") || has("keyInvalid") || has("accessNotConfigured") ||
      has("SERVICE_DISABLED") || (status >= 400 && status < 500 && contains(message, "API key"))) {
    return ApiErrorKind::BadKey;
  }
  if (has("playlistNotFound") || has("channelNotFound") || status == 404) {
    return ApiErrorKind::NotFound;
  }
  if (has("playlistItemsNotAccessible") || has("forbidden")) {
    return ApiErrorKind::NotAccessible;
  }
  if (status >= 500) {
    return ApiErrorKind::ServerError;
  }
  return ApiErrorKind::InvalidRequest;
}

}  // namespace

std::string ApiError::describe() const {
  std::string text = std::to_string(status);
  if (!reason.empty()) {
    text += " " + reason;
  }
  if (!message.empty()) {
    text += ": " + message;
  }
  return text;
}

Object::Ptr parse_json_object(std::string_view body) {
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var value = parser.parse(std::string(body));
    Object::Ptr object = value.extract<Object::Ptr>();
    if (object.isNull()) {
      throw MalformedResponse("the body is not a JSON object");
    }
    return object;
  } catch (const Poco::BadCastException&) {
    throw MalformedResponse("the body is not a JSON object");
  } catch (const Poco::Exception& e) {
    throw MalformedResponse("the body is not valid JSON (" + e.displayText() + ", " +
                            std::to_string(body.size()) + " bytes)");
  }
}

std::uint64_t parse_count(const std::string& text, std::string_view field) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) {
    throw MalformedResponse(std::string(field) + ": expected a string of digits, found \"" +
                            text.substr(0, 40) + "\"");
  }
  return value;
}

PlaylistPage parse_playlist_page(const Object::Ptr& body) {
  PlaylistPage page;
  const Array::Ptr items = items_of(body);
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Object::Ptr details = object_at(items, i)->getObject("contentDetails");
    if (details.isNull()) {
      throw MalformedResponse("playlistItems.list: items[" + std::to_string(i) +
                              "] has no contentDetails");
    }
    const std::optional<std::string> video_id = optional_string(details, "videoId");
    if (!video_id || !details->has("videoPublishedAt")) {
      ++page.unavailable;  // deleted or private: the API keeps the entry but drops the date
      continue;
    }
    page.video_ids.push_back(*video_id);
  }
  page.next_page_token = optional_string(body, "nextPageToken");
  return page;
}

std::vector<VideoStats> parse_videos(const Object::Ptr& body) {
  std::vector<VideoStats> videos;
  const Array::Ptr items = items_of(body);
  for (std::size_t i = 0; i < items->size(); ++i) {
    videos.push_back(parse_video(object_at(items, i)));
  }
  return videos;
}

std::map<std::string, std::int64_t> parse_item_counts(const Object::Ptr& body) {
  std::map<std::string, std::int64_t> counts;
  const Array::Ptr items = items_of(body);
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Object::Ptr item = object_at(items, i);
    const std::string id = string_field(item, "id", "playlists.list item");
    const Object::Ptr details = item->getObject("contentDetails");
    if (details.isNull() || !details->has("itemCount")) {
      throw MalformedResponse("playlist " + id + ": no contentDetails.itemCount");
    }
    try {
      counts[id] = details->getValue<std::int64_t>("itemCount");
    } catch (const Poco::Exception&) {
      throw MalformedResponse("playlist " + id + ": itemCount is not an integer");
    }
  }
  return counts;
}

std::map<std::string, std::string> parse_uploads_playlists(const Object::Ptr& body) {
  std::map<std::string, std::string> uploads;
  const Array::Ptr items = items_of(body);
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Object::Ptr item = object_at(items, i);
    const std::string id = string_field(item, "id", "channels.list item");
    const Object::Ptr details = item->getObject("contentDetails");
    const Object::Ptr related = details.isNull() ? nullptr : details->getObject("relatedPlaylists");
    const std::optional<std::string> playlist = optional_string(related, "uploads");
    if (!playlist) {
      throw MalformedResponse("channel " + id + ": no contentDetails.relatedPlaylists.uploads");
    }
    uploads[id] = *playlist;
  }
  return uploads;
}

ApiError parse_error(int status, std::string_view body) {
  ApiError error;
  error.status = status;
  std::vector<std::string> reasons;
  try {
    const Object::Ptr root = parse_json_object(body);
    const Object::Ptr detail = root->getObject("error");
    if (!detail.isNull()) {
      error.message = optional_string(detail, "message").value_or("");
      error.reason = first_reason(detail);
      reasons = all_reasons(detail);
    }
  } catch (const MalformedResponse&) {
    // Proxies and load balancers answer with HTML; the status alone has to do.
  }
  error.kind = classify(status, reasons, error.message);
  return error;
}

}  // namespace ytpipe::youtube
