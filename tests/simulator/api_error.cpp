#include "api_error.hpp"

#include <Poco/JSON/Array.h>

namespace ytsim {
namespace {

struct ErrorSpec {
  int code = 400;
  std::string message;
  std::string domain = "global";
  std::string reason;
  std::string location;       // a parameter name, or empty
  std::string status;         // google.rpc status, or empty
  std::string detail_reason;  // ErrorInfo reason, or empty
};

Poco::JSON::Object::Ptr object() {
  return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::JSON::Object::Ptr error_item(const ErrorSpec& spec) {
  auto item = object();
  item->set("message", spec.message);
  item->set("domain", spec.domain);
  item->set("reason", spec.reason);
  if (!spec.location.empty()) {
    item->set("location", spec.location);
    item->set("locationType", "parameter");
  }
  return item;
}

Poco::JSON::Object::Ptr error_info(const std::string& reason) {
  auto metadata = object();
  metadata->set("service", "youtube.googleapis.com");

  auto info = object();
  info->set("@type", "type.googleapis.com/google.rpc.ErrorInfo");
  info->set("reason", reason);
  info->set("domain", "googleapis.com");
  info->set("metadata", metadata);
  return info;
}

ApiError make(const ErrorSpec& spec) {
  Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
  errors->add(error_item(spec));

  auto error = object();
  error->set("code", spec.code);
  error->set("message", spec.message);
  error->set("errors", errors);
  if (!spec.status.empty()) {
    error->set("status", spec.status);
  }
  if (!spec.detail_reason.empty()) {
    Poco::JSON::Array::Ptr details = new Poco::JSON::Array;
    details->add(error_info(spec.detail_reason));
    error->set("details", details);
  }

  auto body = object();
  body->set("error", error);
  return ApiError{spec.code, body};
}

}  // namespace

ApiError bad_key_error() {
  return make({400, "API key not valid. Please pass a valid API key.", "global", "badRequest", "",
               "INVALID_ARGUMENT", "API_KEY_INVALID"});
}

ApiError missing_key_error() {
  return make({403, "The request is missing a valid API key.", "global", "forbidden", "",
               "PERMISSION_DENIED", ""});
}

ApiError quota_exceeded_error() {
  return make({403,
               "The request cannot be completed because you have exceeded your "
               "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
               "youtube.quota", "quotaExceeded", "", "", ""});
}

ApiError backend_error(int http_status) {
  if (http_status == 503) {
    return make({503, "The service is currently unavailable.", "global", "backendError", "",
                 "UNAVAILABLE", ""});
  }
  return make({http_status, "Backend Error", "global", "backendError", "", "INTERNAL", ""});
}

ApiError rate_limited_error() {
  return make({429, "Resource has been exhausted (e.g. check quota).", "global",
               "rateLimitExceeded", "", "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED"});
}

ApiError playlist_not_found_error() {
  return make({404,
               "The playlist identified with the request's <code>playlistId</code> parameter "
               "cannot be found.",
               "youtube.playlistItem", "playlistNotFound", "playlistId", "", ""});
}

ApiError invalid_filters_error() {
  return make({400,
               "The request specifies an invalid filter parameter. Check that no more than 50 "
               "ids are given.",
               "youtube.parameter", "invalidFilters", "", "", ""});
}

ApiError invalid_page_token_error() {
  return make({400, "The request specifies an invalid page token.", "youtube.parameter",
               "invalidPageToken", "pageToken", "", ""});
}

ApiError missing_part_error() {
  return make({400, "Required parameter: part", "global", "required", "part", "", ""});
}

ApiError unknown_part_error(const std::string& part) {
  return make({400, "'" + part + "'", "youtube.part", "unknownPart", "part", "", ""});
}

ApiError missing_filter_error(const std::string& expected) {
  return make({400, "No filter selected. Expected one of: " + expected, "youtube.parameter",
               "missingRequiredParameter", "", "", ""});
}

ApiError invalid_value_error(const std::string& parameter, const std::string& value,
                             const std::string& expected) {
  return make({400, "Invalid value '" + value + "'. " + expected, "global", "invalidParameter",
               parameter, "INVALID_ARGUMENT", ""});
}

ApiError invalid_fields_error(const std::string& message) {
  return make({400, message, "global", "invalidParameter", "fields", "INVALID_ARGUMENT", ""});
}

ApiError method_not_found_error(const std::string& path) {
  return make({404, "Method not found: " + path, "global", "notFound", "", "NOT_FOUND", ""});
}

}  // namespace ytsim
