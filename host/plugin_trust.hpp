// Whether a plugin file may be loaded. Loading a plugin runs its code as the user running ytpipe,
// so the file must be one that no other user can change: the file, and every folder from it up to
// the root, must be owned by root or by this user and not writable by anyone else. The full rule
// and its reasons are in docs/security.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace ytpipe::host {

// The first path that makes a plugin untrusted, what is wrong with it and how to fix it.
struct TrustProblem {
  std::filesystem::path path;  // the plugin file itself or one of the folders above it
  std::string finding;         // e.g. "folder /p (mode 0777, owner root) is writable by ..."
  std::string fix;             // a command that makes it trusted, e.g. "chmod go-w /p"

  // "<finding>; fix: <fix>"
  std::string to_string() const;
};

// Checks `file` (symlinks resolved) and each folder above the resolved file up to the root, and
// also the folders above the link itself when `file` is a symlink: whoever can write there can
// point the link elsewhere. A group- or world-writable folder passes only with the sticky bit set
// (as /tmp has), because then others cannot rename or delete entries they do not own. Returns
// nullopt for a trusted file. `file` must exist.
std::optional<TrustProblem> find_trust_problem(const std::filesystem::path& file);

// Process-wide switch for development: when set, PluginLibrary::load() loads an untrusted file and
// logs a warning naming it instead of refusing it. The command line sets it once
// (--allow-untrusted-plugins) before anything is loaded. Off by default.
void allow_untrusted_plugins(bool allow);
bool untrusted_plugins_allowed();

}  // namespace ytpipe::host
