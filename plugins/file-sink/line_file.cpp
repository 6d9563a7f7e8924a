#include "line_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

namespace ytpipe::file_sink {
namespace {

constexpr std::size_t kScanBlockBytes = 64 * 1024;

std::string describe(int error) {
  return std::generic_category().message(error);
}

}  // namespace

std::optional<SyncPolicy> parse_sync_policy(std::string_view text) {
  if (text == "always") {
    return SyncPolicy::Always;
  }
  if (text == "batch") {
    return SyncPolicy::Batch;
  }
  if (text == "never") {
    return SyncPolicy::Never;
  }
  return std::nullopt;
}

LineFile::LineFile(LineFileOptions options) : options_(std::move(options)) {
  const std::filesystem::path parent = options_.path.parent_path();
  std::error_code error;
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, error);
    if (error) {
      throw PathError("cannot create folder " + parent.string() + ": " + error.message());
    }
  }

  const bool existed = std::filesystem::exists(options_.path, error);
  open_current();

  if (!existed) {
    sync_directory();
  }
  repair_partial_last_line();
}

LineFile::~LineFile() {
  close_current();
}

void LineFile::open_current() {
  fd_ = ::open(options_.path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw PathError("cannot open " + options_.path.string() + " for appending: " + describe(errno));
  }

  struct stat status {};
  if (::fstat(fd_, &status) != 0) {
    const int error = errno;
    close_current();
    throw PathError("cannot inspect " + options_.path.string() + ": " + describe(error));
  }
  if (!S_ISREG(status.st_mode)) {
    close_current();
    throw PathError(options_.path.string() + " is not a regular file");
  }
  size_ = static_cast<std::uint64_t>(status.st_size);
}

void LineFile::close_current() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void LineFile::repair_partial_last_line() {
  const std::uint64_t keep = offset_after_last_newline();
  if (keep == size_) {
    return;
  }

  if (::ftruncate(fd_, static_cast<off_t>(keep)) != 0) {
    fail("cannot cut off a partial last line", errno);
  }
  repaired_bytes_ = size_ - keep;
  size_ = keep;
  sync();
}

// Reads backwards from the end in blocks; a file of whole lines stops after one byte.
std::uint64_t LineFile::offset_after_last_newline() const {
  std::vector<char> block(kScanBlockBytes);
  std::uint64_t end = size_;
  while (end > 0) {
    const std::uint64_t length = std::min<std::uint64_t>(end, block.size());
    const std::uint64_t start = end - length;
    const ssize_t got = ::pread(fd_, block.data(), length, static_cast<off_t>(start));
    if (got != static_cast<ssize_t>(length)) {
      fail("cannot read back the last line", got < 0 ? errno : EIO);
    }

    const void* newline = ::memrchr(block.data(), '\n', length);
    if (newline != nullptr) {
      return start + static_cast<std::uint64_t>(static_cast<const char*>(newline) - block.data()) +
             1;
    }
    end = start;
  }
  return 0;
}

void LineFile::commit(std::string_view lines) {
  const std::uint64_t start = size_;
  append(lines);

  try {
    sync();
  } catch (const WriteError&) {
    (void)::ftruncate(fd_, static_cast<off_t>(start));
    size_ = start;
    throw;
  }
}

void LineFile::append(std::string_view lines) {
  const std::uint64_t start = size_;
  std::size_t done = 0;
  while (done < lines.size()) {
    const ssize_t wrote = ::write(fd_, lines.data() + done, lines.size() - done);
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote < 0) {
      const int error = errno;
      // Cutting back keeps the file made of whole lines; the caller offers these lines again.
      (void)::ftruncate(fd_, static_cast<off_t>(start));
      fail("cannot write " + std::to_string(lines.size()) + " bytes", error);
    }
    done += static_cast<std::size_t>(wrote);
  }
  size_ = start + lines.size();
}

void LineFile::sync() const {
  if (options_.sync != SyncPolicy::Never && ::fdatasync(fd_) != 0) {
    fail("cannot fsync", errno);
  }
}

void LineFile::truncate_to(std::uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    fail("cannot cut back to " + std::to_string(size) + " bytes", errno);
  }
  size_ = size;
}

bool LineFile::needs_rotation_before(std::uint64_t bytes) const {
  return options_.max_bytes > 0 && size_ > 0 && size_ + bytes > options_.max_bytes;
}

std::filesystem::path LineFile::rotated_path(std::uint32_t index) const {
  std::filesystem::path rotated = options_.path;
  rotated += ".";
  rotated += std::to_string(index);
  return rotated;
}

// Everything acknowledged is already synced (or, with `never`, was never promised to be), so
// renames lose nothing; one directory fsync at the end makes the new names durable together.
void LineFile::rotate() {
  if (options_.max_files == 0) {
    remove_if_present(options_.path);
  } else {
    remove_if_present(rotated_path(options_.max_files));
    for (std::uint32_t index = options_.max_files - 1; index >= 1; --index) {
      rename_if_present(rotated_path(index), rotated_path(index + 1));
    }
    rename_if_present(options_.path, rotated_path(1));
  }

  close_current();
  open_current();
  sync_directory();
  ++rotations_;
}

void LineFile::remove_if_present(const std::filesystem::path& path) const {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    fail("cannot delete " + path.string() + " to rotate", errno);
  }
}

void LineFile::rename_if_present(const std::filesystem::path& from,
                                 const std::filesystem::path& to) const {
  if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
    fail("cannot rename " + from.string() + " to " + to.string(), errno);
  }
}

void LineFile::sync_directory() {
  if (options_.sync == SyncPolicy::Never) {
    return;
  }

  std::filesystem::path folder = options_.path.parent_path();
  if (folder.empty()) {
    folder = ".";
  }
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fail("cannot open its folder to fsync it", errno);
  }
  const int result = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (result != 0) {
    fail("cannot fsync its folder", error);
  }
}

void LineFile::fail(const std::string& action, int error) const {
  throw WriteError(options_.path.string() + ": " + action + ": " + describe(error));
}

}  // namespace ytpipe::file_sink
