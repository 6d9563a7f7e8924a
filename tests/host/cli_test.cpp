// The real `ytpipe` executable, run as a user would: exit codes, what goes to stdout and stderr,
// and secrets that must not appear in either.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace ytpipe::host {
namespace {

using test::ProcessResult;
using test::test_plugin;

constexpr int kUsage = 64;
constexpr int kConfiguration = 78;
constexpr const char* kToken = "tok-9f8e7d6c5b4a";

class CliTest : public ::testing::Test {
 protected:
  ProcessResult ytpipe(const std::vector<std::string>& arguments,
                       std::map<std::string, std::string> environment = {}) {
    environment.emplace("YTPIPE_PLUGIN_PATH", "");
    return test::run_process(YTPIPE_EXECUTABLE, arguments, folder_.path(), environment);
  }

  std::string manifest(const std::string& body) {
    return folder_.write("pipeline.toml", body).string();
  }

  // A source that tries to leak kToken and a sink that takes its records.
  static std::string echo_pipeline(const std::string& source_config, const std::string& host = "") {
    return "[host]\n" + host + "\n[[source]]\nname = \"echo\"\nplugin = \"" +
           test_plugin("secret-echo").string() + "\"\n[source.config]\n" + source_config +
           "\n[[sink]]\nname = \"out\"\nplugin = \"" + test_plugin("null-sink").string() + "\"\n";
  }

