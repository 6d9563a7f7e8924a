// Manifests written into a temporary folder and loaded in-process against the test plugins.
#include "manifest.hpp"

#include <gtest/gtest.h>

#include <map>

#include "test_support.hpp"

namespace ytpipe::host {
namespace {

class ManifestTest : public ::testing::Test {
 protected:
  // Loads `body` after a [host] table that makes the test plugins findable by name.
  ManifestLoad load(const std::string& body) {
    manifest_ = folder_.write("pipeline.toml", host_table() + body);
    ManifestOptions options;
    options.lookup = [this](const std::string& name) -> std::optional<std::string> {
      const auto found = variables_.find(name);
      return found == variables_.end() ? std::nullopt : std::optional(found->second);
    };
    return load_pipeline(manifest_, options);
  }

  std::vector<std::string> errors(const std::string& body) {
    std::vector<std::string> lines;
    for (const ManifestError& error : load(body).errors) {
      lines.push_back(error.to_string());
    }
    return lines;
  }

  PipelineSpec spec(const std::string& body) {
    ManifestLoad loaded = load(body);
    for (const ManifestError& error : loaded.errors) {
      ADD_FAILURE() << error.to_string();
    }
    return loaded.spec.value_or(PipelineSpec{});
  }

  // "<manifest>:<line>:<column>: <message>", lines counted from the first line of `body`.
  std::string at(int line, int column, const std::string& message) const {
    return manifest_.string() + ":" + std::to_string(line + kHostLines) + ":" +
           std::to_string(column) + ": " + message;
  }

  static std::string host_table() {
    return "[host]\nplugin_dirs = [\"" + std::string(YTPIPE_TEST_PLUGIN_DIR) + "\", \".\"]\n";
  }

  static constexpr int kHostLines = 2;
  static constexpr const char* kSink =
      "[[sink]]\nname = \"out\"\nplugin = \"null-sink\"\n";  // three lines

