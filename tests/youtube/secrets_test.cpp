// The API key must never reach an operator's screen or log file. Every command of the real
// `ytpipe` runs with a distinctive key, given as api_key = "${VARIABLE}" (which the host knows
// is secret and masks) and as api_key_file (which only the plugin knows): successful runs at
// every log level, config errors next to and on the key, a rejected key, retried faults whose
// URLs are logged, and an exhausted quota. Neither stdout nor stderr may hold the key, URL-encoded
// or not, nor any recognisable piece of it.
#include <gtest/gtest.h>

#include <fstream>

#include "e2e_support.hpp"

namespace ytpipe::youtube::testing {
namespace {

// '/' and '+' make the URL-encoded form differ from the key itself.
const std::string kKey = "AIzaTESTKEY/must+never-appear_0123456789";
const std::string kKeyEncoded = "AIzaTESTKEY%2Fmust%2Bnever-appear_0123456789";
const std::string kKeyPieces[] = {kKey, kKeyEncoded, "TESTKEY", "never-appear_0123"};
const std::string kVariable = "YTPIPE_SECRETS_TEST_KEY";
const std::string kPlaylist = "PLsecretsPlaylist0001";

enum class KeyGiven { kVariable, kFile };

std::string name_of(const ::testing::TestParamInfo<KeyGiven>& info) {
  return info.param == KeyGiven::kVariable ? "ApiKeyFromVariable" : "ApiKeyFile";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void expect_no_key(const std::string& what, const RunResult& result) {
  for (const std::string& piece : kKeyPieces) {
    EXPECT_FALSE(contains(result.output, piece)) << what << ": stdout holds \"" << piece << "\":\n"
                                                 << result.output;
    EXPECT_FALSE(contains(result.log, piece)) << what << ": stderr holds \"" << piece << "\":\n"
                                              << result.log;
  }
}

class Secrets : public ::testing::TestWithParam<KeyGiven> {
 protected:
  // The key, as the parameter says, as TOML lines for [source.config].
  std::string key_config() const {
    if (GetParam() == KeyGiven::kVariable) {
      return "api_key = \"${" + kVariable + "}\"\n";
    }
    const std::filesystem::path file = workspace_.dir() / "youtube-api-key";
    std::ofstream(file) << kKey << "\n  \n";  // trailing blank lines and spaces are ignored
    return "api_key_file = \"" + file.string() + "\"\n";
  }

  std::map<std::string, std::string> env() const {
    if (GetParam() == KeyGiven::kVariable) {
      return {{kVariable, kKey}};
    }
    return {};  // the host is told nothing about the key
  }

  void write_manifest(const std::string& before_key, const std::string& after_key,
                      const std::string& log_level = "info") {
    workspace_.write_manifest(before_key + key_config() + after_key, log_level);
  }

  void write_run_manifest(const Simulator& simulator, const std::string& log_level,
                          const std::string& extra = "") {
    write_manifest("",
                   "api_base = \"" + simulator.api_base() + "\"\nplaylists = [\"" + kPlaylist +
                       "\"]\n" + extra,
                   log_level);
  }

  // `ytpipe ARGS...`, checked for the key whatever it printed.
  RunResult run(const std::vector<std::string>& args) {
    RunResult result = workspace_.run_command(args, env());
    std::string what = "ytpipe";
    for (const std::string& arg : args) {
      what += " " + arg;
    }
    expect_no_key(what, result);
    return result;
  }

  RunResult check() { return run({"check", workspace_.manifest().string()}); }
  RunResult run_once() { return run({"run", workspace_.manifest().string(), "--once"}); }

  Workspace workspace_;
};

INSTANTIATE_TEST_SUITE_P(KeyGivenAs, Secrets,
                         ::testing::Values(KeyGiven::kVariable, KeyGiven::kFile), name_of);

TEST_P(Secrets, CommandsWithoutAManifestPrintNoKey) {
  EXPECT_EQ(run({"--help"}).exit_code, 0);
  EXPECT_EQ(run({"--version"}).exit_code, 0);
  const RunResult plugins = run({"plugins", "--plugin-dir", YTPIPE_PLUGIN_DIR});
  EXPECT_EQ(plugins.exit_code, 0) << plugins.log;
  EXPECT_TRUE(contains(plugins.output, "api_key_file")) << plugins.output;
}

TEST_P(Secrets, CheckOfAGoodManifestShowsTheKeyMaskedOrTheFileName) {
  write_manifest("", "playlists = [\"" + kPlaylist + "\"]\n");

  const RunResult result = check();

  EXPECT_EQ(result.exit_code, 0) << result.log;
  const std::string shown =
      GetParam() == KeyGiven::kVariable
          ? "api_key = ***\n"
          : "api_key_file = " + (workspace_.dir() / "youtube-api-key").string();
  EXPECT_TRUE(contains(result.output, shown)) << result.output;
}

TEST_P(Secrets, CheckWithErrorsOnTheLinesAroundTheKey) {
  write_manifest("max_retries = \"four\"\n",
                 "concurrency = 1000\nplaylists = [\"" + kPlaylist + "\"]\n");

  const RunResult result = check();

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.output + result.log, "max_retries")) << result.log;
}

TEST_P(Secrets, CheckWithAPluginErrorAfterTheKey) {
  write_manifest("", "concurrency = 1000\nplaylists = [\"" + kPlaylist + "\"]\n");

  const RunResult result = check();

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.output + result.log, "concurrency")) << result.log;
}

