// The simulated YouTube catalogue: channels, their uploads playlists, ordinary playlists and the
// videos in them. Everything is derived from the seed and each entry's position, so two
// simulators started with the same options serve the same content. The quirk rules (which
// positions are deleted, private, repeated, vanishing...) are documented in docs/simulator.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ytsim {

struct PlaylistSpec {
  std::string id;
  std::size_t size = 0;
};

struct ChannelSpec {
  std::string id;  // starts with "UC"
  std::size_t size = 0;
};

// The playlist's first `count` entries are the channel's first uploads, in uploads order.
struct ShareSpec {
  std::string playlist_id;
  std::string channel_id;
  std::size_t count = 0;
};

struct DatasetSpec {
  std::uint64_t seed = 1;
  std::vector<PlaylistSpec> playlists;
  std::vector<ChannelSpec> channels;
  std::vector<ShareSpec> shares;
};

// The catalogue served when no playlist or channel is given on the command line.
DatasetSpec demo_dataset_spec(std::uint64_t seed);

struct Statistics {
  std::uint64_t views = 0;
  std::uint64_t likes = 0;
  std::uint64_t comments = 0;
};

struct Video {
  std::string id;
  std::string title;
  std::string channel_id;
  std::string channel_title;
  std::string published_at;
  std::string duration;
  bool has_thumbnail = true;
  bool likes_hidden = false;
  bool comments_disabled = false;
  bool vanishing = false;  // listed by playlistItems, omitted by videos.list
  Statistics base;
  double views_per_second = 0;
};

enum class EntryState { kAvailable, kDeleted, kPrivate };

struct PlaylistEntry {
  std::string item_id;
  std::string video_id;
  EntryState state = EntryState::kAvailable;
  bool duplicate = false;  // the video already appears earlier in the same playlist
  std::string added_at;
};

struct Playlist {
  std::string id;
  std::string title;
  std::string channel_id;
  std::string channel_title;
  bool uploads = false;
  std::size_t shared_count = 0;  // leading entries taken from a channel's uploads
  std::vector<PlaylistEntry> entries;
};

struct Channel {
  std::string id;
  std::string title;
  std::string uploads_id;
};

// Not thread-safe: the server guards it with a reader/writer lock.
class Dataset {
 public:
  // Throws std::invalid_argument naming the offending option value.
  explicit Dataset(const DatasetSpec& spec);

  const Video* find_video(const std::string& id) const;
  const Playlist* find_playlist(const std::string& id) const;
  const Channel* find_channel(const std::string& id) const;

  // Adds `count` new videos at the end of the playlist; returns false for an unknown playlist.
  bool append(const std::string& playlist_id, std::size_t count);

  // Counts at `elapsed_seconds` of simulated time after the start: base + rate × elapsed.
  static Statistics statistics_at(const Video& video, double elapsed_seconds);

  std::uint64_t seed() const { return seed_; }
  std::vector<std::string> playlist_ids() const;

 private:
  void add_channel(const ChannelSpec& spec);
  void add_playlist(const PlaylistSpec& spec, const ShareSpec* share);
  void add_upload(Playlist& uploads, std::size_t position);
  void add_own_entry(Playlist& playlist, std::size_t position);
  Video make_video(const std::string& owner_key, std::size_t position,
                   const std::string& channel_id, const std::string& channel_title);
  PlaylistEntry make_entry(const Playlist& playlist, std::size_t position,
                           const std::string& video_id) const;

  std::uint64_t seed_;
  std::map<std::string, Video> videos_;
  std::map<std::string, Playlist> playlists_;
  std::map<std::string, Channel> channels_;
};

// Stable 64-bit hash of the seed and some text; the basis of every generated id and number.
std::uint64_t stable_hash(std::uint64_t seed, const std::string& text);

}  // namespace ytsim
