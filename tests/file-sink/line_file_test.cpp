#include "line_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ytpipe::file_sink {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_all(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

class LineFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() /
              ("ytpipe-line-file-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }

  void TearDown() override { fs::remove_all(folder_); }

  LineFileOptions options(SyncPolicy sync = SyncPolicy::Batch) const {
    return {.path = folder_ / "videos.jsonl", .sync = sync};
  }

  fs::path folder_;
};

TEST_F(LineFileTest, CreatesMissingParentFoldersAndAppendsLines) {
  const fs::path path = folder_ / "a" / "b" / "out.jsonl";
  {
    LineFile file({.path = path});
    file.commit("{\"n\":1}\n{\"n\":2}\n");
    EXPECT_EQ(file.size(), 16u);
  }
  LineFile reopened({.path = path});
  reopened.commit("{\"n\":3}\n");

  EXPECT_EQ(read_all(path), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  EXPECT_EQ(reopened.repaired_bytes(), 0u);
}

TEST_F(LineFileTest, EveryPolicyLeavesCommittedLinesInTheFile) {
  for (const SyncPolicy policy : {SyncPolicy::Always, SyncPolicy::Batch, SyncPolicy::Never}) {
    fs::remove(options().path);
    {
      LineFile file(options(policy));
      file.commit("one\n");
      file.commit("two\nthree\n");
    }
    EXPECT_EQ(read_all(options().path), "one\ntwo\nthree\n") << static_cast<int>(policy);
  }
}

TEST_F(LineFileTest, CutsAPartialLastLineOnOpen) {
  write_all(options().path, "{\"n\":1}\n{\"n\":2}\n{\"n\":");

  LineFile file(options());
  EXPECT_EQ(file.repaired_bytes(), 5u);
  file.commit("{\"n\":3}\n");

  EXPECT_EQ(read_all(options().path), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
}

TEST_F(LineFileTest, EmptiesAFileThatHoldsOnlyAPartialLine) {
  write_all(options().path, "{\"broken\"");

  LineFile file(options());

  EXPECT_EQ(file.repaired_bytes(), 9u);
  EXPECT_EQ(file.size(), 0u);
  EXPECT_EQ(fs::file_size(options().path), 0u);
}

TEST_F(LineFileTest, FindsTheLastNewlineBeforeAPartialLineLongerThanOneReadBlock) {
  const std::string partial(200'000, 'x');
  write_all(options().path, "kept\n" + partial);

  LineFile file(options());

  EXPECT_EQ(file.repaired_bytes(), partial.size());
  EXPECT_EQ(read_all(options().path), "kept\n");
}

TEST_F(LineFileTest, RotatesBeforeALineWouldPassMaxBytesAndKeepsMaxFiles) {
  LineFileOptions rotating = options();
  rotating.max_bytes = 12;
  rotating.max_files = 2;
  LineFile file(rotating);

  for (const char* line : {"aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "ffff\n", "gggg\n"}) {
    if (file.needs_rotation_before(5)) {
      file.rotate();
    }
    file.commit(line);
  }

  EXPECT_EQ(read_all(rotating.path), "gggg\n");
  EXPECT_EQ(read_all(folder_ / "videos.jsonl.1"), "eeee\nffff\n");
  EXPECT_EQ(read_all(folder_ / "videos.jsonl.2"), "cccc\ndddd\n");
  EXPECT_FALSE(fs::exists(folder_ / "videos.jsonl.3"));
  EXPECT_EQ(file.rotations(), 3u);
}

TEST_F(LineFileTest, ALineLargerThanMaxBytesGoesWholeIntoAFileOfItsOwn) {
  LineFileOptions rotating = options();
  rotating.max_bytes = 4;
  LineFile file(rotating);

  EXPECT_FALSE(file.needs_rotation_before(11)) << "an empty file takes any line";
  file.commit("0123456789\n");
  EXPECT_TRUE(file.needs_rotation_before(1));

  file.rotate();
  EXPECT_EQ(file.size(), 0u);
  EXPECT_EQ(read_all(folder_ / "videos.jsonl.1"), "0123456789\n");
}

TEST_F(LineFileTest, NeverRotatesWhenMaxBytesIsZero) {
  LineFile file(options());
  file.commit(std::string(1 << 20, 'x') + "\n");

  EXPECT_FALSE(file.needs_rotation_before(1 << 20));
}

TEST_F(LineFileTest, AFolderAsPathIsAPathError) {
  EXPECT_THROW(LineFile({.path = folder_}), PathError);
}

TEST_F(LineFileTest, AParentThatIsAFileIsAPathErrorNamingIt) {
  write_all(folder_ / "plain", "x");

  try {
    LineFile file({.path = folder_ / "plain" / "out.jsonl"});
    FAIL() << "expected a PathError";
  } catch (const PathError& e) {
    EXPECT_NE(std::string(e.what()).find((folder_ / "plain").string()), std::string::npos)
        << e.what();
  }
}

TEST_F(LineFileTest, PermissionDeniedIsAPathError) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root ignores file permissions";
  }
  fs::create_directories(folder_ / "locked");
  fs::permissions(folder_ / "locked", fs::perms::owner_read | fs::perms::owner_exec);

  EXPECT_THROW(LineFile({.path = folder_ / "locked" / "out.jsonl"}), PathError);
  fs::permissions(folder_ / "locked", fs::perms::owner_all);
}

// RLIMIT_FSIZE makes write(2) fail with EFBIG part-way, as a full disk would with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }

  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

TEST_F(LineFileTest, AFailedWriteNamesThePathAndLeavesOnlyWholeLines) {
  LineFile file(options());
  file.commit("first\n");

  {
    FileSizeLimit limit(10);
    try {
      file.commit("second\nthird\n");
      FAIL() << "expected a WriteError";
    } catch (const WriteError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(options().path.string()), std::string::npos) << message;
      EXPECT_NE(message.find("File too large"), std::string::npos) << message;
    }
  }

  EXPECT_EQ(read_all(options().path), "first\n");
  file.commit("second\n");
  EXPECT_EQ(read_all(options().path), "first\nsecond\n");
}

TEST(SyncPolicyTest, ParsesTheThreeDocumentedNames) {
  EXPECT_EQ(parse_sync_policy("always"), SyncPolicy::Always);
  EXPECT_EQ(parse_sync_policy("batch"), SyncPolicy::Batch);
  EXPECT_EQ(parse_sync_policy("never"), SyncPolicy::Never);
  EXPECT_EQ(parse_sync_policy("Batch"), std::nullopt);
  EXPECT_EQ(parse_sync_policy(""), std::nullopt);
}

}  // namespace
}  // namespace ytpipe::file_sink