  test::TempDir folder_;
  std::filesystem::path manifest_;
  std::map<std::string, std::string> variables_;
};

const InstanceConfig::Value* find_value(const InstanceSpec& instance, const std::string& key) {
  for (const InstanceConfig::Value& value : instance.config.values()) {
    if (value.key == key)
      return &value;
  }
  return nullptr;
}

TEST_F(ManifestTest, LoadsAGoodManifestWithDefaultsAndTypedValues) {
  variables_["COUNT"] = "7";
  const PipelineSpec loaded = spec(R"(
[[source]]
name = "echo"
plugin = "secret-echo"
[source.config]
token = "abcdef"
count = "${COUNT}"
interval = "15m"
tags = ["a", "${MISSING:-b}"]
)" + std::string(kSink));

  ASSERT_EQ(loaded.sources.size(), 1u);
  const InstanceSpec& echo = loaded.sources[0];
  EXPECT_EQ(echo.name, "echo");
  EXPECT_EQ(echo.plugin->name(), "secret-echo");
  EXPECT_EQ(find_value(echo, "count")->integer, 7);
  EXPECT_EQ(find_value(echo, "interval")->integer, 900'000);
  EXPECT_EQ(find_value(echo, "interval")->text, "15m");
  EXPECT_EQ(find_value(echo, "reject")->text, "false");
  EXPECT_EQ(find_value(echo, "tags")->items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(find_value(echo, "tags")->text, "a,b");
  EXPECT_TRUE(find_value(echo, "token")->secret);

  ASSERT_EQ(loaded.sinks.size(), 1u);
  EXPECT_EQ(loaded.sinks[0].inputs, std::vector<std::string>{"echo"});
}

TEST_F(ManifestTest, ConfigViewMatchesTheValues) {
  const PipelineSpec loaded = spec(
      "[[source]]\nname = \"echo\"\nplugin = \"secret-echo\"\n"
      "[source.config]\ntoken = \"abcdef\"\ntags = [\"x\", \"y\"]\n" +
      std::string(kSink));

  const InstanceConfig copy = loaded.sources[0].config;
  const auto& entries = copy.entries();
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_STREQ(entries[0].key, "token");
  EXPECT_STREQ(entries[0].text, "abcdef");
  EXPECT_STREQ(entries[4].key, "interval");
  EXPECT_EQ(entries[4].integer, 1000);
  ASSERT_EQ(entries[5].item_count, 2u);
  EXPECT_STREQ(entries[5].items[1], "y");
}

TEST_F(ManifestTest, ReadsHostSettings) {
  const PipelineSpec loaded = spec(
      "log_level = \"debug\"\nshutdown_timeout = \"5s\"\nmax_buffer_bytes = 1024\n"
      "data_dir = \"state\"\nsummary_interval = \"1m\"\n");

  EXPECT_EQ(loaded.host.log_level, LogLevel::Debug);
  EXPECT_EQ(loaded.host.shutdown_timeout, std::chrono::seconds(5));
  EXPECT_EQ(loaded.host.max_buffer_bytes, 1024u);
  EXPECT_EQ(loaded.host.data_dir, "state");
  EXPECT_EQ(loaded.host.summary_interval, std::chrono::minutes(1));
  Log::set_level(LogLevel::Info);
}

TEST_F(ManifestTest, PassesExtraKeysAsTextInManifestOrder) {
  const PipelineSpec loaded = spec(R"(
[[sink]]
name = "out"
plugin = "null-sink"
[sink.config]
zeta = 3
"sasl.password" = "hunter22"
alpha = true
ratio = 0.5
)");

  std::vector<std::string> extras;
  for (const auto& value : loaded.sinks[0].config.values()) {
    if (value.extra)
      extras.push_back(value.key + "=" + value.text);
  }
  EXPECT_EQ(extras, (std::vector<std::string>{"zeta=3", "sasl.password=hunter22", "alpha=true",
                                              "ratio=0.5"}));
  EXPECT_TRUE(find_value(loaded.sinks[0], "sasl.password")->secret);
}

TEST_F(ManifestTest, ReportsSyntaxErrorsWithTheirPlace) {
  const auto found = errors("[[source]\nname = \"x\"\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].starts_with(manifest_.string() + ":3:")) << found[0];
  EXPECT_NE(found[0].find("TOML syntax error"), std::string::npos);
}

TEST_F(ManifestTest, SuggestsTheClosestKeyForAnUnknownOne) {
  const auto host_errors = errors("log_levl = \"info\"\n");
  EXPECT_EQ(host_errors,
            std::vector<std::string>{at(1, 1,
                                        "[host]: unknown key \"log_levl\"; did you mean "
                                        "\"log_level\"?")});
  const auto sink_errors = errors("[[sink]]\nname = \"out\"\nplugin = \"null-sink\"\ninpts = []\n");
  EXPECT_EQ(sink_errors,
            std::vector<std::string>{at(4, 1,
                                        "[[sink]]: unknown key \"inpts\"; did you mean "
                                        "\"inputs\"?")});
}

TEST_F(ManifestTest, ListsTheAcceptedConfigKeysWhenNoneIsClose) {
  const auto found = errors(
      "[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\ntoken = \"abcd\"\n"
      "unrelated = 1\n");
  EXPECT_EQ(found, std::vector<std::string>{at(6, 1,
                                               "source \"e\": config key \"unrelated\": "
                                               "unknown key for plugin \"secret-echo\"; "
                                               "accepted keys: token, backup_token, "
                                               "reject, count, interval, tags")});
}

TEST_F(ManifestTest, SaysWhichTypeWasExpectedAndWhatWasFound) {
  const auto host_errors = errors("shutdown_timeout = 60\n");
  EXPECT_EQ(host_errors,
            std::vector<std::string>{at(1, 20,
                                        "[host] shutdown_timeout: expected a duration "
                                        "string like \"60s\" (a whole number and one of "
                                        "ms, s, m, h), found integer 60")});
  const auto found = errors(
      "[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\ntoken = \"abcd\"\n"
      "count = \"ten\"\ninterval = \"5 minutes\"\n");
  EXPECT_EQ(found, (std::vector<std::string>{
                       at(6, 9,
                          "source \"e\": config key \"count\": expected an integer, found "
                          "string \"ten\""),
                       at(7, 12,
                          "source \"e\": config key \"interval\": expected a duration "
                          "string like \"60s\" (a whole number and one of ms, s, m, h), "
                          "found \"5 minutes\"")}));
}

TEST_F(ManifestTest, ReportsAMissingRequiredKeyAtTheConfigTable) {
  const auto found =
      errors("[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\ncount = 2\n");
  EXPECT_EQ(found, std::vector<std::string>{at(4, 1,
                                               "source \"e\": config key \"token\" is "
                                               "required (string: credential that must "
                                               "never be printed)")});
}

TEST_F(ManifestTest, ReportsMissingNameAndPlugin) {
  const auto found = errors("[[source]]\nplugin = \"secret-echo\"\n[[sink]]\nname = \"out\"\n");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], at(1, 1,
                         "[[source]]: missing required key \"name\" (a unique instance "
                         "name)"));
  EXPECT_EQ(found[1], at(3, 1,
                         "sink \"out\": missing required key \"plugin\" (a plugin name or "
                         "a path to a .so file)"));
}

TEST_F(ManifestTest, ReportsAnUndefinedVariableWhereItIsUsed) {
  const auto found = errors(
      "[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\n"
      "token = \"${YTPIPE_TEST_UNSET_TOKEN}\"\n");
  EXPECT_EQ(found, std::vector<std::string>{at(5, 9,
                                               "source \"e\": config key \"token\": "
                                               "environment variable "
                                               "YTPIPE_TEST_UNSET_TOKEN is not set (write "
                                               "${YTPIPE_TEST_UNSET_TOKEN:-default} to give "
                                               "a default)")});
}

TEST_F(ManifestTest, PointsAtTheSecondOfTwoInstancesWithOneName) {
  const auto found = errors(
      "[[source]]\nname = \"twin\"\nplugin = \"secret-echo\"\n[source.config]\ntoken = \"abcd\"\n"
      "[[sink]]\nname = \"twin\"\nplugin = \"null-sink\"\n");
  EXPECT_EQ(found, std::vector<std::string>{at(7, 8,
                                               "[[sink]]: duplicate instance name \"twin\" "
                                               "(first used at line 4); names must be "
                                               "unique across sources and sinks")});
}

TEST_F(ManifestTest, RejectsInputsThatNameNoSource) {
  const auto found = errors(
      "[[source]]\nname = \"videos\"\nplugin = \"secret-echo\"\n[source.config]\n"
      "token = \"abcd\"\n[[sink]]\nname = \"out\"\nplugin = \"null-sink\"\n"
      "inputs = [\"video\", \"videos\"]\n");
  EXPECT_EQ(found, std::vector<std::string>{at(9, 11,
                                               "sink \"out\": inputs names \"video\", "
                                               "which is not a [[source]]; did you mean "
                                               "\"videos\"?")});
}

TEST_F(ManifestTest, AcceptsInputsNamingASourceWhosePluginIsUnknown) {
  const auto found = errors(
      "[[source]]\nname = \"videos\"\nplugin = \"no-such-plugin\"\n"
      "[[sink]]\nname = \"out\"\nplugin = \"null-sink\"\ninputs = [\"videos\"]\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].starts_with(at(3, 10, "source \"videos\": no plugin named"))) << found[0];
}

TEST_F(ManifestTest, SuggestsAPluginThatExistsForAnUnknownName) {
  const auto found = errors("[[source]]\nname = \"e\"\nplugin = \"secret-ecko\"\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].starts_with(at(3, 10,
                                      "source \"e\": no plugin named \"secret-ecko\" "
                                      "(looked for ytpipe-secret-ecko.so in " +
                                          std::string(YTPIPE_TEST_PLUGIN_DIR))))
      << found[0];
  EXPECT_TRUE(found[0].ends_with("; did you mean \"secret-echo\"?")) << found[0];
}

