// The loader's trust check against real files, folders, owners and symlinks, loading the real
// test plugin. Tests may run as root: the rule is about the mode bits and owners other users could
// exploit, so it must refuse the same files for root as for anyone else.
#include "plugin_trust.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include "plugin_library.hpp"
#include "test_support.hpp"

namespace ytpipe::host {
namespace {

namespace fs = std::filesystem;

using test::test_plugin;

constexpr uid_t kNobody = 65534;
constexpr gid_t kUnnamedGroup = 4242;

class PluginTrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = make_folder(root_.path() / "plugins", fs::perms(0755));
    plugin_ = install(folder_);
  }

  void TearDown() override { allow_untrusted_plugins(false); }

  static fs::path make_folder(const fs::path& folder, fs::perms mode) {
    fs::create_directories(folder);
    fs::permissions(folder, mode);
    return folder;
  }

  static fs::path install(const fs::path& folder) {
    const fs::path file = folder / "ytpipe-secret-echo.so";
    fs::copy_file(test_plugin("secret-echo"), file);
    fs::permissions(file, fs::perms(0644));
    return file;
  }

  // What load() says when it refuses `file`; fails the test when it loads.
  static std::string refusal(const fs::path& file) {
    try {
      PluginLibrary::load(file);
    } catch (const UntrustedPluginError& error) {
      return error.what();
    }
    ADD_FAILURE() << file << " was loaded";
    return {};
  }

  static fs::path problem_path(const fs::path& file) {
    const std::optional<TrustProblem> problem = find_trust_problem(file);
    return problem ? problem->path : fs::path();
  }

  test::TempDir root_;
  fs::path folder_;
  fs::path plugin_;
};

TEST_F(PluginTrustTest, LoadsAPluginNoOtherUserCanChange) {
  EXPECT_EQ(find_trust_problem(plugin_), std::nullopt);
  EXPECT_EQ(PluginLibrary::load(plugin_)->name(), "secret-echo");
}

TEST_F(PluginTrustTest, RefusesAPluginInAWorldWritableFolderAndSaysHowToFixIt) {
  fs::permissions(folder_, fs::perms(0777));

  const std::string error = refusal(plugin_);

  EXPECT_TRUE(error.starts_with(plugin_.string() +
                                ": refused, other users could change its code: "
                                "folder " +
                                folder_.string() + " (mode 0777, owner "))
      << error;
  EXPECT_NE(error.find("and has no sticky bit; fix: chmod go-w " + folder_.string()),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("--allow-untrusted-plugins"), std::string::npos) << error;
}

TEST_F(PluginTrustTest, RefusesAWorldWritablePluginFile) {
  fs::permissions(plugin_, fs::perms(0646));

  const std::string error = refusal(plugin_);

  EXPECT_NE(error.find("file " + plugin_.string() + " (mode 0646, "), std::string::npos) << error;
  EXPECT_NE(error.find("is writable by all other users; fix: chmod go-w " + plugin_.string()),
            std::string::npos)
      << error;
}

TEST_F(PluginTrustTest, RefusesAPluginFileWritableByASharedGroup) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "only root can give a file to a group it is not in";
  }
  ASSERT_EQ(::chown(plugin_.c_str(), static_cast<uid_t>(-1), kUnnamedGroup), 0);
  fs::permissions(plugin_, fs::perms(0664));

  const std::string error = refusal(plugin_);

  EXPECT_NE(error.find("(mode 0664, owner root, group gid 4242) is writable by its group; "),
            std::string::npos)
      << error;
}

// Debian's user private groups make umask 002 common: a build tree is then group-writable, but
// only by a group that holds nobody but its owner.
TEST_F(PluginTrustTest, AcceptsGroupWriteForTheOwnersPrivateGroup) {
  const passwd* user = getpwuid(geteuid());
  const group* primary = user != nullptr ? getgrgid(user->pw_gid) : nullptr;
  if (primary == nullptr || std::string(primary->gr_name) != user->pw_name ||
      primary->gr_mem[0] != nullptr) {
    GTEST_SKIP() << "the user running the tests has no private group";
  }
  ASSERT_EQ(::chown(plugin_.c_str(), static_cast<uid_t>(-1), user->pw_gid), 0);
  fs::permissions(plugin_, fs::perms(0664));
  fs::permissions(folder_, fs::perms(0775));

  EXPECT_EQ(find_trust_problem(plugin_), std::nullopt);
}

