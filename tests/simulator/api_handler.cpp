#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "field_selection.hpp"
#include "json_reply.hpp"
#include "request_handlers.hpp"

namespace ytsim {
namespace {

void sleep_ms(int milliseconds) {
  if (milliseconds > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  }
}

// Drops the connection with a TCP reset instead of answering.
void reset_connection(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response) {
  response.setKeepAlive(false);
  auto& server_request = dynamic_cast<Poco::Net::HTTPServerRequestImpl&>(request);
  Poco::Net::StreamSocket& socket = server_request.socket();
  socket.setLinger(true, 0);
  socket.close();
}

std::string query_value(const Query& query, const std::string& name) {
  const auto found = query.find(name);
  return found == query.end() ? std::string() : found->second;
}

}  // namespace

void ApiHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
  ReplyStyle style = reply_style_for(request, query_value(query_, "prettyPrint") != "false");
  if (!endpoint_) {
    // The path only: the query holds the API key, which never goes back out.
    send_json(response, 404, method_not_found_error(Poco::URI(request.getURI()).getPath()).body,
              style);
    return;
  }

  state_.meter.count_request(*endpoint_);
  sleep_ms(state_.options.latency_ms);

  const std::optional<Fault> fault = state_.faults.take(*endpoint_);
  if (fault) {
    state_.meter.count_injected_error();
    if (serve_fault(*fault, request, response, style)) {
      return;
    }
    style.truncated = fault->kind == FaultKind::kMalformed;
  }

  const ApiReply reply = answer();
  send_json(response, reply.http_status, reply.body, style);
}

// Quota, then key, then the `fields` syntax, then the call itself, as the API checks them.
ApiReply ApiHandler::answer() const {
  if (!state_.meter.try_spend_unit(*endpoint_)) {
    return error_reply(quota_exceeded_error());
  }
  if (const auto error = check_key()) {
    return error_reply(*error);
  }

  std::optional<FieldSelection> fields;
  const std::string fields_text = query_value(query_, "fields");
  if (!fields_text.empty()) {
    std::string fields_error;
    fields = FieldSelection::parse(fields_text, fields_error);
    if (!fields) {
      return error_reply(invalid_fields_error(fields_error));
    }
  }

  ApiReply reply = call_resource();
  if (reply.http_status == 200 && fields) {
    reply.body = fields->apply(reply.body).extract<Poco::JSON::Object::Ptr>();
  }
  return reply;
}

bool ApiHandler::serve_fault(const Fault& fault, Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response, const ReplyStyle& style) {
  switch (fault.kind) {
    case FaultKind::kStatus: {
      const ApiError error =
          fault.http_status == 429 ? rate_limited_error() : backend_error(fault.http_status);
      send_json(response, error.http_status, error.body, style);
      return true;
    }
    case FaultKind::kQuota: {
      const ApiError error = quota_exceeded_error();
      send_json(response, error.http_status, error.body, style);
      return true;
    }
    case FaultKind::kReset:
      reset_connection(request, response);
      return true;
    case FaultKind::kLatency:
      sleep_ms(fault.delay_ms);
      return false;
    case FaultKind::kMalformed:
      return false;
  }
  return false;
}

std::optional<ApiError> ApiHandler::check_key() const {
  const auto key = query_.find("key");
  if (key == query_.end() || key->second.empty()) {
    return missing_key_error();
  }
  if (key->second != state_.options.api_key) {
    return bad_key_error();
  }
  return std::nullopt;
}

ApiReply ApiHandler::call_resource() const {
  const std::shared_lock lock(state_.dataset_mutex);
  const ApiResources resources(state_.dataset, state_.elapsed_seconds());
  switch (*endpoint_) {
    case Endpoint::kVideos:
      return resources.list_videos(query_);
    case Endpoint::kPlaylistItems:
      return resources.list_playlist_items(query_);
    case Endpoint::kPlaylists:
      return resources.list_playlists(query_);
    case Endpoint::kChannels:
      return resources.list_channels(query_);
  }
  return error_reply(backend_error(500));
}

}  // namespace ytsim
