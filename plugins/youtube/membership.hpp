// Which videos the source tracks: the members of each tracked playlist (channels through their
// uploads playlist), when each was last walked, and, during a refresh, which tracked playlist a
// video is attributed to.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "quota_planner.hpp"

namespace ytpipe::youtube {

struct TrackedPlaylist {
  std::string id;          // empty for a channel whose uploads playlist is not resolved yet
  std::string origin;      // "playlist PL..." or "channel UC...", for log lines
  std::string channel_id;  // set when this is a channel's uploads playlist
  std::vector<std::string> videos;         // available members, distinct, in playlist order
  std::optional<std::int64_t> item_count;  // playlists.list itemCount when last walked
  std::optional<TimePoint> walked_at;
  bool missing = false;  // not found or not accessible; reported once, not walked
};

// Whether the cheap itemCount check or the age of the last walk calls for reading membership.
bool needs_walk(const TrackedPlaylist& playlist, std::optional<std::int64_t> item_count,
                TimePoint now, std::chrono::milliseconds membership_interval);

// Appends `found` to `members`, skipping ids already present.
void append_distinct(std::vector<std::string>& members, std::unordered_set<std::string>& seen,
                     const std::vector<std::string>& found);

// During one refresh: gives each video to the first tracked source holding it (config order:
// playlists, then channels, then directly tracked videos) while walks are still running.
// A video's owner is settled once no source before it is still being walked.
class VideoOwners {
 public:
  explicit VideoOwners(std::size_t sources) : walking_(sources, false) {}

  void start_walk(std::size_t source) { walking_.at(source) = true; }
  void finish_walk(std::size_t source) { walking_.at(source) = false; }

  // Notes that `source` holds `video`; true when the video is new in this refresh.
  bool add(const std::string& video, std::size_t source);

  std::size_t owner(const std::string& video) const { return owner_.at(video); }
  bool settled(const std::string& video) const;
  bool any_walking() const;
  std::size_t distinct() const { return owner_.size(); }

 private:
  std::vector<bool> walking_;
  std::unordered_map<std::string, std::size_t> owner_;
};

}  // namespace ytpipe::youtube