TEST_F(PluginTrustTest, AcceptsAStickyWorldWritableFolderHoldingAFileOnlyItsOwnerCanWrite) {
  fs::permissions(folder_, fs::perms(01777));

  EXPECT_EQ(find_trust_problem(plugin_), std::nullopt);
  EXPECT_EQ(PluginLibrary::load(plugin_)->name(), "secret-echo");
}

TEST_F(PluginTrustTest, RefusesAWritableFileEvenInAStickyFolder) {
  fs::permissions(folder_, fs::perms(01777));
  fs::permissions(plugin_, fs::perms(0666));

  EXPECT_EQ(problem_path(plugin_), plugin_);
}

TEST_F(PluginTrustTest, ChecksEveryFolderUpToTheRoot) {
  const fs::path open = make_folder(root_.path() / "open", fs::perms(0777));
  const fs::path nested = make_folder(open / "nested", fs::perms(0755));
  const fs::path plugin = install(nested);

  EXPECT_EQ(problem_path(plugin), open);
  EXPECT_NE(refusal(plugin).find("fix: chmod go-w " + open.string()), std::string::npos);
}

TEST_F(PluginTrustTest, RefusesAFolderOwnedByAnotherUser) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "only root can give a folder to another user";
  }
  ASSERT_EQ(::chown(folder_.c_str(), kNobody, static_cast<gid_t>(-1)), 0);

  const std::string error = refusal(plugin_);

  EXPECT_NE(error.find("folder " + folder_.string() + " (mode 0755, owner nobody (uid 65534), "),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("belongs to another user; only root (the user running ytpipe) may own it; "
                       "fix: chown root " +
                       folder_.string()),
            std::string::npos)
      << error;
}

TEST_F(PluginTrustTest, RefusesAPluginFileOwnedByAnotherUser) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "only root can give a file to another user";
  }
  ASSERT_EQ(::chown(plugin_.c_str(), kNobody, static_cast<gid_t>(-1)), 0);

  EXPECT_EQ(problem_path(plugin_), plugin_);
}

TEST_F(PluginTrustTest, ChecksTheFoldersOfTheFileASymlinkPointsTo) {
  const fs::path open = make_folder(root_.path() / "open", fs::perms(0777));
  const fs::path target = install(open);
  const fs::path link = folder_ / "ytpipe-linked.so";
  fs::create_symlink(target, link);

  EXPECT_EQ(problem_path(link), open);
}

TEST_F(PluginTrustTest, ChecksTheFolderHoldingASymlink) {
  const fs::path open = make_folder(root_.path() / "open", fs::perms(0777));
  const fs::path link = open / "ytpipe-linked.so";
  fs::create_symlink(plugin_, link);

  EXPECT_EQ(problem_path(link), open);
}

TEST_F(PluginTrustTest, ChecksEveryHopOfAChainOfRelativeSymlinks) {
  const fs::path open = make_folder(root_.path() / "open", fs::perms(0777));
  const fs::path safe = make_folder(root_.path() / "safe", fs::perms(0755));
  fs::create_symlink("../plugins/ytpipe-secret-echo.so", open / "hop.so");
  fs::create_symlink("../open/hop.so", safe / "ytpipe-linked.so");

  EXPECT_EQ(problem_path(safe / "ytpipe-linked.so"), open);
}

TEST_F(PluginTrustTest, TheDevelopmentSwitchLoadsAnUntrustedPlugin) {
  fs::permissions(folder_, fs::perms(0777));
  allow_untrusted_plugins(true);

  const auto plugin = PluginLibrary::load(plugin_);

  EXPECT_EQ(plugin->name(), "secret-echo");
  EXPECT_EQ(plugin->path(), plugin_);
}

}  // namespace
}  // namespace ytpipe::host
