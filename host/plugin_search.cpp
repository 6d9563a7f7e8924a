#include "plugin_search.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <cstdlib>
#include <set>
#include <system_error>

namespace ytpipe::host {
namespace {

constexpr std::string_view kPrefix = "ytpipe-";
constexpr std::string_view kSuffix = ".so";

std::vector<std::filesystem::path> split_search_path(std::string_view text) {
  std::vector<std::filesystem::path> folders;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(':', start), text.size());
    if (end > start) {
      folders.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return folders;
}

bool is_plugin_file_name(const std::string& name) {
  return name.size() > kPrefix.size() + kSuffix.size() && name.starts_with(kPrefix) &&
         name.ends_with(kSuffix);
}

std::vector<std::filesystem::path> plugin_files_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (is_plugin_file_name(entry.path().filename().string())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

bool names_a_path(std::string_view plugin) {
  return plugin.find('/') != std::string_view::npos || plugin.ends_with(kSuffix);
}

std::string plugin_file_name(std::string_view plugin_name) {
  return std::string(kPrefix) + std::string(plugin_name) + std::string(kSuffix);
}

PluginSearch::PluginSearch(std::vector<std::filesystem::path> folders)
    : folders_(std::move(folders)) {}

PluginSearch PluginSearch::standard(std::vector<std::filesystem::path> first) {
  std::vector<std::filesystem::path> folders = std::move(first);

  if (const char* variable = std::getenv("YTPIPE_PLUGIN_PATH")) {
    for (std::filesystem::path& folder : split_search_path(variable)) {
      folders.push_back(std::move(folder));
    }
  }

  if (std::optional<std::filesystem::path> installed = installed_plugin_folder()) {
    folders.push_back(std::move(*installed));
  }

  folders.emplace_back(YTPIPE_BUILD_PLUGIN_DIR);
  return PluginSearch(std::move(folders));
}

std::optional<std::filesystem::path> PluginSearch::resolve(
    std::string_view plugin, const std::filesystem::path& base) const {
  if (names_a_path(plugin)) {
    const std::filesystem::path path(plugin);
    return path.is_absolute() ? path : base / path;
  }

  const std::string file = plugin_file_name(plugin);
  for (const std::filesystem::path& folder : folders_) {
    std::error_code error;
    if (std::filesystem::is_regular_file(folder / file, error)) {
      return folder / file;
    }
  }
  return std::nullopt;
}

std::vector<std::filesystem::path> PluginSearch::all_files() const {
  std::vector<std::filesystem::path> files;
  std::set<std::string> seen;
  for (const std::filesystem::path& folder : folders_) {
    for (std::filesystem::path& file : plugin_files_in(folder)) {
      if (seen.insert(file.filename().string()).second) {
        files.push_back(std::move(file));
      }
    }
  }
  return files;
}

std::vector<std::string> PluginSearch::all_names() const {
  std::vector<std::string> names;
  for (const std::filesystem::path& file : all_files()) {
    const std::string name = file.filename().string();
    names.push_back(name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size()));
  }
  return names;
}

// An install puts the executable in <prefix>/<bin subdir> and plugins in <prefix>/<plugin
// subdir>; walking up one folder per component of the bin subdir finds <prefix>.
std::optional<std::filesystem::path> installed_plugin_folder() {
  const std::filesystem::path plugin_subdir(YTPIPE_INSTALL_PLUGIN_SUBDIR);
  if (plugin_subdir.is_absolute()) {
    return plugin_subdir;
  }

  boost::dll::fs::error_code error;
  const boost::dll::fs::path executable = boost::dll::program_location(error);
  if (error) {
    return std::nullopt;
  }
  std::filesystem::path prefix = std::filesystem::path(executable.string()).parent_path();
  for (const auto& component : std::filesystem::path(YTPIPE_INSTALL_BIN_SUBDIR)) {
    if (!component.empty()) {
      prefix = prefix.parent_path();
    }
  }
  return prefix / plugin_subdir;
}

}  // namespace ytpipe::host
