#include "api_resources.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>

#include <optional>
#include <set>
#include <sstream>
#include <vector>

namespace ytsim {
namespace {

constexpr std::size_t kMaxIds = 50;
constexpr std::size_t kMaxResults = 50;
constexpr std::size_t kDefaultMaxResults = 5;

using ObjectPtr = Poco::JSON::Object::Ptr;

ObjectPtr object() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::optional<std::string> find(const Query& query, const std::string& name) {
  const auto found = query.find(name);
  if (found == query.end()) {
    return std::nullopt;
  }
  return found->second;
}

std::vector<std::string> split_keeping_empty(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t comma = text.find(','); comma != std::string::npos;
       comma = text.find(',', start)) {
    pieces.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

// Validates `part` against the parts a resource knows; returns them with commas around each.
std::optional<ApiError> read_parts(const Query& query, const std::set<std::string>& known,
                                   std::string& parts) {
  const auto text = find(query, "part");
  if (!text || text->empty()) {
    return missing_part_error();
  }
  Poco::StringTokenizer tokens(
      *text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
  parts = ",";
  for (const std::string& part : tokens) {
    if (!known.contains(part)) {
      return unknown_part_error(part);
    }
    parts += part + ",";
  }
  return std::nullopt;
}

bool has_part(const std::string& parts, const std::string& part) {
  return parts.find("," + part + ",") != std::string::npos;
}

// Reads a comma list of at most 50 ids; a trailing comma counts as one more (empty) id.
std::optional<ApiError> read_ids(const Query& query, const std::string& expected_filters,
                                 std::vector<std::string>& ids) {
  const auto text = find(query, "id");
  if (!text) {
    return missing_filter_error(expected_filters);
  }
  const std::vector<std::string> pieces = split_keeping_empty(*text);
  if (pieces.size() > kMaxIds) {
    return invalid_filters_error();
  }

  std::set<std::string> seen;
  for (const std::string& id : pieces) {
    if (!id.empty() && seen.insert(id).second) {
      ids.push_back(id);
    }
  }
  return std::nullopt;
}

std::optional<ApiError> read_max_results(const Query& query, std::size_t& max_results) {
  const auto text = find(query, "maxResults");
  if (!text) {
    max_results = kDefaultMaxResults;
    return std::nullopt;
  }

  unsigned value = 0;
  if (!Poco::NumberParser::tryParseUnsigned(*text, value) || value > kMaxResults) {
    return invalid_value_error("maxResults", *text, "Values must be within the range: [0, 50]");
  }
  max_results = value;
  return std::nullopt;
}

std::string etag_of(const std::string& text) {
  return Poco::NumberFormatter::formatHex(stable_hash(0, text), 16);
}

ObjectPtr thumbnails(const std::string& video_id) {
  auto all = object();
  const std::pair<const char*, std::pair<int, int>> sizes[] = {
      {"default", {120, 90}}, {"medium", {320, 180}}, {"high", {480, 360}}};
  const char* files[] = {"default.jpg", "mqdefault.jpg", "hqdefault.jpg"};
  for (std::size_t index = 0; index < 3; ++index) {
    auto thumbnail = object();
    thumbnail->set("url", "https://i.ytimg.com/vi/" + video_id + "/" + files[index]);
    thumbnail->set("width", sizes[index].second.first);
    thumbnail->set("height", sizes[index].second.second);
    all->set(sizes[index].first, thumbnail);
  }
  return all;
}

ObjectPtr page_info(std::size_t total, std::size_t per_page) {
  auto info = object();
  info->set("totalResults", total);
  info->set("resultsPerPage", per_page);
  return info;
}

// The list etag changes whenever an item's does, without serializing the items a second time.
ObjectPtr list_response(const std::string& kind, const Poco::JSON::Array::Ptr& items,
                        std::size_t total, std::size_t per_page) {
  std::string item_etags = kind;
  for (unsigned index = 0; index < items->size(); ++index) {
    item_etags += items->getObject(index)->getValue<std::string>("etag");
  }

  auto body = object();
  body->set("kind", kind);
  body->set("etag", etag_of(item_etags));
  body->set("pageInfo", page_info(total, per_page));
  body->set("items", items);
  return body;
}

ObjectPtr video_snippet(const Video& video) {
  auto localized = object();
  localized->set("title", video.title);
  localized->set("description", "");

  auto snippet = object();
  snippet->set("publishedAt", video.published_at);
  snippet->set("channelId", video.channel_id);
  snippet->set("title", video.title);
  snippet->set("description", "");
  snippet->set("thumbnails", video.has_thumbnail ? thumbnails(video.id) : object());
  snippet->set("channelTitle", video.channel_title);
  snippet->set("categoryId", "22");
  snippet->set("liveBroadcastContent", "none");
  snippet->set("localized", localized);
  return snippet;
}

ObjectPtr video_statistics(const Video& video, double elapsed_seconds) {
  const Statistics now = Dataset::statistics_at(video, elapsed_seconds);
  auto statistics = object();
  statistics->set("viewCount", std::to_string(now.views));
  if (!video.likes_hidden) {
    statistics->set("likeCount", std::to_string(now.likes));
  }
  statistics->set("favoriteCount", "0");
  if (!video.comments_disabled) {
    statistics->set("commentCount", std::to_string(now.comments));
  }
  return statistics;
}

ObjectPtr video_content_details(const Video& video) {
  auto details = object();
  details->set("duration", video.duration);
  details->set("dimension", "2d");
  details->set("definition", "hd");
  details->set("caption", "false");
  details->set("licensedContent", false);
  details->set("contentRating", object());
  details->set("projection", "rectangular");
  return details;
}

ObjectPtr item_snippet(const Playlist& playlist, const PlaylistEntry& entry, const Video* video,
                       std::size_t position) {
  auto resource = object();
  resource->set("kind", "youtube#video");
  resource->set("videoId", entry.video_id);

  auto snippet = object();
  snippet->set("publishedAt", entry.added_at);
  snippet->set("channelId", playlist.channel_id);
  if (entry.state == EntryState::kAvailable) {
    snippet->set("title", video->title);
    snippet->set("description", "");
    snippet->set("thumbnails", video->has_thumbnail ? thumbnails(video->id) : object());
  } else {
    const bool deleted = entry.state == EntryState::kDeleted;
    snippet->set("title", deleted ? "Deleted video" : "Private video");
    snippet->set("description", deleted ? "This video is unavailable." : "This video is private.");
    snippet->set("thumbnails", object());
  }
  snippet->set("channelTitle", playlist.channel_title);
  snippet->set("playlistId", playlist.id);
  snippet->set("position", position);
  snippet->set("resourceId", resource);
  if (entry.state == EntryState::kAvailable) {
    snippet->set("videoOwnerChannelTitle", video->channel_title);
    snippet->set("videoOwnerChannelId", video->channel_id);
  }
  return snippet;
}

std::string base64url(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder << text;
  encoder.close();
  return out.str();
}

std::optional<std::string> from_base64url(const std::string& text) {
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    std::string decoded((std::istreambuf_iterator<char>(decoder)),
                        std::istreambuf_iterator<char>());
    return decoded;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace

ApiReply ApiResources::list_videos(const Query& query) const {
  std::string parts;
  std::vector<std::string> ids;
  if (auto error = read_parts(query, {"id", "snippet", "statistics", "contentDetails"}, parts)) {
    return error_reply(*error);
  }
  if (auto error = read_ids(query, "chart, id, myRated", ids)) {
    return error_reply(*error);
  }

  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const std::string& id : ids) {
    const Video* video = dataset_.find_video(id);
    if (video != nullptr && !video->vanishing) {
      items->add(video_item(*video, parts));
    }
  }
  return {200, list_response("youtube#videoListResponse", items, items->size(), items->size())};
}

Poco::JSON::Object::Ptr ApiResources::video_item(const Video& video,
                                                 const std::string& parts) const {
  auto item = object();
  item->set("kind", "youtube#video");
  item->set("etag", etag_of(video.id + std::to_string(static_cast<long>(elapsed_seconds_))));
  item->set("id", video.id);
  if (has_part(parts, "snippet")) {
    item->set("snippet", video_snippet(video));
  }
  if (has_part(parts, "contentDetails")) {
    item->set("contentDetails", video_content_details(video));
  }
  if (has_part(parts, "statistics")) {
    item->set("statistics", video_statistics(video, elapsed_seconds_));
  }
  return item;
}

ApiReply ApiResources::list_playlist_items(const Query& query) const {
  std::string parts;
  std::size_t max_results = 0;
  if (auto error = read_parts(query, {"id", "snippet", "contentDetails", "status"}, parts)) {
    return error_reply(*error);
  }
  const auto playlist_id = find(query, "playlistId");
  if (!playlist_id) {
    return error_reply(missing_filter_error("id, playlistId"));
  }
  if (auto error = read_max_results(query, max_results)) {
    return error_reply(*error);
  }

  const Playlist* playlist = dataset_.find_playlist(*playlist_id);
  if (playlist == nullptr) {
    return error_reply(playlist_not_found_error());
  }
  std::size_t offset = 0;
  const auto token = find(query, "pageToken");
  if (token && !token->empty() && !read_page_token(*token, playlist->id, offset)) {
    return error_reply(invalid_page_token_error());
  }

  const std::size_t total = playlist->entries.size();
  const std::size_t end = std::min(total, offset + max_results);
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (std::size_t position = offset; position < end; ++position) {
    items->add(playlist_item(*playlist, position, parts));
  }

  auto body = list_response("youtube#playlistItemListResponse", items, total, max_results);
  if (end < total && max_results > 0) {
    body->set("nextPageToken", page_token(playlist->id, end));
  }
  if (offset > 0) {
    body->set("prevPageToken", page_token(playlist->id, offset - std::min(offset, max_results)));
  }
  return {200, body};
}

Poco::JSON::Object::Ptr ApiResources::playlist_item(const Playlist& playlist, std::size_t position,
                                                    const std::string& parts) const {
  const PlaylistEntry& entry = playlist.entries[position];
  const Video* video = dataset_.find_video(entry.video_id);

  auto item = object();
  item->set("kind", "youtube#playlistItem");
  item->set("etag", etag_of(entry.item_id));
  item->set("id", entry.item_id);
  if (has_part(parts, "snippet")) {
    item->set("snippet", item_snippet(playlist, entry, video, position));
  }
  if (has_part(parts, "contentDetails")) {
    auto details = object();
    details->set("videoId", entry.video_id);
    if (entry.state == EntryState::kAvailable) {
      details->set("videoPublishedAt", video->published_at);
    }
    item->set("contentDetails", details);
  }
  if (has_part(parts, "status")) {
    auto status = object();
    status->set("privacyStatus", entry.state == EntryState::kPrivate ? "private" : "public");
    item->set("status", status);
  }
  return item;
}

// Tokens are opaque to clients: base64 of the playlist, the offset and a seeded check value, so
// a token edited by hand or taken from another playlist is refused.
std::string ApiResources::page_token(const std::string& playlist_id, std::size_t offset) const {
  const std::string payload = playlist_id + ":" + std::to_string(offset);
  const std::uint64_t check = stable_hash(dataset_.seed(), payload);
  return base64url(payload + ":" + Poco::NumberFormatter::formatHex(check, 16));
}

bool ApiResources::read_page_token(const std::string& token, const std::string& playlist_id,
                                   std::size_t& offset) const {
  const auto decoded = from_base64url(token);
  if (!decoded) {
    return false;
  }

  const std::size_t check_colon = decoded->rfind(':');
  if (check_colon == std::string::npos || check_colon == 0) {
    return false;
  }
  const std::size_t offset_colon = decoded->rfind(':', check_colon - 1);
  if (offset_colon == std::string::npos || decoded->substr(0, offset_colon) != playlist_id) {
    return false;
  }

  const std::string offset_text = decoded->substr(offset_colon + 1, check_colon - offset_colon - 1);
  Poco::UInt64 value = 0;
  if (!Poco::NumberParser::tryParseUnsigned64(offset_text, value) ||
      page_token(playlist_id, value) != token) {
    return false;
  }
  offset = value;
  return true;
}

ApiReply ApiResources::list_playlists(const Query& query) const {
  std::string parts;
  std::vector<std::string> ids;
  if (auto error = read_parts(query, {"id", "snippet", "contentDetails"}, parts)) {
    return error_reply(*error);
  }
  if (auto error = read_ids(query, "channelId, id, mine", ids)) {
    return error_reply(*error);
  }

  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const std::string& id : ids) {
    const Playlist* playlist = dataset_.find_playlist(id);
    if (playlist == nullptr) {
      continue;
    }
    auto item = object();
    item->set("kind", "youtube#playlist");
    item->set("etag", etag_of(id + std::to_string(playlist->entries.size())));
    item->set("id", id);
    if (has_part(parts, "snippet")) {
      auto snippet = object();
      snippet->set("publishedAt", "2020-01-01T00:00:00Z");
      snippet->set("channelId", playlist->channel_id);
      snippet->set("title", playlist->title);
      snippet->set("description", "");
      snippet->set("channelTitle", playlist->channel_title);
      item->set("snippet", snippet);
    }
    if (has_part(parts, "contentDetails")) {
      auto details = object();
      details->set("itemCount", playlist->entries.size());
      item->set("contentDetails", details);
    }
    items->add(item);
  }
  return {200, list_response("youtube#playlistListResponse", items, items->size(), 5)};
}

ApiReply ApiResources::list_channels(const Query& query) const {
  std::string parts;
  std::vector<std::string> ids;
  if (auto error = read_parts(query, {"id", "snippet", "contentDetails"}, parts)) {
    return error_reply(*error);
  }
  const bool by_other_filter = find(query, "forHandle") || find(query, "forUsername");
  if (!by_other_filter) {
    if (auto error =
            read_ids(query, "categoryId, forHandle, forUsername, id, managedByMe, mine", ids)) {
      return error_reply(*error);
    }
  }

  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const std::string& id : ids) {
    const Channel* channel = dataset_.find_channel(id);
    if (channel == nullptr) {
      continue;
    }
    auto item = object();
    item->set("kind", "youtube#channel");
    item->set("etag", etag_of(id));
    item->set("id", id);
    if (has_part(parts, "snippet")) {
      auto snippet = object();
      snippet->set("title", channel->title);
      snippet->set("description", "");
      snippet->set("publishedAt", "2014-01-01T00:00:00Z");
      item->set("snippet", snippet);
    }
    if (has_part(parts, "contentDetails")) {
      auto related = object();
      related->set("likes", "");
      related->set("uploads", channel->uploads_id);
      auto details = object();
      details->set("relatedPlaylists", related);
      item->set("contentDetails", details);
    }
    items->add(item);
  }
  return {200, list_response("youtube#channelListResponse", items, items->size(), 5)};
}

}  // namespace ytsim
