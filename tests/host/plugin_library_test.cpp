// The loader against real shared libraries: the test plugins and files that only pretend.
#include "plugin_library.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace ytpipe::host {
namespace {

using test::test_plugin;

std::string load_error(const std::filesystem::path& path) {
  try {
    PluginLibrary::load(path);
  } catch (const PluginLoadError& error) {
    return error.what();
  }
  ADD_FAILURE() << path << " loaded";
  return {};
}

TEST(PluginLibraryTest, LoadsASourceAndDescribesIt) {
  const auto plugin = PluginLibrary::load(test_plugin("secret-echo"));

  EXPECT_EQ(plugin->name(), "secret-echo");
  EXPECT_EQ(plugin->kind(), YTPIPE_KIND_SOURCE);
  EXPECT_STREQ(plugin->descriptor().version, "2.1.0");
  ASSERT_NE(plugin->find_key("token"), nullptr);
  EXPECT_EQ(plugin->find_key("token")->secret, 1);
  EXPECT_EQ(plugin->find_key("nope"), nullptr);
}

TEST(PluginLibraryTest, NamesAMissingFile) {
  const auto missing = test_plugin("does-not-exist");
  EXPECT_EQ(load_error(missing), missing.string() + ": no such file");
}

TEST(PluginLibraryTest, RefusesAFileThatIsNotASharedLibrary) {
  const test::TempDir folder;
  const auto fake = folder.write("ytpipe-fake.so", "this is text, not ELF\n");

  const std::string error = load_error(fake);

  EXPECT_TRUE(error.starts_with(fake.string() + ": is not a loadable shared library: ")) << error;
}

TEST(PluginLibraryTest, RefusesASharedLibraryWithoutTheEntryPoint) {
  const auto library = test_plugin("not-a-plugin");
  EXPECT_EQ(load_error(library),
            library.string() + ": is not a ytpipe plugin: no `ytpipe_plugin` entry point");
}

// The descriptor's other members point into nowhere: reading any of them would crash the test.
TEST(PluginLibraryTest, RefusesAnotherAbiBeforeReadingAnythingElse) {
  const auto library = test_plugin("abi-mismatch");
  EXPECT_EQ(load_error(library), library.string() + ": built for SDK ABI 2, this host speaks 1");
}

TEST(PluginLibraryTest, RefusesADescriptorMissingAFunctionItsKindNeeds) {
  const auto library = test_plugin("malformed");
  EXPECT_EQ(
      load_error(library),
      library.string() + ": malformed plugin descriptor: a source plugin without run_cycle()");
}

TEST(PluginLibraryTest, KeepsTheLibraryLoadedWhileItIsReferenced) {
  std::shared_ptr<const PluginLibrary> plugin = PluginLibrary::load(test_plugin("null-sink"));
  const ytpipe_plugin_descriptor* descriptor = &plugin->descriptor();
  const auto second = PluginLibrary::load(test_plugin("null-sink"));
  plugin.reset();

  EXPECT_STREQ(second->descriptor().name, "null-sink");
  EXPECT_EQ(&second->descriptor(), descriptor);
}

}  // namespace
}  // namespace ytpipe::host
