#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include <mutex>
#include <stdexcept>

#include "json_reply.hpp"
#include "request_handlers.hpp"

namespace ytsim {
namespace {

using ObjectPtr = Poco::JSON::Object::Ptr;

// A control request that cannot be carried out; becomes a 400 with the message.
class ControlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

ObjectPtr object() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

ObjectPtr ok() {
  auto body = object();
  body->set("ok", true);
  return body;
}

std::string required(const Query& query, const std::string& name) {
  const auto found = query.find(name);
  if (found == query.end() || found->second.empty()) {
    throw ControlError("missing query parameter \"" + name + "\"");
  }
  return found->second;
}

std::uint64_t number(const Query& query, const std::string& name, std::uint64_t fallback) {
  const auto found = query.find(name);
  if (found == query.end()) {
    return fallback;
  }
  std::uint64_t value = 0;
  if (!Poco::NumberParser::tryParseUnsigned64(found->second, value)) {
    throw ControlError("query parameter \"" + name + "\": expected a non-negative integer, got \"" +
                       found->second + "\"");
  }
  return value;
}

int small_number(const Query& query, const std::string& name, int fallback) {
  const std::uint64_t value = number(query, name, static_cast<std::uint64_t>(fallback));
  if (value > 1'000'000) {
    throw ControlError("query parameter \"" + name + "\": at most 1000000");
  }
  return static_cast<int>(value);
}

ObjectPtr describe_entry(const Dataset& dataset, const PlaylistEntry& entry, std::size_t position) {
  const Video* video = dataset.find_video(entry.video_id);
  auto described = object();
  described->set("position", position);
  described->set("item_id", entry.item_id);
  described->set("video_id", entry.video_id);
  described->set("deleted", entry.state == EntryState::kDeleted);
  described->set("private", entry.state == EntryState::kPrivate);
  described->set("duplicate", entry.duplicate);
  described->set("vanishing", video != nullptr && video->vanishing);
  described->set("likes_hidden", video != nullptr && video->likes_hidden);
  described->set("comments_disabled", video != nullptr && video->comments_disabled);
  described->set("has_thumbnail", video != nullptr && video->has_thumbnail);
  return described;
}

// Totals a test needs: how many entries, and how many distinct videos videos.list returns.
ObjectPtr summarize(const Dataset& dataset, const Playlist& playlist) {
  std::size_t deleted = 0, hidden = 0, duplicates = 0, vanishing = 0, listed = 0;
  for (const PlaylistEntry& entry : playlist.entries) {
    const Video* video = dataset.find_video(entry.video_id);
    deleted += entry.state == EntryState::kDeleted ? 1 : 0;
    hidden += entry.state == EntryState::kPrivate ? 1 : 0;
    duplicates += entry.duplicate ? 1 : 0;
    const bool is_vanishing = video != nullptr && video->vanishing && !entry.duplicate;
    vanishing += is_vanishing ? 1 : 0;
    listed += video != nullptr && !video->vanishing && !entry.duplicate ? 1 : 0;
  }

  auto summary = object();
  summary->set("entries", playlist.entries.size());
  summary->set("deleted", deleted);
  summary->set("private", hidden);
  summary->set("duplicates", duplicates);
  summary->set("vanishing", vanishing);
  summary->set("distinct_videos", playlist.entries.size() - duplicates);
  summary->set("videos_listed", listed);
  return summary;
}

}  // namespace

void ControlHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) {
  const ReplyStyle style = reply_style_for(request, true);
  const bool post = request.getMethod() == Poco::Net::HTTPRequest::HTTP_POST;
  try {
    if (action_ == "stats" && !post) {
      send_json(response, 200, state_.meter.snapshot(), style);
    } else if (action_ == "dataset" && !post) {
      send_json(response, 200, describe_dataset(), style);
    } else if (action_ == "reset" && post) {
      state_.meter.reset();
      state_.faults.clear();
      send_json(response, 200, ok(), style);
    } else if (action_ == "fault" && post) {
      send_json(response, 200, add_fault(), style);
    } else if (action_ == "quota" && post) {
      send_json(response, 200, set_quota(), style);
    } else if (action_ == "playlist" && post) {
      send_json(response, 200, append_to_playlist(), style);
    } else {
      auto body = object();
      body->set("error", request.getMethod() + " /_sim/" + action_ +
                             " is not a control endpoint; see docs/simulator.md");
      send_json(response, 404, body, style);
    }
  } catch (const ControlError& error) {
    auto body = object();
    body->set("error", error.what());
    send_json(response, 400, body, style);
  }
}

