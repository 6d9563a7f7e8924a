#include "source_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

namespace ytpipe::youtube {
namespace {

const ytpipe::ConfigKey kKeys[] = {
    {.name = "api_key",
     .type = ytpipe::ConfigType::String,
     .doc = "YouTube Data API v3 key; write \"${YOUTUBE_API_KEY}\" to keep it out of the file "
            "(give this or api_key_file)",
     .secret = true},
    {.name = "api_key_file",
     .type = ytpipe::ConfigType::String,
     .doc = "path of a file holding the API key alone (surrounding whitespace ignored); "
            "instead of api_key"},
    {.name = "api_base",
     .type = ytpipe::ConfigType::String,
     .default_value = "https://www.googleapis.com/youtube/v3",
     .doc = "base URL of the API; point it at the bundled simulator for offline runs"},
    {.name = "playlists",
     .type = ytpipe::ConfigType::StringList,
     .doc = "playlist ids (PL...) whose videos are tracked"},
    {.name = "channels",
     .type = ytpipe::ConfigType::StringList,
     .doc = "channel ids (UC...) whose uploads are tracked"},
    {.name = "videos",
     .type = ytpipe::ConfigType::StringList,
     .doc = "video ids tracked directly (their records have playlist_id null)"},
    {.name = "interval",
     .type = ytpipe::ConfigType::Duration,
     .default_value = "60s",
     .doc = "time between statistics refreshes; stretched when daily_quota cannot afford it"},
    {.name = "daily_quota",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "10000",
     .doc = "units this key may spend per Pacific day; refreshes are planned to fit"},
    {.name = "membership_interval",
     .type = ytpipe::ConfigType::Duration,
     .default_value = "1h",
     .doc = "re-read playlist membership at least this often even if itemCount is unchanged"},
    {.name = "concurrency",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "8",
     .doc = "API calls in flight at once (1-64)"},
    {.name = "request_timeout",
     .type = ytpipe::ConfigType::Duration,
     .default_value = "10s",
     .doc = "how long one API call may take before it is retried"},
    {.name = "max_retries",
     .type = ytpipe::ConfigType::Integer,
     .default_value = "4",
     .doc = "retries of a call after 5xx, 429, timeouts, resets or malformed bodies (0-10)"},
    {.name = "ca_file",
     .type = ytpipe::ConfigType::String,
     .doc = "PEM bundle of CA certificates for HTTPS; empty uses the system store"},
};

const std::regex kPlaylistId("[A-Za-z0-9_-]{2,64}");
const std::regex kChannelId("UC[A-Za-z0-9_-]{2,62}");
const std::regex kVideoId("[A-Za-z0-9_-]{6,32}");

void check_ids(const std::string& key, const std::vector<std::string>& ids, const std::regex& shape,
               const std::string& expected) {
  for (const std::string& id : ids) {
    if (std::regex_match(id, shape)) {
      continue;
    }
    std::string message = key + ": \"" + id + "\" is not " + expected;
    if (id.find("youtube.com") != std::string::npos || id.find('=') != std::string::npos) {
      message += "; give the id alone, not a URL (for a playlist, the part after \"list=\")";
    }
    throw ytpipe::ConfigError(key, message);
  }
}

std::int64_t integer_in(const ytpipe::Config& config, const std::string& key, std::int64_t low,
                        std::int64_t high) {
  const std::int64_t value = config.integer(key);
  if (value < low || value > high) {
    throw ytpipe::ConfigError(key, key + ": expected " + std::to_string(low) + " to " +
                                       std::to_string(high) + ", found " + std::to_string(value));
  }
  return value;
}

std::chrono::milliseconds duration_at_least(const ytpipe::Config& config, const std::string& key,
                                            std::chrono::milliseconds low, const char* low_text) {
  const std::chrono::milliseconds value = config.duration(key);
  if (value < low) {
    throw ytpipe::ConfigError(key, key + ": expected at least " + std::string(low_text) +
                                       ", found " + std::to_string(value.count()) + "ms");
  }
  return value;
}

void check_readable_file(const std::string& key, const std::string& path) {
  if (path.empty()) {
    return;
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error) || access(path.c_str(), R_OK) != 0) {
    throw ytpipe::ConfigError(key, key + ": \"" + path + "\" is not a readable file");
  }
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Errors name the path and what is wrong, never the file's content: that is the secret.
std::string read_key_file(const std::string& path) {
  const std::string key = "api_key_file";
  if (path.empty()) {
    throw ytpipe::ConfigError(key, key +
                                       ": expected the path of a file holding the API key, "
                                       "found an empty string");
  }
  check_readable_file(key, path);
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw ytpipe::ConfigError(key, key + ": \"" + path + "\" could not be read");
  }

