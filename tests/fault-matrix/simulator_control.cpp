#include "simulator_control.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <stdexcept>

namespace ytpipe::faults {
namespace {

using namespace std::chrono_literals;

constexpr const char* kListening = "listening on http://127.0.0.1:";

std::string exchange(std::uint16_t port, const std::string& method, const std::string& target) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentLength(0);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
    throw std::runtime_error(method + " " + target + " answered " +
                             std::to_string(static_cast<int>(response.getStatus())) + ": " + body);
  }
  return body;
}

}  // namespace

Simulator::Simulator(const std::string& playlist, int entries, const std::filesystem::path& log)
    : process_({.argv = {YTPIPE_YOUTUBE_SIMULATOR, "--port", "0", "--daily-quota", "100000000",
                         "--playlist", playlist + "=" + std::to_string(entries)},
                .environment = {},
                .output = log,
                .pipe_stdout = true}) {
  const std::string line = process_.read_line(15s);
  if (line.rfind(kListening, 0) != 0) {
    throw std::runtime_error("youtube-simulator did not start: \"" + line + "\"");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(std::string(kListening).size())));
}

std::string Simulator::api_base() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/youtube/v3";
}

void Simulator::post(const std::string& what) const {
  exchange(port_, Poco::Net::HTTPRequest::HTTP_POST, "/_sim/" + what);
}

void Simulator::reset() const {
  post("reset");
}

SimulatorRequests Simulator::requests() const {
  Poco::JSON::Parser parser;
  const auto stats = parser.parse(exchange(port_, Poco::Net::HTTPRequest::HTTP_GET, "/_sim/stats"))
                         .extract<Poco::JSON::Object::Ptr>();
  const auto requests = stats->getObject("requests");
  return {.videos = requests->getValue<std::uint64_t>("videos"),
          .playlist_items = requests->getValue<std::uint64_t>("playlistItems"),
          .playlists = requests->getValue<std::uint64_t>("playlists")};
}

}  // namespace ytpipe::faults