ObjectPtr ControlHandler::add_fault() const {
  const std::string endpoint_name = required(query_, "endpoint");
  const auto endpoint = endpoint_from_name(endpoint_name);
  if (!endpoint && endpoint_name != "any") {
    throw ControlError("endpoint \"" + endpoint_name +
                       "\": expected videos, playlistItems, playlists, channels or any");
  }
  const std::string kind_name = required(query_, "kind");
  const auto kind = fault_kind_from_name(kind_name);
  if (!kind) {
    throw ControlError("kind \"" + kind_name +
                       "\": expected status, reset, malformed, latency or quota");
  }

  Fault fault{*kind, small_number(query_, "status", 503), small_number(query_, "ms", 1000)};
  if (fault.kind == FaultKind::kStatus && fault.http_status != 500 && fault.http_status != 503 &&
      fault.http_status != 429) {
    throw ControlError("status " + std::to_string(fault.http_status) +
                       ": expected 500, 503 or 429");
  }
  const int count = small_number(query_, "count", 1);
  state_.faults.add(endpoint, fault, count);

  auto body = ok();
  body->set("endpoint", endpoint_name);
  body->set("kind", kind_name);
  body->set("count", count);
  return body;
}

ObjectPtr ControlHandler::set_quota() const {
  const std::uint64_t left = number(query_, "left", 0);
  if (query_.find("left") == query_.end()) {
    throw ControlError("missing query parameter \"left\"");
  }
  state_.meter.set_units_left(left);
  return state_.meter.snapshot();
}

ObjectPtr ControlHandler::append_to_playlist() const {
  const std::string id = required(query_, "id");
  const std::uint64_t count = number(query_, "append", 1);
  if (count > 5000) {
    throw ControlError("append " + std::to_string(count) + ": at most 5000 at a time");
  }

  const std::unique_lock lock(state_.dataset_mutex);
  if (!state_.dataset.append(id, count)) {
    throw ControlError("no playlist \"" + id + "\"");
  }
  auto body = ok();
  body->set("playlist", id);
  body->set("itemCount", state_.dataset.find_playlist(id)->entries.size());
  return body;
}

ObjectPtr ControlHandler::describe_dataset() const {
  const std::shared_lock lock(state_.dataset_mutex);
  const auto id = query_.find("playlist");
  if (id == query_.end()) {
    Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
    for (const std::string& playlist_id : state_.dataset.playlist_ids()) {
      ids->add(playlist_id);
    }
    auto body = object();
    body->set("seed", state_.dataset.seed());
    body->set("playlists", ids);
    return body;
  }

  const Playlist* playlist = state_.dataset.find_playlist(id->second);
  if (playlist == nullptr) {
    throw ControlError("no playlist \"" + id->second + "\"");
  }
  Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
  for (std::size_t position = 0; position < playlist->entries.size(); ++position) {
    entries->add(describe_entry(state_.dataset, playlist->entries[position], position));
  }

  auto body = object();
  body->set("playlist", playlist->id);
  body->set("uploads", playlist->uploads);
  body->set("channel_id", playlist->channel_id);
  body->set("shared_count", playlist->shared_count);
  body->set("summary", summarize(state_.dataset, *playlist));
  body->set("entries", entries);
  return body;
}

}  // namespace ytsim
