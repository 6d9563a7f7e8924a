// Fuzzes the manifest reader end to end: TOML syntax, the [host] table, durations, ${VAR}
// expansion, [[source]]/[[sink]] instances, plugin config checks against declared keys, inputs,
// and each plugin's validate(). The input is the manifest text, written to a file because
// load_pipeline() reads a path.
//
// The generator, file and fuzzschema plugins are loaded once at start-up and held for the whole
// run, so the reader's own load of them per input only bumps the loader's reference count
// instead of mapping and relocating the library again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "manifest.hpp"
#include "plugin_library.hpp"

namespace {

using ytpipe::host::InstanceSpec;
using ytpipe::host::ManifestError;
using ytpipe::host::ManifestLoad;
using ytpipe::host::PipelineSpec;
using ytpipe::host::PluginLibrary;

// A fixed environment, so a finding replays the same way on any machine.
const std::map<std::string, std::string> kVariables{
    {"HOME", "/home/ytpipe"},
    {"TOPIC", "youtube_videos"},
    {"EMPTY", ""},
    {"API_KEY", "AIzaFuzz-0123456789"},
    {"COUNT", "25"},
    {"INTERVAL", "15m"},
    {"IDS", "PLa,PLb,PLc"},
    {"FLAG", "true"},
    {"DATA", "data/fuzz"},
};

std::optional<std::string> lookup(const std::string& name) {
  const auto found = kVariables.find(name);
  return found == kVariables.end() ? std::nullopt : std::optional(found->second);
}

class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ytpipe-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::vector<std::shared_ptr<const PluginLibrary>> load_plugins_once() {
  std::vector<std::shared_ptr<const PluginLibrary>> plugins;
  for (const char* name : {"generator", "file", "fuzzschema"}) {
    const std::filesystem::path file =
        std::filesystem::path(YTPIPE_FUZZ_PLUGIN_DIR) / ("ytpipe-" + std::string(name) + ".so");
    try {
      plugins.push_back(PluginLibrary::load(file));
    } catch (const ytpipe::host::PluginLoadError& failure) {
      std::fprintf(stderr, "manifest fuzzer: %s\n", failure.what());
      std::abort();
    }
  }
  return plugins;
}

[[noreturn]] void violated(const char* invariant) {
  std::fprintf(stderr, "manifest invariant violated: %s\n", invariant);
  std::abort();
}

void require(bool holds, const char* invariant) {
  if (!holds) {
    violated(invariant);
  }
}

void check_errors(const std::vector<ManifestError>& errors, const std::filesystem::path& manifest,
                  std::string_view text) {
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const ManifestError& error : errors) {
    require(error.location.file == manifest.string(), "every error names the manifest");
    require(error.location.line >= 0 && error.location.line <= lines,
            "every error's line is in the file");
    require(!error.message.empty(), "every error says what is wrong");
  }
  const auto by_place = [](const ManifestError& a, const ManifestError& b) {
    return std::tie(a.location.line, a.location.column) <
           std::tie(b.location.line, b.location.column);
  };
  require(std::is_sorted(errors.begin(), errors.end(), by_place), "errors come in file order");
}

void check_spec(const PipelineSpec& spec) {
  std::set<std::string> names;
  std::set<std::string> sources;
  for (const InstanceSpec& source : spec.sources) {
    require(source.plugin != nullptr, "every source has its plugin");
    require(names.insert(source.name).second, "instance names are unique");
    sources.insert(source.name);
  }
  for (const InstanceSpec& sink : spec.sinks) {
    require(sink.plugin != nullptr, "every sink has its plugin");
    require(names.insert(sink.name).second, "instance names are unique");
    for (const std::string& input : sink.inputs) {
      require(sources.contains(input), "every sink input is a source");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static const std::vector<std::shared_ptr<const PluginLibrary>> plugins = load_plugins_once();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFolder folder;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // A manifest may name any file as a plugin; the loader would map and run whatever shared
  // library a fuzzed path points at, which tests the system's libraries, not the reader.
  if (text.find(".so") != std::string_view::npos) {
    return -1;
  }

  const std::filesystem::path manifest = folder.path() / "manifest.toml";
  {
    std::ofstream out(manifest, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }

  const ManifestLoad load = ytpipe::host::load_pipeline(manifest, {.lookup = lookup});
  require(load.spec.has_value() == load.errors.empty(), "a manifest loads or says why not");
  check_errors(load.errors, manifest, text);
  if (load.spec) {
    check_spec(*load.spec);
  }
  return 0;
}