TEST_F(ManifestTest, RefusesASinkPluginInASourceSlot) {
  const auto found = errors("[[source]]\nname = \"e\"\nplugin = \"null-sink\"\n");
  EXPECT_EQ(found, std::vector<std::string>{at(3, 10,
                                               "source \"e\": plugin \"null-sink\" (" +
                                                   test::test_plugin("null-sink").string() +
                                                   ") is a sink plugin, not a source "
                                                   "plugin")});
}

TEST_F(ManifestTest, ReportsPluginsThatCannotBeLoaded) {
  const auto found = errors(
      "[[source]]\nname = \"a\"\nplugin = \"abi-mismatch\"\n"
      "[[source]]\nname = \"b\"\nplugin = \"not-a-plugin\"\n"
      "[[source]]\nname = \"c\"\nplugin = \"plugins/missing.so\"\n");
  const std::string missing = (folder_.path() / "plugins/missing.so").string();
  EXPECT_EQ(found, (std::vector<std::string>{
                       at(3, 10,
                          "source \"a\": " + test::test_plugin("abi-mismatch").string() +
                              ": built for SDK ABI 2, this host speaks 1"),
                       at(6, 10,
                          "source \"b\": " + test::test_plugin("not-a-plugin").string() +
                              ": is not a ytpipe plugin: no `ytpipe_plugin` entry point"),
                       at(9, 10, "source \"c\": " + missing + ": no such file")}));
}

