// The two kinds of request the simulator answers: API calls under the base path, and the /_sim
// control endpoints (no key, no quota).
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>

#include <optional>

#include "api_resources.hpp"
#include "json_reply.hpp"
#include "server_state.hpp"

namespace ytsim {

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(ServerState& state, std::optional<Endpoint> endpoint, Query query)
      : state_(state), endpoint_(endpoint), query_(std::move(query)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  // A fault that replaces the whole reply; returns true when it did.
  bool serve_fault(const Fault& fault, Poco::Net::HTTPServerRequest& request,
                   Poco::Net::HTTPServerResponse& response, const ReplyStyle& style);
  ApiReply answer() const;
  std::optional<ApiError> check_key() const;
  ApiReply call_resource() const;

  ServerState& state_;
  std::optional<Endpoint> endpoint_;  // nullopt: not one of the four list calls
  Query query_;
};

class ControlHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ControlHandler(ServerState& state, std::string action, Query query)
      : state_(state), action_(std::move(action)), query_(std::move(query)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;

 private:
  Poco::JSON::Object::Ptr add_fault() const;
  Poco::JSON::Object::Ptr set_quota() const;
  Poco::JSON::Object::Ptr append_to_playlist() const;
  Poco::JSON::Object::Ptr describe_dataset() const;

  ServerState& state_;
  std::string action_;
  Query query_;
};

}  // namespace ytsim
