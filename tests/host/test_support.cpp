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
  bp::environment child_environment = boost::this_process::environment();
  for (const auto& [name, value] : environment) {
    if (value.empty()) {
      child_environment.erase(name);
    } else {
      child_environment[name] = value;
    }
  }

  // Output goes to files, not pipes: nothing can block on a full pipe nobody drains.
  const TempDir capture;
  const boost::filesystem::path out_file = (capture.path() / "stdout").string();
  const boost::filesystem::path err_file = (capture.path() / "stderr").string();
  bp::child child(executable.string(), bp::args(arguments),
                  bp::std_in<bp::null, bp::std_out> out_file, bp::std_err > err_file,
                  child_environment, bp::start_dir = working_dir.string());
  child.wait();

  return {child.exit_code(), read_file(out_file.string()), read_file(err_file.string())};
}

std::filesystem::path test_plugin(const std::string& name) {
  return std::filesystem::path(YTPIPE_TEST_PLUGIN_DIR) / ("ytpipe-" + name + ".so");
}

}  // namespace ytpipe::host::test
