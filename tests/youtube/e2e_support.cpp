#include "e2e_support.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ytpipe::youtube::testing {
namespace {

int wait_bounded(Poco::ProcessHandle& process, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const int code = process.tryWait();  // -1 while running; reaps a finished child
    if (code != -1) {
      return code;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Poco::Process::kill(process);
      process.wait();
      return -9;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Control calls go to the test's own child; over HTTPS they still verify its certificate.
Poco::Net::Context::Ptr test_ca_context() {
  static std::once_flag ssl_initialized;
  std::call_once(ssl_initialized, [] { Poco::Net::initializeSSL(); });
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "",
                                std::string(YTPIPE_TEST_DATA) + "/test-ca.pem",
                                Poco::Net::Context::VERIFY_RELAXED);
}

std::unique_ptr<Poco::Net::HTTPClientSession> control_session(std::uint16_t port,
                                                              Poco::Net::Context::Ptr tls) {
  if (tls) {
    return std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port, tls);
  }
  return std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Simulator::Simulator(const std::vector<std::string>& args) {
  Poco::Pipe out;
  std::vector<std::string> all = args;
  all.insert(all.begin(), {"--port", "0"});
  process_ = std::make_unique<Poco::ProcessHandle>(
      Poco::Process::launch(YTPIPE_SIMULATOR, all, nullptr, &out, nullptr));
  Poco::PipeInputStream in(out);
  std::string line;
  std::getline(in, line);
  const std::regex listening("listening on (https?)://127\\.0\\.0\\.1:([0-9]+)");
  std::smatch found;
  if (!std::regex_match(line, found, listening)) {
    throw std::runtime_error("the simulator did not start: \"" + line + "\"");
  }
  scheme_ = found[1];
  port_ = static_cast<std::uint16_t>(std::stoi(found[2]));
  if (scheme_ == "https") {
    tls_ = test_ca_context();
  }
}

Simulator::~Simulator() {
  Poco::Process::requestTermination(process_->id());
  wait_bounded(*process_, std::chrono::seconds(10));
}

std::string Simulator::api_base(const std::string& host) const {
  return scheme_ + "://" + host + ":" + std::to_string(port_) + "/youtube/v3";
}

Poco::JSON::Object::Ptr Simulator::get(const std::string& path_and_query) const {
  const auto session = control_session(port_, tls_);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path_and_query);
  session->sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session->receiveResponse(response), body);
  return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

void Simulator::post(const std::string& path_and_query) const {
  const auto session = control_session(port_, tls_);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path_and_query);
  request.setContentLength(0);
  session->sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session->receiveResponse(response), body);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
    throw std::runtime_error("POST " + path_and_query + ": " + body);
  }
}

std::int64_t Simulator::requests(const std::string& call) const {
  return stats()->getObject("requests")->getValue<std::int64_t>(call);
}

std::int64_t Simulator::units_total() const {
  return stats()->getValue<std::int64_t>("units_total");
}

Workspace::Workspace() : dir_(Poco::TemporaryFile::tempName("/tmp/ytpipe-yt-e2e")) {
  std::filesystem::create_directories(dir_);
}

Workspace::~Workspace() {
  if (host_ && host_->tryWait() == -1) {
    Poco::Process::kill(*host_);
    host_->wait();
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void Workspace::write_manifest(const std::string& source_config, const std::string& log_level) {
  std::ofstream manifest(dir_ / "manifest.toml");
  manifest << "[host]\n"
           << "log_level = \"" << log_level << "\"\n"
           << "plugin_dirs = [\"" << YTPIPE_PLUGIN_DIR << "\"]\n"
           << "shutdown_timeout = \"10s\"\n\n"
           << "[[source]]\nname = \"watched\"\nplugin = \"youtube\"\n[source.config]\n"
           << source_config << "\n\n"
           << "[[sink]]\nname = \"archive\"\nplugin = \"file\"\n[sink.config]\n"
           << "path = \"" << (dir_ / "out.jsonl").string() << "\"\n";
}

RunResult Workspace::run_once(std::chrono::seconds limit) {
  // The shell only redirects stderr into a file the test can read at any time.
  const std::vector<std::string> args = {"-c", "exec \"$0\" run \"$1\" --once 2>\"$2\"",
                                         YTPIPE_HOST, (dir_ / "manifest.toml").string(),
                                         (dir_ / "host.log").string()};
  Poco::ProcessHandle process = Poco::Process::launch("/bin/sh", args);
  return collect(wait_bounded(process, limit));
}

RunResult Workspace::run_command(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env,
                                 std::chrono::seconds limit) {
  remove_outputs();
  std::vector<std::string> shell = {"-c", "exec \"$0\" \"$@\" >\"$OUT\" 2>\"$ERR\"", YTPIPE_HOST};
  shell.insert(shell.end(), args.begin(), args.end());
  Poco::Process::Env full(env.begin(), env.end());
  full["OUT"] = (dir_ / "host.out").string();
  full["ERR"] = (dir_ / "host.log").string();
  Poco::ProcessHandle process =
      Poco::Process::launch("/bin/sh", shell, dir_.string(), nullptr, nullptr, nullptr, full);
  RunResult result = collect(wait_bounded(process, limit));
  result.output = read_file(dir_ / "host.out");
  return result;
}

void Workspace::remove_outputs() const {
  for (const char* name : {"host.out", "host.log", "out.jsonl"}) {
    std::filesystem::remove(dir_ / name);
  }
}

void Workspace::start() {
  const std::vector<std::string> args = {"-c", "exec \"$0\" run \"$1\" 2>\"$2\"", YTPIPE_HOST,
                                         (dir_ / "manifest.toml").string(),
                                         (dir_ / "host.log").string()};
  host_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/bin/sh", args));
}

bool Workspace::wait_for_log(const std::string& text, std::size_t count,
                             std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (count_in_log(text) < count) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

RunResult Workspace::stop() {
  Poco::Process::requestTermination(host_->id());
  const int code = wait_bounded(*host_, std::chrono::seconds(20));
  host_.reset();
  return collect(code);
}

std::string Workspace::log() const {
  return read_file(dir_ / "host.log");
}

std::size_t Workspace::count_in_log(const std::string& text) const {
  const std::string content = log();
  std::size_t count = 0;
  for (std::size_t at = content.find(text); at != std::string::npos;
       at = content.find(text, at + text.size())) {
    ++count;
  }
  return count;
}

RunResult Workspace::collect(int exit_code) const {
  RunResult result;
  result.exit_code = exit_code;
  result.log = log();
  std::istringstream lines(read_file(dir_ / "out.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    result.raw_lines.push_back(line);
    result.records.push_back(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>());
  }
  return result;
}

}  // namespace ytpipe::youtube::testing
