// The `file` sink inside real pipelines: the `ytpipe` executable run as a child process with the
// generator source, as a user runs it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ytpipe_process.hpp"

namespace ytpipe::file_sink {
namespace {

namespace fs = std::filesystem;
using ytpipe::test::ProcessResult;
using ytpipe::test::run_ytpipe;

// The generator's value starts {"seq":N, ; returns -1 for a line that does not.
long sequence_number(const std::string& line) {
  constexpr std::string_view kPrefix = "{\"seq\":";
  long seq = -1;
  if (line.starts_with(kPrefix)) {
    std::from_chars(line.data() + kPrefix.size(), line.data() + line.size(), seq);
  }
  return seq;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// True when `lines` are exactly the generator's records first, first + 1, ..., in order.
::testing::AssertionResult numbered_in_order(const std::vector<std::string>& lines, long first,
                                             long count) {
  if (static_cast<long>(lines.size()) != count) {
    return ::testing::AssertionFailure() << lines.size() << " lines, expected " << count;
  }
  for (long index = 0; index < count; ++index) {
    if (sequence_number(lines[index]) != first + index) {
      return ::testing::AssertionFailure()
             << "line " << index << " is \"" << lines[index].substr(0, 40) << "\", expected seq "
             << first + index;
    }
  }
  return ::testing::AssertionSuccess();
}

class FileSinkPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("ytpipe-file-pipeline-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }

  void TearDown() override {
    if (!HasFailure()) {
      fs::remove_all(folder_);
    }
  }

  // A manifest with one generator of `count` records feeding the [[sink]] tables in `sinks`.
  fs::path manifest(long count, const std::string& sinks) const {
    const fs::path file = folder_ / "pipeline.toml";
    std::ofstream(file) << "[host]\n"
                        << "plugin_dirs = [\"" << YTPIPE_PLUGIN_DIR << "\"]\n"
                        << "data_dir = \"" << (folder_ / "data").string() << "\"\n\n"
                        << "[[source]]\nname = \"numbers\"\nplugin = \"generator\"\n"
                        << "[source.config]\ncount = " << count << "\npayload_bytes = 64\n\n"
                        << sinks;
    return file;
  }

  static std::string file_sink(const std::string& name, const fs::path& path,
                               const std::string& extra = "") {
    return "[[sink]]\nname = \"" + name + "\"\nplugin = \"file\"\n[sink.config]\npath = \"" +
           path.string() + "\"\n" + extra + "\n";
  }

  ProcessResult run(const fs::path& manifest_file) const {
    return run_ytpipe({"run", manifest_file.string(), "--once"}, folder_ / "ytpipe.log");
  }

  fs::path folder_;
};

TEST_F(FileSinkPipelineTest, OneHundredThousandRecordsArriveAsLinesInOrder) {
  const fs::path out = folder_ / "out" / "videos.jsonl";

  const ProcessResult result = run(manifest(100'000, file_sink("archive", out)));

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_TRUE(numbered_in_order(lines_of(out), 0, 100'000));
}

TEST_F(FileSinkPipelineTest, FanOutDeliversEveryRecordToEachFileSink) {
  const fs::path first = folder_ / "first.jsonl";
  const fs::path second = folder_ / "second.jsonl";

  const ProcessResult result = run(manifest(
      20'000, file_sink("first", first) + file_sink("second", second, "fsync = \"never\"")));

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_TRUE(numbered_in_order(lines_of(first), 0, 20'000));
  EXPECT_TRUE(numbered_in_order(lines_of(second), 0, 20'000));
}

TEST_F(FileSinkPipelineTest, APartialLastLineFromACrashIsCutBeforeNewLinesFollow) {
  const fs::path out = folder_ / "videos.jsonl";
  std::ofstream(out) << "{\"seq\":7}\n{\"seq\":8}\n{\"seq\":9,\"payl";

  const ProcessResult result = run(manifest(1'000, file_sink("archive", out)));

  ASSERT_EQ(result.exit_code, 0) << result.log;
  const std::vector<std::string> lines = lines_of(out);
  ASSERT_EQ(lines.size(), 1'002u);
  EXPECT_EQ(lines[0], "{\"seq\":7}");
  EXPECT_EQ(lines[1], "{\"seq\":8}");
  EXPECT_TRUE(numbered_in_order({lines.begin() + 2, lines.end()}, 0, 1'000));
  EXPECT_NE(result.log.find("cut 14 bytes of a partial last line"), std::string::npos)
      << result.log;
}

TEST_F(FileSinkPipelineTest, RotatedFilesTogetherHoldEveryRecordInOrder) {
  const fs::path out = folder_ / "videos.jsonl";

  const ProcessResult result =
      run(manifest(20'000, file_sink("archive", out, "max_bytes = 200000\nmax_files = 20")));

  ASSERT_EQ(result.exit_code, 0) << result.log;
  std::vector<std::string> all;
  for (int index = 20; index >= 0; --index) {
    const fs::path file = index == 0 ? out : fs::path(out.string() + "." + std::to_string(index));
    if (!fs::exists(file)) {
      continue;
    }
    EXPECT_LE(fs::file_size(file), 200'000u) << file;
    const std::vector<std::string> lines = lines_of(file);
    all.insert(all.end(), lines.begin(), lines.end());
  }
  EXPECT_TRUE(fs::exists(out.string() + ".5"));
  EXPECT_TRUE(numbered_in_order(all, 0, 20'000));
}

TEST_F(FileSinkPipelineTest, FsyncAlwaysDeliversEveryRecordOneByOne) {
  const fs::path out = folder_ / "videos.jsonl";

  const ProcessResult result = run(manifest(300, file_sink("archive", out, "fsync = \"always\"")));

  ASSERT_EQ(result.exit_code, 0) << result.log;
  EXPECT_TRUE(numbered_in_order(lines_of(out), 0, 300));
}

TEST_F(FileSinkPipelineTest, AFolderAsPathIsAConfigurationErrorNamingTheKey) {
  const ProcessResult result = run(manifest(10, file_sink("archive", folder_)));

  EXPECT_EQ(result.exit_code, 78) << result.log;
  EXPECT_NE(result.log.find("path"), std::string::npos) << result.log;
  EXPECT_NE(result.log.find("is a folder"), std::string::npos) << result.log;
}

}  // namespace
}  // namespace ytpipe::file_sink
