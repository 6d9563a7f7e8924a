// The `file` sink as the host sees it: the real shared library, loaded through Boost.DLL.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "plugin_under_test.hpp"

namespace ytpipe::file_sink::testing {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> numbered_values(int first, int count) {
  std::vector<std::string> values;
  for (int n = first; n < first + count; ++n) {
    values.push_back("{\"seq\":" + std::to_string(n) + "}");
  }
  return values;
}

std::string as_lines(const std::vector<std::string>& values) {
  std::string lines;
  for (const std::string& value : values) {
    lines += value + "\n";
  }
  return lines;
}

std::vector<std::uint64_t> ids(std::uint64_t first, std::uint64_t count) {
  std::vector<std::uint64_t> result;
  for (std::uint64_t id = first; id < first + count; ++id) {
    result.push_back(id);
  }
  return result;
}

class FileSinkPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("ytpipe-file-sink-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    settings_.path = folder_ / "out" / "videos.jsonl";
  }

  void TearDown() override {
    plugin_.destroy();
    fs::remove_all(folder_);
  }

  PluginUnderTest plugin_{YTPIPE_FILE_SINK_LIBRARY};
  SinkSettings settings_;
  fs::path folder_;
};

TEST_F(FileSinkPluginTest, DescribesItselfAsTheFileSinkWithDocumentedKeys) {
  const ytpipe_plugin_descriptor& descriptor = plugin_.descriptor();

  EXPECT_STREQ(descriptor.name, "file");
  EXPECT_EQ(descriptor.kind, YTPIPE_KIND_SINK);
  EXPECT_EQ(descriptor.extra_keys_doc, nullptr);
  std::set<std::string> names;
  for (std::size_t index = 0; index < descriptor.config_key_count; ++index) {
    const ytpipe_config_key& key = descriptor.config_keys[index];
    names.insert(key.name);
    EXPECT_GT(std::string(key.doc).size(), 20u) << key.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"path", "fsync", "max_bytes", "max_files"}));
}

TEST_F(FileSinkPluginTest, WritesEachValueAsOneLineAndAcknowledgesEveryRecord) {
  ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK);
  const std::vector<std::string> first = numbered_values(0, 100);
  const std::vector<std::string> second = numbered_values(100, 50);

  EXPECT_EQ(plugin_.write(first, 1).second, 100u);
  EXPECT_EQ(plugin_.write(second, 101).second, 50u);
  EXPECT_EQ(plugin_.flush().status, YTPIPE_OK);

  EXPECT_EQ(read_all(settings_.path), as_lines(first) + as_lines(second));
  EXPECT_EQ(plugin_.delivered(), ids(1, 150));
  EXPECT_TRUE(plugin_.failed().empty());
}

TEST_F(FileSinkPluginTest, EveryFsyncPolicyWritesAndAcknowledgesAllRecords) {
  for (const char* policy : {"always", "batch", "never"}) {
    fs::remove(settings_.path);
    settings_.fsync = policy;
    ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK) << policy;
    const std::size_t before = plugin_.delivered().size();

    plugin_.write(numbered_values(0, 20));
    plugin_.destroy();

    EXPECT_EQ(read_all(settings_.path), as_lines(numbered_values(0, 20))) << policy;
    EXPECT_EQ(plugin_.delivered().size() - before, 20u) << policy;
  }
}

TEST_F(FileSinkPluginTest, RefusesValuesThatWouldNotBeOneLineAsFailedAndWritesTheRest) {
  ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK);

  const auto [outcome, accepted] = plugin_.write({"{\"a\":1}", "{\"b\":\n2}", "", "{\"c\":3}"}, 10);

  EXPECT_EQ(outcome.status, YTPIPE_OK);
  EXPECT_EQ(accepted, 4u);
  EXPECT_EQ(plugin_.flush().status, YTPIPE_OK);
  EXPECT_EQ(read_all(settings_.path), "{\"a\":1}\n{\"c\":3}\n");
  EXPECT_EQ(plugin_.delivered(), (std::vector<std::uint64_t>{10, 13}));
  ASSERT_EQ(plugin_.failed().size(), 2u);
  EXPECT_NE(plugin_.failed().at(11).find("newline at byte 5"), std::string::npos);
  EXPECT_NE(plugin_.failed().at(12).find("empty"), std::string::npos);
  EXPECT_TRUE(plugin_.logged(YTPIPE_LOG_WARN, "refused 2 records"));
}

