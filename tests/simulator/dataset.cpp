#include "dataset.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ytsim {
namespace {

// Quirk rules, by an entry's position in its playlist (0-based); docs/simulator.md lists them.
constexpr std::size_t kQuirkCycle = 50;
constexpr std::size_t kDeletedAt = 17;
constexpr std::size_t kPrivateAt = 31;
constexpr std::size_t kDuplicateAt = 44;
constexpr std::size_t kDuplicateDistance = 20;
constexpr std::size_t kVanishingAfterShared = 2;
constexpr std::size_t kMinUploadsWithVanishing = 3;

// Video traits, by the position where the video was first listed.
constexpr std::size_t kLikesHiddenCycle = 10, kLikesHiddenAt = 6;
constexpr std::size_t kCommentsDisabledCycle = 15, kCommentsDisabledAt = 8;
constexpr std::size_t kNoThumbnailCycle = 20, kNoThumbnailAt = 13;
constexpr std::size_t kBigViewsCycle = 25;
constexpr std::uint64_t kBigViewsBase = 2'200'000'000;  // past 2^31
constexpr std::size_t kOwnerChannels = 7;

constexpr std::int64_t kUploadsNewest = 1717200000;   // 2024-06-01T00:00:00Z
constexpr std::int64_t kOwnVideosEpoch = 1325376000;  // 2012-01-01T00:00:00Z
constexpr std::int64_t kItemsEpoch = 1704067200;      // 2024-01-01T00:00:00Z
constexpr std::int64_t kTwelveYears = 12LL * 365 * 86400;

const char kIdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::uint64_t mix(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::string make_id(std::uint64_t seed, const std::string& key, std::size_t length) {
  std::string id;
  std::uint64_t bits = stable_hash(seed, key);
  for (std::size_t i = 0; i < length; ++i) {
    if (i % 10 == 9) {
      bits = mix(bits);
    }
    id += kIdAlphabet[bits % 64];
    bits /= 64;
  }
  return id;
}

std::string base64url(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder << text;
  encoder.close();
  return out.str();
}

// RFC 3339 in the three shapes the API mixes: ".000Z", "Z" and microseconds.
std::string rfc3339(std::int64_t epoch_seconds, std::size_t variant, std::uint64_t noise) {
  const Poco::Timestamp stamp = Poco::Timestamp::fromEpochTime(static_cast<time_t>(epoch_seconds));
  std::string text = Poco::DateTimeFormatter::format(stamp, "%Y-%m-%dT%H:%M:%S");
  if (variant % 3 == 0) {
    return text + ".000Z";
  }
  if (variant % 3 == 1) {
    return text + "Z";
  }
  return text + "." + std::to_string(100000 + noise % 900000) + "Z";
}

std::string item_timestamp(std::size_t position) {
  return rfc3339(kItemsEpoch + static_cast<std::int64_t>(position) * 3600, 1, 0);
}

}  // namespace

std::uint64_t stable_hash(std::uint64_t seed, const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ mix(seed);
  for (const unsigned char c : text) {
    hash = (hash ^ c) * 0x100000001b3ULL;
  }
  return mix(hash);
}

DatasetSpec demo_dataset_spec(std::uint64_t seed) {
  DatasetSpec spec;
  spec.seed = seed;
  spec.playlists.push_back({"PLsimulatorDemoPlaylist01", 200});
  spec.channels.push_back({"UCsimulatorDemoChannel01", 100});
  spec.shares.push_back({"PLsimulatorDemoPlaylist01", "UCsimulatorDemoChannel01", 20});
  return spec;
}

Dataset::Dataset(const DatasetSpec& spec) : seed_(spec.seed) {
  for (const ChannelSpec& channel : spec.channels) {
    add_channel(channel);
  }

  for (const PlaylistSpec& playlist : spec.playlists) {
    const ShareSpec* share = nullptr;
    for (const ShareSpec& candidate : spec.shares) {
      if (candidate.playlist_id == playlist.id) {
        share = &candidate;
      }
    }
    add_playlist(playlist, share);
  }

  for (const ShareSpec& share : spec.shares) {
    if (!playlists_.contains(share.playlist_id)) {
      throw std::invalid_argument("--share " + share.playlist_id + "=" + share.channel_id +
                                  ": no --playlist " + share.playlist_id + " was given");
    }
  }
}

void Dataset::add_channel(const ChannelSpec& spec) {
  if (spec.id.size() < 3 || !spec.id.starts_with("UC")) {
    throw std::invalid_argument("--channel " + spec.id + ": a channel id starts with \"UC\"");
  }
  if (channels_.contains(spec.id)) {
    throw std::invalid_argument("--channel " + spec.id + ": given twice");
  }

  Channel channel{spec.id, "Simulated channel " + spec.id.substr(2), "UU" + spec.id.substr(2)};
  Playlist uploads{
      channel.uploads_id, "Uploads from " + channel.title, channel.id, channel.title, true, 0, {}};
  for (std::size_t position = 0; position < spec.size; ++position) {
    add_upload(uploads, position);
  }

  if (spec.size >= kMinUploadsWithVanishing) {
    videos_[uploads.entries.back().video_id].vanishing = true;
  }
  playlists_[uploads.id] = std::move(uploads);
  channels_[channel.id] = std::move(channel);
}

void Dataset::add_playlist(const PlaylistSpec& spec, const ShareSpec* share) {
  if (spec.id.empty() || playlists_.contains(spec.id)) {
    throw std::invalid_argument("--playlist " + spec.id + ": empty or given twice");
  }

  const std::string owner = "UC" + make_id(seed_, "playlist-owner:" + spec.id, 22);
  Playlist playlist{spec.id, "Simulated playlist " + spec.id, owner, "Simulated curator", false, 0,
                    {}};
  if (share != nullptr) {
    const Channel* channel = find_channel(share->channel_id);
    if (channel == nullptr) {
      throw std::invalid_argument("--share " + share->playlist_id + "=" + share->channel_id +
                                  ": no --channel " + share->channel_id + " was given");
    }
    const Playlist& uploads = playlists_.at(channel->uploads_id);
    playlist.shared_count = std::min({share->count, uploads.entries.size(), spec.size});
    for (std::size_t position = 0; position < playlist.shared_count; ++position) {
      playlist.entries.push_back(
          make_entry(playlist, position, uploads.entries[position].video_id));
    }
  }

  for (std::size_t position = playlist.shared_count; position < spec.size; ++position) {
    add_own_entry(playlist, position);
  }
  playlists_[playlist.id] = std::move(playlist);
}

void Dataset::add_upload(Playlist& uploads, std::size_t position) {
  Video video = make_video(uploads.channel_id, position, uploads.channel_id, uploads.channel_title);
  const std::uint64_t noise = stable_hash(seed_, "published:" + video.id);
  const std::int64_t age = static_cast<std::int64_t>(position) * 129600 + noise % 3600;
  video.published_at = rfc3339(kUploadsNewest - age, position, noise);

  uploads.entries.push_back(make_entry(uploads, position, video.id));
  videos_[video.id] = std::move(video);
}

void Dataset::add_own_entry(Playlist& playlist, std::size_t position) {
  const std::size_t phase = position % kQuirkCycle;
  if (phase == kDuplicateAt && position != playlist.shared_count + kVanishingAfterShared) {
    const std::string& earlier = playlist.entries[position - kDuplicateDistance].video_id;
    PlaylistEntry entry = make_entry(playlist, position, earlier);
    entry.duplicate = true;
    playlist.entries.push_back(std::move(entry));
    return;
  }

  const std::size_t owner_index =
      stable_hash(seed_, playlist.id + std::to_string(position)) % kOwnerChannels;
  const std::string owner_key = "owner:" + std::to_string(owner_index);
  Video video = make_video(playlist.id, position, "UC" + make_id(seed_, owner_key, 22),
                           "Simulated creator " + std::to_string(owner_index));
  PlaylistEntry entry = make_entry(playlist, position, video.id);
  if (position == playlist.shared_count + kVanishingAfterShared) {
    video.vanishing = true;
  } else if (phase == kDeletedAt) {
    entry.state = EntryState::kDeleted;
  } else if (phase == kPrivateAt) {
    entry.state = EntryState::kPrivate;
  }

  // Deleted and private videos are unknown to videos.list, so they never enter the catalogue.
  if (entry.state == EntryState::kAvailable) {
    videos_[video.id] = std::move(video);
  }
  playlist.entries.push_back(std::move(entry));
}

Video Dataset::make_video(const std::string& owner_key, std::size_t position,
                          const std::string& channel_id, const std::string& channel_title) {
  Video video;
  video.id = make_id(seed_, "video:" + owner_key + ":" + std::to_string(position), 11);
  video.title = "Simulated video " + std::to_string(position) + " of " + owner_key;
  video.channel_id = channel_id;
  video.channel_title = channel_title;

  const std::uint64_t noise = stable_hash(seed_, "traits:" + video.id);
  video.published_at =
      rfc3339(kOwnVideosEpoch + static_cast<std::int64_t>(noise % kTwelveYears), position, noise);
  video.duration = "PT" + std::to_string(noise % 40) + "M" + std::to_string(noise % 60) + "S";
  video.has_thumbnail = position % kNoThumbnailCycle != kNoThumbnailAt;
  video.likes_hidden = position % kLikesHiddenCycle == kLikesHiddenAt;
  video.comments_disabled = position % kCommentsDisabledCycle == kCommentsDisabledAt;

  const std::uint64_t views =
      position % kBigViewsCycle == 0 ? kBigViewsBase + noise % 1'000'000'000 : noise % 5'000'000;
  video.base = Statistics{views, views / 40, views / 400};
  video.views_per_second = 0.2 + static_cast<double>((noise >> 20) % 1000) / 100.0;
  return video;
}

PlaylistEntry Dataset::make_entry(const Playlist& playlist, std::size_t position,
                                  const std::string& video_id) const {
  PlaylistEntry entry;
  entry.item_id = base64url(playlist.id + "." + std::to_string(position));
  entry.video_id = video_id;
  entry.added_at = item_timestamp(position);
  return entry;
}

const Video* Dataset::find_video(const std::string& id) const {
  const auto found = videos_.find(id);
  return found == videos_.end() ? nullptr : &found->second;
}

const Playlist* Dataset::find_playlist(const std::string& id) const {
  const auto found = playlists_.find(id);
  return found == playlists_.end() ? nullptr : &found->second;
}

const Channel* Dataset::find_channel(const std::string& id) const {
  const auto found = channels_.find(id);
  return found == channels_.end() ? nullptr : &found->second;
}

bool Dataset::append(const std::string& playlist_id, std::size_t count) {
  const auto found = playlists_.find(playlist_id);
  if (found == playlists_.end()) {
    return false;
  }

  Playlist& playlist = found->second;
  for (std::size_t added = 0; added < count; ++added) {
    if (playlist.uploads) {
      add_upload(playlist, playlist.entries.size());
    } else {
      add_own_entry(playlist, playlist.entries.size());
    }
  }
  return true;
}

Statistics Dataset::statistics_at(const Video& video, double elapsed_seconds) {
  const double views_gained = video.views_per_second * elapsed_seconds;
  Statistics now = video.base;
  now.views += static_cast<std::uint64_t>(views_gained);
  now.likes += static_cast<std::uint64_t>(views_gained / 40);
  now.comments += static_cast<std::uint64_t>(views_gained / 400);
  return now;
}

std::vector<std::string> Dataset::playlist_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, playlist] : playlists_) {
    ids.push_back(id);
  }
  return ids;
}

}  // namespace ytsim
