// Test support: youtube-simulator run as a child process, and a small HTTP client for it.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ytsim::testing {

struct HttpResult {
  int status = 0;
  std::string body;  // decompressed when the reply was gzipped
  std::string content_encoding;
  std::string content_type;

  // The body parsed as a JSON object; throws when it is not one.
  Poco::JSON::Object::Ptr json() const;
};

class SimulatorProcess {
 public:
  // Starts the simulator with these arguments and waits for its "listening on" line.
  explicit SimulatorProcess(const std::vector<std::string>& arguments = {});
  ~SimulatorProcess();

  SimulatorProcess(const SimulatorProcess&) = delete;
  SimulatorProcess& operator=(const SimulatorProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& listening_line() const { return listening_line_; }

  // GET/POST on this simulator; `target` is a path with its query. Throws on transport errors.
  HttpResult get(const std::string& target, bool accept_gzip = false) const;
  HttpResult post(const std::string& target) const;

  // An API call: base path + resource, with `key=sim-key` appended unless `key` says otherwise.
  HttpResult api(const std::string& resource_and_query,
                 const std::optional<std::string>& key = "sim-key") const;

  // Sends SIGTERM and waits; returns the exit code.
  int terminate();

 private:
  Poco::Pipe output_;
  std::optional<Poco::ProcessHandle> handle_;
  std::uint16_t port_ = 0;
  std::string listening_line_;
};

}  // namespace ytsim::testing
