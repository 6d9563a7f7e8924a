// The `youtube` source's config keys, read and checked without touching the network.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>
#include <ytpipe/sdk.hpp>

#include "api_client.hpp"

namespace ytpipe::youtube {

// The declared keys, with types, defaults and docs (what `ytpipe plugins` prints).
std::span<const ytpipe::ConfigKey> config_keys();

struct SourceSettings {
  ApiSettings api;
  std::vector<std::string> playlists;
  std::vector<std::string> channels;
  std::vector<std::string> videos;
  std::chrono::milliseconds interval{60'000};
  std::chrono::milliseconds membership_interval{3'600'000};
  std::int64_t daily_quota = 10'000;
};

// Reads and checks every key; throws ytpipe::ConfigError naming the key and what was expected.
SourceSettings read_settings(const ytpipe::Config& config);

}  // namespace ytpipe::youtube
