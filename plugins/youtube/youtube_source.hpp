// The `youtube` source: each cycle is one refresh of every tracked video's statistics.
//
// A refresh costs ceil(videos/50) videos.list calls plus ceil(playlists/50) playlists.list calls;
// playlist membership is re-read (playlistItems.list, 50 per page) only when a playlist's
// itemCount changed or membership_interval passed. Records are emitted batch by batch as
// videos.list answers arrive, while membership walks are still running.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>
#include <ytpipe/sdk.hpp>

#include "api_client.hpp"
#include "membership.hpp"
#include "quota_planner.hpp"
#include "source_config.hpp"

namespace ytpipe::youtube {

class YoutubeSource : public ytpipe::Source {
 public:
  explicit YoutubeSource(const ytpipe::Context& context);
  YoutubeSource(const ytpipe::Context& context, Clock clock);
  ~YoutubeSource() override;

  // Checks the config without any network access (ytpipe check).
  static void validate(const ytpipe::Context& context);

  ytpipe::NextCycle run_cycle(ytpipe::Emitter& out) override;

 private:
  class Refresh;
  friend class Refresh;

  ytpipe::NextCycle wait_for_reset(TimePoint reset);
  ytpipe::NextCycle plan_next(std::chrono::milliseconds elapsed, std::size_t distinct_videos);
  std::chrono::milliseconds now_ms() const;

  const ytpipe::Context& context_;
  const SourceSettings settings_;
  const Clock clock_;
  QuotaTracker quota_;
  std::unique_ptr<ApiClient> api_;

  // Playlists, then channels' uploads playlists, in config order.
  std::vector<TrackedPlaylist> tracked_;
  std::set<std::string> reported_unavailable_;
  std::optional<TimePoint> reported_reset_;
  std::chrono::milliseconds reported_interval_{0};
};

}  // namespace ytpipe::youtube
