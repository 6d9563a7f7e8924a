#include "simulator_process.hpp"

#include <Poco/InflatingStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

#include <csignal>
#include <sstream>
#include <stdexcept>

namespace ytsim::testing {
namespace {

constexpr const char* kListeningPrefix = "listening on http://127.0.0.1:";

HttpResult exchange(std::uint16_t port, const std::string& method, const std::string& target,
                    bool accept_gzip) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  if (accept_gzip) {
    request.set("Accept-Encoding", "gzip");
  }
  request.setContentLength(0);
  session.sendRequest(request);

  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  HttpResult result;
  result.status = static_cast<int>(response.getStatus());
  result.content_encoding = response.get("Content-Encoding", "");
  result.content_type = response.getContentType();
  if (result.content_encoding == "gzip") {
    Poco::InflatingInputStream inflater(body, Poco::InflatingStreamBuf::STREAM_GZIP);
    Poco::StreamCopier::copyToString(inflater, result.body);
  } else {
    Poco::StreamCopier::copyToString(body, result.body);
  }
  return result;
}

}  // namespace

Poco::JSON::Object::Ptr HttpResult::json() const {
  Poco::JSON::Parser parser;
  return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

SimulatorProcess::SimulatorProcess(const std::vector<std::string>& arguments) {
  handle_.emplace(Poco::Process::launch(YTSIM_EXECUTABLE, arguments, nullptr, &output_, nullptr));
  Poco::PipeInputStream output(output_);
  std::getline(output, listening_line_);
  if (!listening_line_.starts_with(kListeningPrefix)) {
    terminate();
    throw std::runtime_error("youtube-simulator did not start; first line: \"" + listening_line_ +
                             "\"");
  }
  port_ = static_cast<std::uint16_t>(
      std::stoi(listening_line_.substr(std::string(kListeningPrefix).size())));
}

SimulatorProcess::~SimulatorProcess() {
  terminate();
}

HttpResult SimulatorProcess::get(const std::string& target, bool accept_gzip) const {
  return exchange(port_, Poco::Net::HTTPRequest::HTTP_GET, target, accept_gzip);
}

HttpResult SimulatorProcess::post(const std::string& target) const {
  return exchange(port_, Poco::Net::HTTPRequest::HTTP_POST, target, false);
}

HttpResult SimulatorProcess::api(const std::string& resource_and_query,
                                 const std::optional<std::string>& key) const {
  std::string target = "/youtube/v3/" + resource_and_query;
  if (key) {
    target += (target.find('?') == std::string::npos ? "?key=" : "&key=") + *key;
  }
  return get(target);
}

int SimulatorProcess::terminate() {
  if (!handle_) {
    return -1;
  }
  ::kill(handle_->id(), SIGTERM);
  const int code = handle_->wait();
  handle_.reset();
  return code;
}

}  // namespace ytsim::testing
