#include "json_reply.hpp"

#include <Poco/DeflatingStream.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace ytsim {

ReplyStyle reply_style_for(const Poco::Net::HTTPServerRequest& request, bool pretty) {
  ReplyStyle style;
  style.pretty = pretty;
  style.gzip = request.get("Accept-Encoding", "").find("gzip") != std::string::npos;
  return style;
}

void send_json(Poco::Net::HTTPServerResponse& response, int http_status,
               const Poco::JSON::Object::Ptr& body, const ReplyStyle& style) {
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(body, text, style.pretty ? 2 : 0);
  std::string payload = text.str();
  if (style.pretty) {
    payload += "\n";
  }
  if (style.truncated) {
    payload.resize(payload.size() / 2);
  }

  if (style.gzip) {
    std::ostringstream compressed;
    Poco::DeflatingOutputStream deflater(compressed, Poco::DeflatingStreamBuf::STREAM_GZIP);
    deflater << payload;
    deflater.close();
    payload = compressed.str();
    response.set("Content-Encoding", "gzip");
  }

  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(http_status));
  response.setContentType("application/json; charset=UTF-8");
  response.set("Vary", "Origin, X-Origin, Referer");
  response.setContentLength64(static_cast<Poco::Int64>(payload.size()));
  response.send().write(payload.data(), static_cast<std::streamsize>(payload.size()));
}

}  // namespace ytsim
