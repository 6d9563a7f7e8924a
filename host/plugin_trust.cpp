#include "plugin_trust.hpp"

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

std::string user_name(uid_t uid) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return entry.pw_name;
  }
  return "uid " + std::to_string(uid);
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

  const std::string subject = std::string(kind_text(kind)) + path.string() + " (mode " +
                              mode_text(status.st_mode) + ", owner " + owner_text(status.st_uid) +
                              ")";
  if (!trusted_owner(status.st_uid)) {
    return TrustProblem{
        path, subject + " belongs to another user; only " + trusted_owners_text() + " may own it",
        "chown " + user_name(geteuid()) + " " + path.string()};
  }

  // A link's own mode bits mean nothing; only who may replace it does, and that is its folder.
  const mode_t writable = status.st_mode & (S_IWGRP | S_IWOTH);
  if (kind == Kind::Link || writable == 0 || (kind == Kind::Folder && (status.st_mode & S_ISVTX))) {
    return std::nullopt;
  }
  const std::string sticky = kind == Kind::Folder ? " and has no sticky bit" : "";
  return TrustProblem{path, subject + " is writable by " + writers(writable) + sticky,
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
