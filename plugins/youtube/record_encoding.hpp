// Schema v1 of the records the source emits: one JSON object per video and refresh.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "response_parsing.hpp"

namespace ytpipe::youtube {

inline constexpr const char* kSchemaName = "youtube.video.v1";

// RFC 3339 UTC with milliseconds: "2026-12-03T18:52:07.123Z".
std::string format_fetched_at(std::int64_t unix_ms);

// The record value. `playlist_id` is empty for a video tracked directly through `videos`.
std::string encode_video_record(const VideoStats& video,
                                const std::optional<std::string>& playlist_id,
                                std::int64_t fetched_at_ms);

}  // namespace ytpipe::youtube
