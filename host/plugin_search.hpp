// Where plugins are looked for, in the documented order: an explicit path; the manifest's
// plugin_dirs; YTPIPE_PLUGIN_PATH; the folder installed beside the executable; the build tree.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ytpipe::host {

// True when a manifest's `plugin = "..."` is a path to a file rather than a plugin name.
bool names_a_path(std::string_view plugin);

// "foo" -> "ytpipe-foo.so".
std::string plugin_file_name(std::string_view plugin_name);

class PluginSearch {
 public:
  // Searches `folders` in order, nothing else.
  explicit PluginSearch(std::vector<std::filesystem::path> folders);

  // `first` (the manifest's plugin_dirs, or `plugins --plugin-dir`), then YTPIPE_PLUGIN_PATH
  // (colon-separated), then <prefix>/lib/ytpipe/plugins beside the running executable, then the
  // build tree's plugin folder. Folders that do not exist are kept (they simply hold nothing).
  static PluginSearch standard(std::vector<std::filesystem::path> first);

  const std::vector<std::filesystem::path>& folders() const { return folders_; }

  // The file a manifest's `plugin` value names. A path is resolved against `base` when relative
  // and returned whether or not it exists (loading reports a missing file); a name is searched
  // for, nullopt when no folder has it.
  std::optional<std::filesystem::path> resolve(std::string_view plugin,
                                               const std::filesystem::path& base) const;

  // Every ytpipe-*.so in the folders; when two folders hold the same file name, the first wins.
  std::vector<std::filesystem::path> all_files() const;

  // The plugin names all_files() stands for, for "did you mean" suggestions.
  std::vector<std::string> all_names() const;

 private:
  std::vector<std::filesystem::path> folders_;
};

// The folder an installed ytpipe keeps its plugins in, derived from the executable's location.
std::optional<std::filesystem::path> installed_plugin_folder();

}  // namespace ytpipe::host
