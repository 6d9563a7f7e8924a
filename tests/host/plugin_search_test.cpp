// Plugin search order, against real folders holding real plugin files.
#include "plugin_search.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "plugin_library.hpp"
#include "test_support.hpp"

namespace ytpipe::host {
namespace {

using test::test_plugin;

class PluginSearchTest : public ::testing::Test {
 protected:
  // Puts a copy of the test plugin `source` into `folder` as ytpipe-<name>.so.
  static std::filesystem::path install(const std::filesystem::path& folder,
                                       const std::string& source, const std::string& name) {
    std::filesystem::create_directories(folder);
    const std::filesystem::path file = folder / plugin_file_name(name);
    std::filesystem::copy_file(test_plugin(source), file);
    return file;
  }

  void TearDown() override { unsetenv("YTPIPE_PLUGIN_PATH"); }

  test::TempDir root_;
};

TEST_F(PluginSearchTest, TellsPathsFromNames) {
  EXPECT_TRUE(names_a_path("./ytpipe-x.so"));
  EXPECT_TRUE(names_a_path("plugins/x"));
  EXPECT_TRUE(names_a_path("custom.so"));
  EXPECT_FALSE(names_a_path("youtube"));
}

TEST_F(PluginSearchTest, TheFirstFolderHoldingTheFileWins) {
  const auto first = install(root_.path() / "a", "null-sink", "dup");
  install(root_.path() / "b", "secret-echo", "dup");
  install(root_.path() / "b", "secret-echo", "only-in-b");
  const PluginSearch search({root_.path() / "missing", root_.path() / "a", root_.path() / "b"});

  EXPECT_EQ(search.resolve("dup", "/unused"), first);
  EXPECT_EQ(search.resolve("only-in-b", "/unused"), root_.path() / "b/ytpipe-only-in-b.so");
  EXPECT_EQ(search.resolve("absent", "/unused"), std::nullopt);
  EXPECT_EQ(search.all_names(), (std::vector<std::string>{"dup", "only-in-b"}));
}

TEST_F(PluginSearchTest, ResolvesRelativePathsAgainstTheBase) {
  const PluginSearch search({});
  EXPECT_EQ(search.resolve("lib/x.so", "/etc/ytpipe"), "/etc/ytpipe/lib/x.so");
  EXPECT_EQ(search.resolve("/opt/x.so", "/etc/ytpipe"), "/opt/x.so");
}

TEST_F(PluginSearchTest, StandardOrderIsGivenFoldersThenVariableThenInstallThenBuildTree) {
  setenv("YTPIPE_PLUGIN_PATH", "/from/variable:/second/from/variable", 1);

  const PluginSearch search = PluginSearch::standard({"/from/manifest"});

  const auto& folders = search.folders();
  ASSERT_EQ(folders.size(), 5u);
  EXPECT_EQ(folders[0], "/from/manifest");
  EXPECT_EQ(folders[1], "/from/variable");
  EXPECT_EQ(folders[2], "/second/from/variable");
  EXPECT_EQ(folders[3], installed_plugin_folder());
  EXPECT_EQ(folders[4], YTPIPE_BUILD_PLUGIN_DIR);
}

TEST_F(PluginSearchTest, ManifestFoldersShadowTheVariable) {
  install(root_.path() / "variable", "secret-echo", "shadowed");
  const auto preferred = install(root_.path() / "manifest", "null-sink", "shadowed");
  setenv("YTPIPE_PLUGIN_PATH", (root_.path() / "variable").c_str(), 1);

  const PluginSearch search = PluginSearch::standard({root_.path() / "manifest"});

  EXPECT_EQ(search.resolve("shadowed", "/unused"), preferred);
  EXPECT_EQ(PluginLibrary::load(*search.resolve("shadowed", "/unused"))->name(), "null-sink");
}

}  // namespace
}  // namespace ytpipe::host
