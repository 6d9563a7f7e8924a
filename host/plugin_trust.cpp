#include "plugin_trust.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <set>
#include <system_error>
#include <vector>

namespace ytpipe::host {
namespace {

namespace fs = std::filesystem;

// The kernel gives up on link chains longer than this too (SYMLOOP_MAX on Linux).
constexpr int kMaxLinkHops = 40;

std::atomic<bool> untrusted_allowed{false};

enum class Kind { File, Folder, Link };

constexpr std::size_t kAccountBufferSize = 16384;

std::optional<passwd> find_user(uid_t uid, std::vector<char>& buffer) {
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return entry;
}

std::string user_name(uid_t uid) {
  std::vector<char> buffer(kAccountBufferSize);
  const std::optional<passwd> user = find_user(uid, buffer);
  return user ? user->pw_name : "uid " + std::to_string(uid);
}

std::string group_name(gid_t group_id) {
  std::vector<char> buffer(kAccountBufferSize);
  group entry{};
  group* found = nullptr;
  if (getgrgid_r(group_id, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return "gid " + std::to_string(group_id);
  }
  return entry.gr_name;
}

// True for a user private group (Debian's convention, which makes umask 002 the default): the
// owner's primary group, named after the owner, listing nobody else. Write access for that group
// is write access for the owner alone. This assumes no other account has the owner's private
// group as its own primary group, which the convention rules out.
bool is_private_group_of(uid_t owner, gid_t group_id) {
  std::vector<char> user_buffer(kAccountBufferSize);
  const std::optional<passwd> user = find_user(owner, user_buffer);
  if (!user || user->pw_gid != group_id) {
    return false;
  }

  std::vector<char> group_buffer(kAccountBufferSize);
  group entry{};
  group* found = nullptr;
  if (getgrgid_r(group_id, &entry, group_buffer.data(), group_buffer.size(), &found) != 0 ||
      found == nullptr || std::string_view(entry.gr_name) != user->pw_name) {
    return false;
  }
  for (char** member = entry.gr_mem; *member != nullptr; ++member) {
    if (std::string_view(*member) != user->pw_name) {
      return false;
    }
  }
  return true;
}

std::string owner_text(uid_t uid) {
  const std::string name = user_name(uid);
  return uid == 0 || name.starts_with("uid ") ? name : name + " (uid " + std::to_string(uid) + ")";
}

std::string mode_text(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

bool trusted_owner(uid_t uid) {
  return uid == 0 || uid == geteuid();
}

std::string trusted_owners_text() {
  const std::string running = " (the user running ytpipe)";
  return geteuid() == 0 ? "root" + running : "root or " + owner_text(geteuid()) + running;
}

std::string writers(mode_t writable_bits) {
  if (writable_bits == (S_IWGRP | S_IWOTH)) {
    return "its group and all other users";
  }
  return writable_bits == S_IWGRP ? "its group" : "all other users";
}

std::string_view kind_text(Kind kind) {
  switch (kind) {
    case Kind::File:
      return "file ";
    case Kind::Folder:
      return "folder ";
    case Kind::Link:
      return "symlink ";
  }
  return "";
}

// The write permission bits that let someone other than the owner change the path.
mode_t foreign_write_bits(const struct stat& status) {
  mode_t bits = status.st_mode & (S_IWGRP | S_IWOTH);
  if ((bits & S_IWGRP) != 0 && is_private_group_of(status.st_uid, status.st_gid)) {
    bits &= ~S_IWGRP;
  }
  return bits;
}

std::string describe(const fs::path& path, Kind kind, const struct stat& status) {
  return std::string(kind_text(kind)) + path.string() + " (mode " + mode_text(status.st_mode) +
         ", owner " + owner_text(status.st_uid) + ", group " + group_name(status.st_gid) + ")";
}

std::optional<TrustProblem> examine(const fs::path& path, Kind kind) {
  struct stat status {};
  const int result =
      kind == Kind::Link ? ::lstat(path.c_str(), &status) : ::stat(path.c_str(), &status);
  if (result != 0) {
    const std::string reason = std::error_code(errno, std::generic_category()).message();
    return TrustProblem{
        path, std::string(kind_text(kind)) + path.string() + " cannot be examined: " + reason,
        "ls -ld " + path.string() + " to see why"};
  }

  if (!trusted_owner(status.st_uid)) {
    return TrustProblem{path,
                        describe(path, kind, status) + " belongs to another user; only " +
                            trusted_owners_text() + " may own it",
                        "chown " + user_name(geteuid()) + " " + path.string()};
  }

  // A link's own mode bits mean nothing; who may replace it is decided by its folder.
  const mode_t writable = foreign_write_bits(status);
  if (kind == Kind::Link || writable == 0 || (kind == Kind::Folder && (status.st_mode & S_ISVTX))) {
    return std::nullopt;
  }
  const std::string sticky = kind == Kind::Folder ? " and has no sticky bit" : "";
  return TrustProblem{
      path, describe(path, kind, status) + " is writable by " + writers(writable) + sticky,
      "chmod go-w " + path.string()};
}

// Every path whose owner or mode decides what code a lookup of `file` ends in: each folder a
// name is looked up in, every folder above those, each symlink followed, and the final file.
class LookupPaths {
 public:
  explicit LookupPaths(const fs::path& file) { add_lookups(fs::absolute(file), 0); }

  const std::vector<std::pair<fs::path, Kind>>& paths() const { return paths_; }

 private:
  void add(const fs::path& path, Kind kind) {
    if (seen_.insert(path).second) {
      paths_.emplace_back(path, kind);
    }
  }

  void add_folder_and_above(const fs::path& folder) {
    for (fs::path current = folder;; current = current.parent_path()) {
      add(current, Kind::Folder);
      if (current == current.parent_path()) {
        return;
      }
    }
  }

  void add_lookups(const fs::path& path, int hops) {
    fs::path entry = path.root_path();
    for (const fs::path& part : path.relative_path()) {
      std::error_code error;
      const fs::path holder = fs::canonical(entry, error);
      if (error) {
        return;
      }
      add_folder_and_above(holder);

      entry = holder / part;
      if (fs::is_symlink(entry, error) && hops < kMaxLinkHops) {
        add(entry, Kind::Link);
        // An absolute target replaces `holder` entirely; a relative one is read from it.
        add_lookups(holder / fs::read_symlink(entry, error), hops + 1);
      }
    }
  }

  std::set<fs::path> seen_;
  std::vector<std::pair<fs::path, Kind>> paths_;
};

}  // namespace

std::string TrustProblem::to_string() const {
  return finding + "; fix: " + fix;
}

std::optional<TrustProblem> find_trust_problem(const std::filesystem::path& file) {
  std::error_code error;
  const fs::path resolved = fs::canonical(file, error);
  if (error) {
    return TrustProblem{file, "file " + file.string() + " cannot be resolved: " + error.message(),
                        "ls -l " + file.string() + " to see why"};
  }
  if (std::optional<TrustProblem> problem = examine(resolved, Kind::File)) {
    return problem;
  }

  // Nearest first: the folder holding the plugin is the likeliest one to be at fault.
  const LookupPaths lookups(file);
  for (auto it = lookups.paths().rbegin(); it != lookups.paths().rend(); ++it) {
    if (std::optional<TrustProblem> problem = examine(it->first, it->second)) {
      return problem;
    }
  }
  return std::nullopt;
}

void allow_untrusted_plugins(bool allow) {
  untrusted_allowed.store(allow);
}

bool untrusted_plugins_allowed() {
  return untrusted_allowed.load();
}

}  // namespace ytpipe::host
