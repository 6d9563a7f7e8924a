// The error responses of the YouTube Data API v3, in the shapes the real service sends:
// YouTube's own errors without `status`/`details`, the front end's (key, 429, 503) with them.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace ytsim {

struct ApiError {
  int http_status = 500;
  Poco::JSON::Object::Ptr body;
};

ApiError bad_key_error();
ApiError missing_key_error();
ApiError quota_exceeded_error();
ApiError backend_error(int http_status);  // 500 or 503
ApiError rate_limited_error();            // 429
ApiError playlist_not_found_error();
ApiError invalid_filters_error();
ApiError invalid_page_token_error();
ApiError missing_part_error();
ApiError unknown_part_error(const std::string& part);
ApiError missing_filter_error(const std::string& expected);
ApiError invalid_value_error(const std::string& parameter, const std::string& value,
                             const std::string& expected);
ApiError invalid_fields_error(const std::string& message);
ApiError method_not_found_error(const std::string& path);

}  // namespace ytsim
