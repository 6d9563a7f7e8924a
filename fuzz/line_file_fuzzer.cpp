// Fuzzes the file sink's crash repair: whatever bytes an earlier run left in the file, opening it
// must keep exactly the whole lines (the longest prefix ending in '\n') and appending afterwards
// must leave a file of whole lines again.
//
// Input: byte 0 picks how many KiB of filler go first (0..159), byte 1 is the filler byte, and
// the rest follows it. The filler lets small inputs reach files that span the repair's 64 KiB
// read-back blocks, with or without a newline in each.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "line_file.hpp"

namespace {

using ytpipe::file_sink::LineFile;
using ytpipe::file_sink::LineFileOptions;
using ytpipe::file_sink::SyncPolicy;

constexpr std::size_t kFillerUnitBytes = 1024;
constexpr std::size_t kFillerUnits = 160;
constexpr std::string_view kAppendedLine = "{\"video_id\":\"dQw4w9WgXcQ\",\"views\":1}\n";

// One folder for the whole run, removed at exit; a crash leaves it behind for a look.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ytpipe-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

[[noreturn]] void violated(const char* invariant) {
  std::fprintf(stderr, "line_file invariant violated: %s\n", invariant);
  std::abort();
}

void require(bool holds, const char* invariant) {
  if (!holds) {
    violated(invariant);
  }
}

std::string file_contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  require(out.good(), "the test file could be written");
}

std::string existing_contents(const std::uint8_t* data, std::size_t size) {
  if (size < 2) {
    return std::string(reinterpret_cast<const char*>(data), size);
  }
  const std::size_t filler = (data[0] % kFillerUnits) * kFillerUnitBytes;
  std::string contents(filler, static_cast<char>(data[1]));
  contents.append(reinterpret_cast<const char*>(data) + 2, size - 2);
  return contents;
}

// What the repair must keep: everything up to and including the last '\n'.
std::string_view whole_lines(std::string_view contents) {
  const std::size_t last_newline = contents.rfind('\n');
  return last_newline == std::string_view::npos ? std::string_view{}
                                                : contents.substr(0, last_newline + 1);
}

void check_repair(const LineFile& file, std::string_view before) {
  const std::string after = file_contents(file.path());
  const std::string_view expected = whole_lines(before);

  require(after.empty() || after.back() == '\n', "a repaired file is empty or ends with a newline");
  require(before.starts_with(after), "a repaired file is a prefix of what was there");
  require(after == expected, "the repair keeps every whole line");
  require(file.size() == after.size(), "size() matches the file on disk");
  require(file.repaired_bytes() == before.size() - after.size(),
          "repaired_bytes() counts the bytes cut off");
}

void check_append(LineFile& file, std::string_view repaired) {
  file.commit(kAppendedLine);

  const std::string after = file_contents(file.path());
  require(after.size() == repaired.size() + kAppendedLine.size(), "an append adds its bytes");
  require(after.starts_with(repaired) && after.ends_with(kAppendedLine),
          "an append goes after the kept lines, unchanged");
  require(file.size() == after.size(), "size() follows an append");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFolder folder;
  const std::filesystem::path path = folder.path() / "records.jsonl";

  const std::string before = existing_contents(data, size);
  write_file(path, before);

  // `never` skips the fsyncs: they cost milliseconds and change nothing the repair decides.
  LineFile file(LineFileOptions{.path = path, .sync = SyncPolicy::Never});
  check_repair(file, before);

  check_append(file, whole_lines(before));
  return 0;
}
