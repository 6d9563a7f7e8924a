// What the host tests share: a temporary folder that cleans up after itself, and running the
// real `ytpipe` executable with its output captured.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ytpipe::host::test {

// A fresh folder under the system's temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to `name` inside the folder and returns its full path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;

  std::string all() const { return out + err; }
};

// Runs `executable` with `arguments` in `working_dir`, the current environment plus
// `environment` (an empty value removes the variable), and waits for it to exit.
ProcessResult run_process(const std::filesystem::path& executable,
                          const std::vector<std::string>& arguments,
                          const std::filesystem::path& working_dir,
                          const std::map<std::string, std::string>& environment = {});

// The test plugin `name` (tests/test-plugins) as a path.
std::filesystem::path test_plugin(const std::string& name);

}  // namespace ytpipe::host::test
