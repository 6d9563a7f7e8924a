// The file where the Kafka sink keeps records it could not deliver before shutting down, so the
// next start delivers them before anything new.
//
// Format (all integers little-endian): the 8 bytes "YTPSPOOL", a u32 format version (1), then one
// frame per record: u32 body size, u32 CRC-32 of the body, body. A body is u32 key size, key,
// u32 value size, value, i64 timestamp in ms, u32 header count, then per header u32 key size,
// key, u32 value size, value. The CRC lets a reader tell a torn or damaged tail from data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ytpipe::kafka {

struct SpooledRecord {
  std::string key;
  std::string value;
  std::int64_t timestamp_ms = 0;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct SpoolContents {
  std::vector<SpooledRecord> records;  // every intact record before the first damaged frame
  // Set when the file does not end cleanly: where the damage starts and what it is.
  std::optional<std::string> damage;
};

// Replaces `path` with `records` atomically (a temporary file, fsynced, renamed over it, the
// folder fsynced), creating the folder if needed. Throws std::runtime_error naming the path.
void write_spool(const std::filesystem::path& path, std::span<const SpooledRecord> records);

// Reads a spool. Never throws for damaged content (see SpoolContents::damage); throws
// std::runtime_error only when the file cannot be opened or is not a spool at all.
SpoolContents read_spool(const std::filesystem::path& path);

}  // namespace ytpipe::kafka