TEST_F(FileSinkPluginTest, RotatesWithoutSplittingLinesOrLosingAcknowledgedRecords) {
  settings_.max_bytes = 1000;
  settings_.max_files = 3;
  ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK);
  const std::vector<std::string> values = numbered_values(0, 300);

  for (int offset = 0; offset < 300; offset += 60) {
    const std::vector<std::string> batch(values.begin() + offset, values.begin() + offset + 60);
    ASSERT_EQ(plugin_.write(batch, static_cast<std::uint64_t>(offset) + 1).second, 60u);
  }

  EXPECT_EQ(plugin_.flush().status, YTPIPE_OK);

  // Oldest first: .3, .2, .1, then the live file; together they end with the newest records.
  std::string kept;
  for (const char* suffix : {".3", ".2", ".1", ""}) {
    const fs::path file = settings_.path.string() + suffix;
    ASSERT_TRUE(fs::exists(file)) << file;
    EXPECT_LE(fs::file_size(file), 1000u) << file;
    const std::string text = read_all(file);
    EXPECT_EQ(text.back(), '\n') << file;
    kept += text;
  }
  EXPECT_FALSE(fs::exists(settings_.path.string() + ".4"));
  const std::string all = as_lines(values);
  EXPECT_EQ(all.substr(all.size() - kept.size()), kept);
  EXPECT_EQ(plugin_.delivered(), ids(1, 300));
  EXPECT_TRUE(plugin_.logged(YTPIPE_LOG_INFO, "rotated"));
}

TEST_F(FileSinkPluginTest, RepairsAPartialLastLineAndWarnsWithTheByteCount) {
  fs::create_directories(settings_.path.parent_path());
  std::ofstream(settings_.path) << "{\"seq\":0}\n{\"seq\":1}\n{\"se";

  ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK);
  plugin_.write(numbered_values(2, 2));

  EXPECT_EQ(read_all(settings_.path), as_lines(numbered_values(0, 4)));
  EXPECT_TRUE(plugin_.logged(YTPIPE_LOG_WARN, "cut 4 bytes of a partial last line"));
}

TEST_F(FileSinkPluginTest, AnUnknownFsyncPolicyIsAConfigErrorOnFsync) {
  settings_.fsync = "sometimes";

  const Outcome outcome = plugin_.validate(settings_);

  EXPECT_EQ(outcome.status, YTPIPE_FATAL);
  EXPECT_EQ(outcome.config_key, "fsync");
  EXPECT_NE(outcome.message.find("expected always, batch or never, found \"sometimes\""),
            std::string::npos)
      << outcome.message;
}

TEST_F(FileSinkPluginTest, RotationWithoutAnyKeptFileIsAConfigErrorOnMaxFiles) {
  settings_.max_bytes = 100;
  settings_.max_files = 0;

  const Outcome outcome = plugin_.validate(settings_);

  EXPECT_EQ(outcome.status, YTPIPE_FATAL);
  EXPECT_EQ(outcome.config_key, "max_files");
}

TEST_F(FileSinkPluginTest, AFolderAsPathIsAConfigErrorOnPath) {
  settings_.path = folder_;

  const Outcome validated = plugin_.validate(settings_);
  const Outcome created = plugin_.create(settings_);

  EXPECT_EQ(validated.status, YTPIPE_FATAL);
  EXPECT_EQ(validated.config_key, "path");
  EXPECT_NE(validated.message.find("is a folder"), std::string::npos) << validated.message;
  EXPECT_EQ(created.status, YTPIPE_FATAL);
  EXPECT_EQ(created.config_key, "path");
}

TEST_F(FileSinkPluginTest, APathThatCannotBeCreatedIsAConfigErrorAtCreate) {
  std::ofstream(folder_ / "plain") << "x";
  settings_.path = folder_ / "plain" / "videos.jsonl";

  const Outcome outcome = plugin_.create(settings_);

  EXPECT_EQ(outcome.status, YTPIPE_FATAL);
  EXPECT_EQ(outcome.config_key, "path");
  EXPECT_NE(outcome.message.find((folder_ / "plain").string()), std::string::npos)
      << outcome.message;
}

TEST_F(FileSinkPluginTest, AFailedWriteIsARecoverableErrorAndAcknowledgesNothing) {
  ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK);
  plugin_.write(numbered_values(0, 1));
  plugin_.flush();
  const std::uintmax_t size = fs::file_size(settings_.path);

  rlimit saved{};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = size + 5;
  ::setrlimit(RLIMIT_FSIZE, &limited);
  const auto [outcome, accepted] = plugin_.write(numbered_values(1, 10), 2);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);

  EXPECT_EQ(outcome.status, YTPIPE_ERROR);
  EXPECT_NE(outcome.message.find(settings_.path.string()), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("File too large"), std::string::npos) << outcome.message;
  EXPECT_EQ(plugin_.delivered(), ids(1, 1));
  EXPECT_EQ(fs::file_size(settings_.path), size);
}

TEST_F(FileSinkPluginTest, WithFsyncAlwaysAFailureMidBatchAcceptsTheRecordsAlreadyWritten) {
  settings_.fsync = "always";
  ASSERT_EQ(plugin_.create(settings_).status, YTPIPE_OK);
  const std::vector<std::string> values = numbered_values(0, 10);

  rlimit saved{};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = 3 * values[0].size() + 3 + 2;
  ::setrlimit(RLIMIT_FSIZE, &limited);
  const auto [outcome, accepted] = plugin_.write(values, 1);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);

  EXPECT_EQ(outcome.status, YTPIPE_OK);
  EXPECT_EQ(accepted, 3u);
  EXPECT_EQ(plugin_.delivered(), ids(1, 3));
  EXPECT_EQ(read_all(settings_.path), as_lines(numbered_values(0, 3)));
}

}  // namespace
}  // namespace ytpipe::file_sink::testing