TEST_P(Secrets, CheckWithATypeErrorOnTheKey) {
  const std::string wrong_type = GetParam() == KeyGiven::kVariable
                                     ? "api_key = [\"${" + kVariable + "}\"]\n"
                                     : "api_key = [\"" + kKey + "\"]\n";
  workspace_.write_manifest(wrong_type + "playlists = [\"" + kPlaylist + "\"]\n");

  const RunResult result = check();

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.output + result.log, "api_key")) << result.log;
}

TEST_P(Secrets, RunsAtEveryLogLevel) {
  Simulator simulator({"--playlist", kPlaylist + "=60", "--api-key", kKey});
  for (const std::string level : {"error", "warn", "info", "debug"}) {
    write_run_manifest(simulator, level);

    const RunResult result = run_once();

    EXPECT_EQ(result.exit_code, 0) << level << "\n" << result.log;
    EXPECT_FALSE(result.records.empty()) << level;
  }
}

TEST_P(Secrets, RejectedKey) {
  Simulator simulator({"--playlist", kPlaylist + "=60", "--api-key", "another-key"});
  write_run_manifest(simulator, "debug");

  const RunResult result = run_once();

  EXPECT_EQ(result.exit_code, 1) << result.log;
  EXPECT_TRUE(contains(result.log, "the API rejected the key")) << result.log;
  const std::string where = GetParam() == KeyGiven::kVariable
                                ? "Check api_key in the manifest"
                                : "Check the file named by api_key_file";
  EXPECT_TRUE(contains(result.log, where)) << result.log;
}

TEST_P(Secrets, RetriedFaultsLogRedactedUrls) {
  Simulator simulator({"--playlist", kPlaylist + "=60", "--api-key", kKey});
  simulator.post("/_sim/fault?endpoint=any&kind=status&status=503&count=2");
  simulator.post("/_sim/fault?endpoint=any&kind=reset&count=1");
  simulator.post("/_sim/fault?endpoint=any&kind=malformed&count=1");
  write_run_manifest(simulator, "debug", "max_retries = 6\n");

  const RunResult result = run_once();

  EXPECT_EQ(result.exit_code, 0) << result.log;
  EXPECT_TRUE(contains(result.log, "key=***")) << "no URL was logged:\n" << result.log;
}

TEST_P(Secrets, RetriesRunOutWithTheUrlInTheFailure) {
  Simulator simulator({"--playlist", kPlaylist + "=60", "--api-key", kKey});
  simulator.post("/_sim/fault?endpoint=any&kind=status&status=500&count=3");
  write_run_manifest(simulator, "debug", "max_retries = 1\n");

  const RunResult result = run_once();

  EXPECT_EQ(result.exit_code, 1) << result.log;
  EXPECT_TRUE(contains(result.log, "failed after 2 attempts")) << result.log;
}

TEST_P(Secrets, ExhaustedQuota) {
  Simulator simulator({"--playlist", kPlaylist + "=60", "--api-key", kKey});
  simulator.post("/_sim/quota?left=0");
  write_run_manifest(simulator, "debug");

  const RunResult result = run_once();

  EXPECT_EQ(result.exit_code, 1) << result.log;
  EXPECT_TRUE(contains(result.log, "quotaExceeded")) << result.log;
}

// api_key_file on its own: errors name the file, never what it holds.
class KeyFile : public ::testing::Test {
 protected:
  std::filesystem::path key_file(const std::string& content) const {
    const std::filesystem::path file = workspace_.dir() / "youtube-api-key";
    std::ofstream(file) << content;
    return file;
  }

  RunResult check(const std::string& key_lines) {
    workspace_.write_manifest(key_lines + "playlists = [\"" + kPlaylist + "\"]\n");
    RunResult result = workspace_.run_command({"check", workspace_.manifest().string()});
    expect_no_key("ytpipe check", result);
    return result;
  }

  static std::string key_file_line(const std::filesystem::path& file) {
    return "api_key_file = \"" + file.string() + "\"\n";
  }

  Workspace workspace_;
};

TEST_F(KeyFile, MoreThanOneWordIsRefusedWithoutShowingThem) {
  const std::filesystem::path file = key_file(kKey + " " + kKey + "\n");

  const RunResult result = check(key_file_line(file));

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.log, file.string() + "\" holds more than one word")) << result.log;
}

TEST_F(KeyFile, EmptyOrBlankFileIsRefused) {
  const std::filesystem::path file = key_file(" \n\t\n");

  const RunResult result = check(key_file_line(file));

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.log, file.string() + "\" is empty")) << result.log;
}

TEST_F(KeyFile, MissingFileIsRefused) {
  const std::filesystem::path file = workspace_.dir() / "no-such-key";

  const RunResult result = check(key_file_line(file));

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.log, file.string() + "\" is not a readable file")) << result.log;
}

TEST_F(KeyFile, KeyAndKeyFileTogetherAreRefused) {
  const std::filesystem::path file = key_file(kKey + "\n");

  const RunResult result = check("api_key = \"sim-key\"\n" + key_file_line(file));

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.log, "either api_key or api_key_file, not both")) << result.log;
}

TEST_F(KeyFile, NeitherKeyNorKeyFileIsRefused) {
  const RunResult result = check("");

  EXPECT_EQ(result.exit_code, 78);
  EXPECT_TRUE(contains(result.log, "api_key_file")) << result.log;
}

}  // namespace
}  // namespace ytpipe::youtube::testing
