// An append-only file of newline-terminated lines, with a sync policy and size-based rotation.
// It knows nothing of records or the plugin ABI, so tests drive it directly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ytpipe::file_sink {

enum class SyncPolicy {
  Always,  // the caller commits each line on its own; every commit ends with an fsync
  Batch,   // every commit ends with an fsync
  Never,   // commits end after write(2): safe from a process crash, not from a power loss
};

std::optional<SyncPolicy> parse_sync_policy(std::string_view text);

struct LineFileOptions {
  std::filesystem::path path;
  SyncPolicy sync = SyncPolicy::Batch;
  std::uint64_t max_bytes = 0;  // 0: never rotate
  std::uint32_t max_files = 5;  // rotated files kept beside `path`, as path.1 (newest) .. path.N
};

// The path cannot be used at all (a folder, a parent that cannot be created, no permission).
class PathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reading or writing an open file failed (disk full, I/O error); retrying later may succeed.
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LineFile {
 public:
  // Opens `options.path` for appending, creating missing parent folders. A last line without
  // its newline is the remains of a write that was never acknowledged: it is cut off, and
  // repaired_bytes() says how many bytes went. Throws PathError or WriteError.
  explicit LineFile(LineFileOptions options);
  ~LineFile();

  LineFile(const LineFile&) = delete;
  LineFile& operator=(const LineFile&) = delete;

  // Appends `lines` (whole lines, each ending in '\n') in one go and syncs them per the policy.
  // On failure the file is cut back to where it was, so no partial line stays behind, and a
  // WriteError names the path and the system's reason.
  void commit(std::string_view lines);

  // commit() in two steps, for a caller that syncs on another thread: append() writes without
  // syncing (cutting back on failure like commit()); sync() is fdatasync unless the policy is
  // `never`, and may run while another thread appends.
  void append(std::string_view lines);
  void sync() const;

  // Cuts the file back to `size` bytes, dropping lines that were written but never synced.
  void truncate_to(std::uint64_t size);

  // True when appending `bytes` more would take a non-empty file past max_bytes. A line larger
  // than max_bytes therefore still goes whole into a file of its own.
  bool needs_rotation_before(std::uint64_t bytes) const;

  // Shifts path -> path.1 -> path.2 ..., deletes the one past max_files, and starts a new file.
  void rotate();

  std::uint64_t size() const { return size_; }
  std::uint64_t repaired_bytes() const { return repaired_bytes_; }
  std::uint64_t rotations() const { return rotations_; }
  const std::filesystem::path& path() const { return options_.path; }

 private:
  void open_current();
  void repair_partial_last_line();
  std::uint64_t offset_after_last_newline() const;
  void sync_directory();
  std::filesystem::path rotated_path(std::uint32_t index) const;
  void remove_if_present(const std::filesystem::path& path) const;
  void rename_if_present(const std::filesystem::path& from, const std::filesystem::path& to) const;
  void close_current();
  [[noreturn]] void fail(const std::string& action, int error) const;

  LineFileOptions options_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t repaired_bytes_ = 0;
  std::uint64_t rotations_ = 0;
};

}  // namespace ytpipe::file_sink