TEST_F(ManifestTest, ResolvesARelativePluginPathAgainstTheManifestFolder) {
  std::filesystem::create_directories(folder_.path() / "lib");
  std::filesystem::copy_file(test::test_plugin("null-sink"), folder_.path() / "lib/mine.so");

  const PipelineSpec loaded = spec("[[sink]]\nname = \"out\"\nplugin = \"lib/mine.so\"\n");

  ASSERT_EQ(loaded.sinks.size(), 1u);
  EXPECT_EQ(loaded.sinks[0].plugin->name(), "null-sink");
}

TEST_F(ManifestTest, RefusesAFileWhoseDescriptorNamesAnotherPlugin) {
  std::filesystem::copy_file(test::test_plugin("null-sink"), folder_.path() / "ytpipe-impostor.so");

  const auto found = errors("[[sink]]\nname = \"out\"\nplugin = \"impostor\"\n");

  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].ends_with("holds plugin \"null-sink\", not \"impostor\"")) << found[0];
}

TEST_F(ManifestTest, NeverQuotesASecretValueInATypeError) {
  const auto found = errors(
      "[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\ntoken = 98765432\n");
  EXPECT_EQ(found, std::vector<std::string>{at(5, 9,
                                               "source \"e\": config key \"token\": "
                                               "expected a string, found integer")});
}

TEST_F(ManifestTest, ReportsAValidateErrorAtTheBlamedKeyWithTheSecretMasked) {
  const auto found = errors(
      "[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\n"
      "reject = true\ntoken = \"s3cr3t-value\"\n");
  EXPECT_EQ(found, std::vector<std::string>{at(6, 9,
                                               "source \"e\": token *** was rejected by the "
                                               "service")});
}

TEST_F(ManifestTest, CollectsEveryErrorInFileOrder) {
  const auto found = errors(
      "log_level = \"loud\"\n"
      "[[source]]\nname = \"e\"\nplugin = \"secret-echo\"\n[source.config]\ncount = true\n"
      "[[sink]]\nname = \"out\"\nplugin = \"null-sink\"\ninputs = [\"nobody\"]\n");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_TRUE(found[0].starts_with(at(1, 13, "[host] log_level: expected one of"))) << found[0];
  EXPECT_TRUE(found[1].starts_with(at(5, 1, "source \"e\": config key \"token\" is required")));
  EXPECT_TRUE(found[2].starts_with(at(6, 9,
                                      "source \"e\": config key \"count\": expected an "
                                      "integer, found boolean true")));
  EXPECT_TRUE(found[3].starts_with(at(10, 11, "sink \"out\": inputs names \"nobody\"")));
}

TEST_F(ManifestTest, ReportsAManifestThatDoesNotExist) {
  const auto loaded = load_pipeline(folder_.path() / "absent.toml");
  ASSERT_EQ(loaded.errors.size(), 1u);
  EXPECT_EQ(loaded.errors[0].to_string(),
            (folder_.path() / "absent.toml").string() + ": cannot read the manifest: no such file");
}

}  // namespace
}  // namespace ytpipe::host