  test::TempDir folder_;
};

TEST_F(CliTest, PrintsVersionAndHelp) {
  const ProcessResult version = ytpipe({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(version.out.starts_with("ytpipe ")) << version.out;

  const ProcessResult help = ytpipe({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("ytpipe run MANIFEST [--once]"), std::string::npos);
}

TEST_F(CliTest, RefusesBadUsageWithExit64) {
  for (const std::vector<std::string>& arguments :
       std::vector<std::vector<std::string>>{{},
                                             {"launch"},
                                             {"run"},
                                             {"check"},
                                             {"check", "a.toml", "b.toml"},
                                             {"run", "a.toml", "--twice"},
                                             {"check", "a.toml", "--once"},
                                             {"plugins", "--plugin-dir"},
                                             {"--version", "extra"}}) {
    const ProcessResult result = ytpipe(arguments);
    EXPECT_EQ(result.exit_code, kUsage) << testing::PrintToString(arguments);
    EXPECT_NE(result.err.find("usage:"), std::string::npos);
    EXPECT_EQ(result.out, "");
  }
  EXPECT_NE(ytpipe({"launch"}).err.find("unknown command \"launch\""), std::string::npos);
}

TEST_F(CliTest, CheckSummarisesAGoodManifestAndMasksSecrets) {
  const ProcessResult result =
      ytpipe({"check", manifest(echo_pipeline("token = \"${TOKEN}\"\ntags = [\"x\"]"))},
             {{"TOKEN", kToken}});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("source \"echo\": plugin secret-echo 2.1.0"), std::string::npos);
  EXPECT_NE(result.out.find("  token = ***\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  backup_token = ***\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  tags = [x]\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("sink \"out\": plugin null-sink 0.3.0"), std::string::npos);
  EXPECT_NE(result.out.find("  inputs: echo\n"), std::string::npos);
  EXPECT_EQ(result.all().find(kToken), std::string::npos);
  EXPECT_EQ(result.all().find("backup-secret-0000"), std::string::npos);
}

TEST_F(CliTest, CheckReportsEachErrorOnItsOwnLineWithExit78) {
  const std::string path =
      manifest(echo_pipeline("token = \"abcd\"\ncount = \"x\"\nnope = 1", "shutdown_timeout = 30"));
  const ProcessResult result = ytpipe({"check", path});

  EXPECT_EQ(result.exit_code, kConfiguration);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            path +
                ":2:20: [host] shutdown_timeout: expected a duration string like \"60s\" (a "
                "whole number and one of ms, s, m, h), found integer 30\n" +
                path +
                ":8:9: source \"echo\": config key \"count\": expected an integer, found "
                "string \"x\"\n" +
                path +
                ":9:1: source \"echo\": config key \"nope\": unknown key for plugin "
                "\"secret-echo\"; accepted keys: token, backup_token, reject, count, "
                "interval, tags\n");
}

TEST_F(CliTest, NamesTheFileOfEveryPluginThatCannotBeLoaded) {
  const test::TempDir other;
  const auto text_file = other.write("ytpipe-text.so", "not a library");
  const std::vector<std::pair<std::filesystem::path, std::string>> cases{
      {other.path() / "ytpipe-absent.so", ": no such file"},
      {text_file, ": is not a loadable shared library: "},
      {test_plugin("not-a-plugin"), ": is not a ytpipe plugin: no `ytpipe_plugin` entry point"},
      {test_plugin("abi-mismatch"), ": built for SDK ABI 2, this host speaks 1"},
      {test_plugin("null-sink"), ""},
  };
  for (const auto& [file, reason] : cases) {
    const std::string path =
        manifest("[[source]]\nname = \"s\"\nplugin = \"" + file.string() + "\"\n");
    const ProcessResult result = ytpipe({"check", path});

    EXPECT_EQ(result.exit_code, kConfiguration) << file;
    const std::string expected = reason.empty()
                                     ? "source \"s\": plugin \"null-sink\" (" + file.string() +
                                           ") is a sink plugin, not a source plugin"
                                     : "source \"s\": " + file.string() + reason;
    EXPECT_TRUE(result.err.starts_with(path + ":3:10: " + expected)) << result.err;
  }
}

TEST_F(CliTest, RunReportsAPluginThatThrowsOnCreate) {
  const std::string path = manifest(
      "[[source]]\nname = \"s\"\nplugin = \"" + test_plugin("throws-on-create").string() +
      "\"\n[[sink]]\nname = \"out\"\nplugin = \"" + test_plugin("null-sink").string() + "\"\n");
  const ProcessResult result = ytpipe({"run", path, "--once"});

  EXPECT_EQ(result.exit_code, kConfiguration) << result.err;
  EXPECT_NE(result.err.find("cannot start: the test plugin always refuses"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(CliTest, RunOnceAtDebugLevelNeverLogsTheSecret) {
  const ProcessResult result = ytpipe(
      {"run",
       manifest(echo_pipeline("token = \"" + std::string(kToken) + "\"", "log_level = \"debug\"")),
       "--once"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("validating token ***"), std::string::npos) << result.err;
  EXPECT_EQ(result.all().find(kToken), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(CliTest, NeverEchoesTheSecretInATypeOrValidateError) {
  const ProcessResult type_error = ytpipe({"check", manifest(echo_pipeline("token = 987654321"))});
  EXPECT_EQ(type_error.exit_code, kConfiguration);
  EXPECT_NE(type_error.err.find("expected a string, found integer"), std::string::npos);
  EXPECT_EQ(type_error.all().find("987654321"), std::string::npos) << type_error.err;

  const ProcessResult rejected = ytpipe(
      {"check", manifest(echo_pipeline("token = \"" + std::string(kToken) + "\"\nreject = true",
                                       "log_level = \"debug\""))});
  EXPECT_EQ(rejected.exit_code, kConfiguration);
  EXPECT_NE(rejected.err.find("token *** was rejected"), std::string::npos) << rejected.err;
  EXPECT_EQ(rejected.all().find(kToken), std::string::npos) << rejected.err;
}

TEST_F(CliTest, FindsPluginsByNameThroughYtpipePluginPath) {
  const std::string path = manifest(
      "[[source]]\nname = \"s\"\nplugin = \"secret-echo\"\n"
      "[source.config]\ntoken = \"abcd\"\n");

  EXPECT_EQ(ytpipe({"check", path}).exit_code, kConfiguration);
  const ProcessResult found =
      ytpipe({"check", path}, {{"YTPIPE_PLUGIN_PATH", "/nonexistent:" YTPIPE_TEST_PLUGIN_DIR}});
  EXPECT_EQ(found.exit_code, 0) << found.err;
}

TEST_F(CliTest, FindsPluginsInstalledBesideTheExecutable) {
  const test::TempDir prefix;
  const auto executable = prefix.path() / YTPIPE_INSTALL_BIN_SUBDIR / "ytpipe";
  const auto plugins = prefix.path() / YTPIPE_INSTALL_PLUGIN_SUBDIR;
  std::filesystem::create_directories(executable.parent_path());
  std::filesystem::create_directories(plugins);
  std::filesystem::copy_file(YTPIPE_EXECUTABLE, executable);
  std::filesystem::copy_file(test_plugin("secret-echo"), plugins / "ytpipe-secret-echo.so");
  const std::string path = manifest(
      "[[source]]\nname = \"s\"\nplugin = \"secret-echo\"\n[source.config]\ntoken = \"abcd\"\n");

  const ProcessResult result =
      test::run_process(executable, {"check", path}, folder_.path(), {{"YTPIPE_PLUGIN_PATH", ""}});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(plugins.string()), std::string::npos) << result.out;
}

TEST_F(CliTest, ExplainsThatADottedExtraKeyNeedsQuotes) {
  const ProcessResult result =
      ytpipe({"check",
              manifest("[[sink]]\nname = \"out\"\nplugin = \"" + test_plugin("null-sink").string() +
                       "\"\n[sink.config]\nbootstrap.servers = \"localhost:9092\"\n")});

  EXPECT_EQ(result.exit_code, kConfiguration);
  EXPECT_NE(result.err.find("a dotted key needs quotes: \"bootstrap.servers\" = ..."),
            std::string::npos)
      << result.err;
}

TEST_F(CliTest, HelpAfterACommandPrintsUsage) {
  const ProcessResult result = ytpipe({"run", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("usage:"), std::string::npos);
}

TEST_F(CliTest, PluginsListsTestPluginsWithKeysAndLoadErrors) {
  const ProcessResult result = ytpipe({"plugins", "--plugin-dir", YTPIPE_TEST_PLUGIN_DIR});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("secret-echo 2.1.0 (source)"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("a source that tries to leak its secret token"), std::string::npos);
  EXPECT_NE(result.out.find("token         string       required, secret"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("backup_token  string       optional, secret"), std::string::npos);
  EXPECT_NE(result.out.find("interval      duration     default 1s"), std::string::npos);
  EXPECT_NE(result.out.find("other keys: any key, passed through as text"), std::string::npos);
  EXPECT_NE(result.out.find("ytpipe-abi-mismatch.so: built for SDK ABI 2, this host speaks 1"),
            std::string::npos);
  EXPECT_NE(result.out.find("ytpipe-not-a-plugin.so: is not a ytpipe plugin"), std::string::npos);
  EXPECT_EQ(result.all().find("backup-secret-0000"), std::string::npos);
}

TEST_F(CliTest, PluginsListsTheShippedUtilityPluginsFromTheBuildTree) {
  const ProcessResult result = ytpipe({"plugins"});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  for (const char* expected : {"generator ", "(source)", "  count ", "discard ", "(sink)",
                               "  delay ", "file ", "  path ", "  fsync "}) {
    EXPECT_NE(result.out.find(expected), std::string::npos) << expected << "\n" << result.out;
  }
  EXPECT_EQ(result.out.find("secret-echo"), std::string::npos);
}

TEST_F(CliTest, CheckFindsShippedPluginsByNameWithNoConfiguration) {
  const ProcessResult result =
      ytpipe({"check", manifest("[[source]]\nname = \"g\"\nplugin = \"generator\"\n"
                                "[[sink]]\nname = \"d\"\nplugin = \"discard\"\n")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("source \"g\": plugin generator"), std::string::npos);
}

// A copy of the secret-echo test plugin in a folder of its own with `folder_mode`.
std::filesystem::path install_echo(const test::TempDir& root, std::filesystem::perms folder_mode) {
  const std::filesystem::path folder = root.path() / "plugins";
  std::filesystem::create_directories(folder);
  std::filesystem::permissions(folder, folder_mode);
  const std::filesystem::path file = folder / "ytpipe-secret-echo.so";
  std::filesystem::copy_file(test_plugin("secret-echo"), file);
  std::filesystem::permissions(file, std::filesystem::perms(0644));
  return file;
}

std::string echo_manifest_body(const std::filesystem::path& source) {
  return "[[source]]\nname = \"echo\"\nplugin = \"" + source.string() +
         "\"\n[source.config]\ntoken = \"abcd\"\n[[sink]]\nname = \"out\"\nplugin = \"" +
         test_plugin("null-sink").string() + "\"\n";
}

TEST_F(CliTest, RefusesAPluginInAWorldWritableFolderWithExit78) {
  const test::TempDir root;
  const auto plugin = install_echo(root, std::filesystem::perms(0777));
  const std::string path = manifest(echo_manifest_body(plugin));

  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"check", path}, {"run", path, "--once"}}) {
    const ProcessResult result = ytpipe(command);

    EXPECT_EQ(result.exit_code, kConfiguration) << command[0] << "\n" << result.err;
    EXPECT_NE(result.err.find(path + ":3:10: source \"echo\": " + plugin.string() +
                              ": refused, other users could change its code: folder " +
                              plugin.parent_path().string() + " (mode 0777, owner "),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("fix: chmod go-w " + plugin.parent_path().string()),
              std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find("validating token"), std::string::npos) << "plugin code ran";
  }
}

TEST_F(CliTest, RefusesAGroupOrWorldWritablePluginFile) {
  const test::TempDir root;
  const auto plugin = install_echo(root, std::filesystem::perms(0755));
  std::filesystem::permissions(plugin, std::filesystem::perms(0666));

  const ProcessResult result = ytpipe({"run", manifest(echo_manifest_body(plugin)), "--once"});

  EXPECT_EQ(result.exit_code, kConfiguration) << result.err;
  EXPECT_NE(result.err.find("file " + plugin.string() + " (mode 0666, "), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("fix: chmod go-w " + plugin.string()), std::string::npos);
}

TEST_F(CliTest, AllowUntrustedPluginsLoadsThemWithAWarningNamingEachFile) {
  const test::TempDir root;
  const auto plugin = install_echo(root, std::filesystem::perms(0777));
  const std::string path = manifest(echo_manifest_body(plugin));
  const std::string warning = " WARN host: loading untrusted plugin " + plugin.string() +
                              " (--allow-untrusted-plugins): folder " +
                              plugin.parent_path().string() + " (mode 0777, ";

  const ProcessResult checked = ytpipe({"check", "--allow-untrusted-plugins", path});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_NE(checked.err.find(warning), std::string::npos) << checked.err;
  EXPECT_NE(checked.out.find("plugin secret-echo 2.1.0 (" + plugin.string()), std::string::npos);

  const ProcessResult ran = ytpipe({"run", path, "--once", "--allow-untrusted-plugins"});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_NE(ran.err.find(warning), std::string::npos) << ran.err;

  const ProcessResult listed = ytpipe(
      {"plugins", "--plugin-dir", plugin.parent_path().string(), "--allow-untrusted-plugins"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find("secret-echo 2.1.0 (source)  " + plugin.string()), std::string::npos)
      << listed.out;
  EXPECT_NE(listed.err.find(warning), std::string::npos) << listed.err;
}

TEST_F(CliTest, PluginsListsAnUntrustedFileWithTheReasonInsteadOfLoadingIt) {
  const test::TempDir root;
  const auto plugin = install_echo(root, std::filesystem::perms(0777));

  const ProcessResult result = ytpipe({"plugins", "--plugin-dir", plugin.parent_path().string()});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("(untrusted, not loaded) " + plugin.string() +
                            ": refused, other users could change its code: folder " +
                            plugin.parent_path().string() + " (mode 0777, "),
            std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("secret-echo 2.1.0"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("generator "), std::string::npos) << "the trusted ones still load";
}

// dlopen() given a name without a slash would search LD_LIBRARY_PATH and the system folders; the
// host must open only the file its own search found.
TEST_F(CliTest, NeverLoadsAPluginFromTheLibrarySearchPath) {
  const std::map<std::string, std::string> library_path{
      {"LD_LIBRARY_PATH", YTPIPE_TEST_PLUGIN_DIR}};

  const ProcessResult by_name =
      ytpipe({"check", manifest(echo_manifest_body("secret-echo"))}, library_path);
  EXPECT_EQ(by_name.exit_code, kConfiguration);
  EXPECT_NE(by_name.err.find("no plugin named \"secret-echo\""), std::string::npos) << by_name.err;

  const ProcessResult by_file =
      ytpipe({"check", manifest(echo_manifest_body("ytpipe-secret-echo.so"))}, library_path);
  EXPECT_EQ(by_file.exit_code, kConfiguration);
  EXPECT_NE(
      by_file.err.find((folder_.path() / "ytpipe-secret-echo.so").string() + ": no such file"),
      std::string::npos)
      << by_file.err;

  const ProcessResult listed = ytpipe({"plugins"}, library_path);
  EXPECT_EQ(listed.out.find("secret-echo"), std::string::npos) << listed.out;
}

TEST_F(CliTest, ARelativePluginFileIsTheOneBesideTheManifest) {
  std::filesystem::copy_file(test_plugin("null-sink"), folder_.path() / "ytpipe-secret-echo.so");
  const std::string path =
      manifest("[[sink]]\nname = \"out\"\nplugin = \"ytpipe-secret-echo.so\"\n");

  const ProcessResult result =
      ytpipe({"check", path}, {{"LD_LIBRARY_PATH", YTPIPE_TEST_PLUGIN_DIR}});

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("sink \"out\": plugin null-sink"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace ytpipe::host
