// The four list calls of the YouTube Data API v3 over a Dataset: parameter checks, paging and the
// response bodies. Transport concerns (key, quota, faults, fields, gzip) live in the server.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

#include "api_error.hpp"
#include "dataset.hpp"

namespace ytsim {

using Query = std::map<std::string, std::string>;

struct ApiReply {
  int http_status = 200;
  Poco::JSON::Object::Ptr body;
};

class ApiResources {
 public:
  // `elapsed_seconds` is simulated time since start, for the growing statistics.
  ApiResources(const Dataset& dataset, double elapsed_seconds)
      : dataset_(dataset), elapsed_seconds_(elapsed_seconds) {}

  ApiReply list_videos(const Query& query) const;
  ApiReply list_playlist_items(const Query& query) const;
  ApiReply list_playlists(const Query& query) const;
  ApiReply list_channels(const Query& query) const;

 private:
  Poco::JSON::Object::Ptr video_item(const Video& video, const std::string& parts) const;
  Poco::JSON::Object::Ptr playlist_item(const Playlist& playlist, std::size_t position,
                                        const std::string& parts) const;
  std::string page_token(const std::string& playlist_id, std::size_t offset) const;
  bool read_page_token(const std::string& token, const std::string& playlist_id,
                       std::size_t& offset) const;

  const Dataset& dataset_;
  double elapsed_seconds_;
};

// A reply carrying the error, for the server's own checks.
inline ApiReply error_reply(const ApiError& error) {
  return {error.http_status, error.body};
}

}  // namespace ytsim
