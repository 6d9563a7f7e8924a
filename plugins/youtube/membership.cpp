#include "membership.hpp"

#include <algorithm>

namespace ytpipe::youtube {

bool needs_walk(const TrackedPlaylist& playlist, std::optional<std::int64_t> item_count,
                TimePoint now, std::chrono::milliseconds membership_interval) {
  if (!playlist.walked_at) {
    return true;
  }
  // itemCount counts deleted and private entries too, so an unchanged count proves nothing:
  // the periodic walk catches swaps.
  if (item_count != playlist.item_count) {
    return true;
  }
  return now - *playlist.walked_at >= membership_interval;
}

void append_distinct(std::vector<std::string>& members, std::unordered_set<std::string>& seen,
                     const std::vector<std::string>& found) {
  for (const std::string& video : found) {
    if (seen.insert(video).second) {
      members.push_back(video);
    }
  }
}

bool VideoOwners::add(const std::string& video, std::size_t source) {
  const auto [entry, inserted] = owner_.try_emplace(video, source);
  if (!inserted) {
    entry->second = std::min(entry->second, source);
  }
  return inserted;
}

bool VideoOwners::settled(const std::string& video) const {
  const std::size_t owner = owner_.at(video);
  const std::size_t limit = std::min(owner, walking_.size());
  for (std::size_t source = 0; source < limit; ++source) {
    if (walking_[source]) {
      return false;
    }
  }
  return true;
}

bool VideoOwners::any_walking() const {
  return std::find(walking_.begin(), walking_.end(), true) != walking_.end();
}

}  // namespace ytpipe::youtube
