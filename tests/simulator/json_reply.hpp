// Writing a JSON body the way the API does: indented unless prettyPrint=false, gzipped when the
// client accepts it.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>

namespace ytsim {

struct ReplyStyle {
  bool pretty = true;
  bool gzip = false;
  bool truncated = false;  // send only the first half of the body (a malformed reply)
};

ReplyStyle reply_style_for(const Poco::Net::HTTPServerRequest& request, bool pretty);

void send_json(Poco::Net::HTTPServerResponse& response, int http_status,
               const Poco::JSON::Object::Ptr& body, const ReplyStyle& style);

}  // namespace ytsim
