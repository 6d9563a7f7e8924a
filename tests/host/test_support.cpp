#include "test_support.hpp"

#include <boost/process.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ytpipe::host::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ytpipe-host-test-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary folder from " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
  return file;
}

ProcessResult run_process(const std::filesystem::path& executable,
                          const std::vector<std::string>& arguments,
                          const std::filesystem::path& working_dir,
                          const std::map<std::string, std::string>& environment) {
  namespace bp = boost::process;
  // env(1) applies the changes in the child. Boost.Process 1.74's own environment lookup reads
  // past the end of variables shorter than the name it looks for (AddressSanitizer shows it).
  std::vector<std::string> env_arguments;
  std::vector<std::string> assignments;  // env(1) takes its options before any NAME=VALUE
  for (const auto& [name, value] : environment) {
    if (value.empty()) {
      env_arguments.insert(env_arguments.end(), {"-u", name});
    } else {
      assignments.push_back(name + "=" + value);
    }
  }
  env_arguments.insert(env_arguments.end(), assignments.begin(), assignments.end());
  env_arguments.push_back(executable.string());
  env_arguments.insert(env_arguments.end(), arguments.begin(), arguments.end());

  // Output goes to files, not pipes: nothing can block on a full pipe nobody drains.
  const TempDir capture;
  const boost::filesystem::path out_file = (capture.path() / "stdout").string();
  const boost::filesystem::path err_file = (capture.path() / "stderr").string();
  bp::child child("/usr/bin/env", bp::args(env_arguments),
                  bp::std_in<bp::null, bp::std_out> out_file, bp::std_err > err_file,
                  bp::start_dir = working_dir.string());
  child.wait();

  return {child.exit_code(), read_file(out_file.string()), read_file(err_file.string())};
}

std::filesystem::path test_plugin(const std::string& name) {
  return std::filesystem::path(YTPIPE_TEST_PLUGIN_DIR) / ("ytpipe-" + name + ".so");
}

}  // namespace ytpipe::host::test