  const auto first = std::find_if_not(text.begin(), text.end(), is_space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), is_space).base();
  if (first >= last) {
    throw ytpipe::ConfigError(key, key + ": \"" + path + "\" is empty; expected the API key");
  }
  if (std::any_of(first, last, is_space)) {
    throw ytpipe::ConfigError(
        key, key + ": \"" + path + "\" holds more than one word; expected the API key alone");
  }
  return std::string(first, last);
}

// Exactly one of api_key and api_key_file: with both, which one wins would be a guess.
std::string read_api_key(const ytpipe::Config& config) {
  const bool inline_key = config.has("api_key");
  const bool key_file = config.has("api_key_file");
  if (inline_key && key_file) {
    throw ytpipe::ConfigError("api_key_file",
                              "api_key_file: give either api_key or api_key_file, not both");
  }
  if (key_file) {
    return read_key_file(config.string("api_key_file"));
  }
  if (!inline_key) {
    throw ytpipe::ConfigError("api_key",
                              "api_key: expected a YouTube Data API key, either as api_key "
                              "(e.g. \"${YOUTUBE_API_KEY}\") or in a file named by api_key_file");
  }
  std::string api_key = config.string("api_key");
  if (api_key.empty()) {
    throw ytpipe::ConfigError("api_key",
                              "api_key: expected a YouTube Data API key, found an empty "
                              "string (is YOUTUBE_API_KEY set?)");
  }
  return api_key;
}

Endpoint read_endpoint(const ytpipe::Config& config) {
  try {
    return Endpoint::parse(config.string("api_base"));
  } catch (const std::invalid_argument& e) {
    throw ytpipe::ConfigError("api_base", std::string("api_base: ") + e.what());
  }
}

}  // namespace

std::span<const ytpipe::ConfigKey> config_keys() {
  return kKeys;
}

SourceSettings read_settings(const ytpipe::Config& config) {
  SourceSettings settings;
  settings.api.api_key = read_api_key(config);
  settings.api.endpoint = read_endpoint(config);

  settings.playlists = config.strings("playlists");
  settings.channels = config.strings("channels");
  settings.videos = config.strings("videos");
  check_ids("playlists", settings.playlists, kPlaylistId, "a playlist id");
  check_ids("channels", settings.channels, kChannelId,
            "a channel id (UC followed by 22 characters)");
  check_ids("videos", settings.videos, kVideoId, "a video id");
  if (settings.playlists.empty() && settings.channels.empty() && settings.videos.empty()) {
    throw ytpipe::ConfigError("playlists",
                              "nothing to track: give at least one id in playlists, "
                              "channels or videos");
  }

  settings.interval = duration_at_least(config, "interval", std::chrono::seconds(1), "1s");
  settings.membership_interval =
      duration_at_least(config, "membership_interval", std::chrono::seconds(1), "1s");
  settings.daily_quota = integer_in(config, "daily_quota", 1, 1'000'000'000);
  settings.api.concurrency = static_cast<int>(integer_in(config, "concurrency", 1, 64));
  settings.api.request_timeout =
      duration_at_least(config, "request_timeout", std::chrono::milliseconds(100), "100ms");
  settings.api.max_retries = static_cast<int>(integer_in(config, "max_retries", 0, 10));
  settings.api.ca_file = config.string_or("ca_file", "");
  check_readable_file("ca_file", settings.api.ca_file);
  return settings;
}

}  // namespace ytpipe::youtube
