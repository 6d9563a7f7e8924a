#include "http_client.hpp"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <mutex>

namespace ytpipe::youtube {
namespace {

// "gzip" in the User-Agent is what Google's front end looks for before compressing.
constexpr const char* kUserAgent = "ytpipe-youtube/0.1 (gzip)";

std::string read_body(std::istream& in, const Poco::Net::HTTPResponse& response) {
  std::string body;
  if (Poco::icompare(response.get("Content-Encoding", ""), "gzip") == 0) {
    Poco::InflatingInputStream inflated(in, Poco::InflatingStreamBuf::STREAM_GZIP);
    Poco::StreamCopier::copyToString(inflated, body);
  } else {
    Poco::StreamCopier::copyToString(in, body);
  }
  return body;
}

}  // namespace

Endpoint Endpoint::parse(const std::string& url) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("\"" + url + "\" is not a URL: " + e.message());
  }
  if (uri.getScheme() != "http" && uri.getScheme() != "https") {
    throw std::invalid_argument("\"" + url + "\": expected an http:// or https:// URL");
  }
  if (uri.getHost().empty()) {
    throw std::invalid_argument("\"" + url + "\": the URL names no host");
  }
  if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
    throw std::invalid_argument("\"" + url + "\": expected a base URL without ?query or #fragment");
  }
  Endpoint endpoint;
  endpoint.https = uri.getScheme() == "https";
  endpoint.host = uri.getHost();
  endpoint.port = uri.getPort();
  endpoint.base_path = uri.getPath();
  while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
    endpoint.base_path.pop_back();
  }
  return endpoint;
}

Poco::Net::Context::Ptr make_tls_context(const std::string& ca_file) {
  static std::once_flag ssl_initialized;
  std::call_once(ssl_initialized, [] { Poco::Net::initializeSSL(); });

  // Both RELAXED and STRICT make a client verify the server's chain (the only difference,
  // "fail if no peer certificate", applies to servers). The host-name check is Poco's "extended
  // verification", on by default, which Poco 1.11 skips under any mode but STRICT when the host
  // resolves to a loopback address (SecureSocketImpl::verifyPeerCertificateImpl). STRICT keeps
  // it for every host, so a certificate for another name is refused on localhost too, and
  // before the request (with the key in it) is sent. With no ca_file, the system store is used.
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, ca_file,
                             Poco::Net::Context::VERIFY_STRICT, 9, ca_file.empty());

  // Without a handler the SSLManager would look for an application config to build one.
  static std::once_flag handler_installed;
  std::call_once(handler_installed, [&] {
    Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject =
        new Poco::Net::RejectCertificateHandler(false);
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
  });
  return context;
}

HttpClient::HttpClient(const Endpoint& endpoint, std::chrono::milliseconds timeout,
                       Poco::Net::Context::Ptr tls) {
  if (endpoint.https) {
    session_ = std::make_unique<Poco::Net::HTTPSClientSession>(endpoint.host, endpoint.port, tls);
  } else {
    session_ = std::make_unique<Poco::Net::HTTPClientSession>(endpoint.host, endpoint.port);
  }
  session_->setKeepAlive(true);
  session_->setTimeout(
      Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(timeout).count()));
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::get(const std::string& path_and_query) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path_and_query,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  request.set("Accept-Encoding", "gzip");
  request.set("User-Agent", kUserAgent);
  try {
    session_->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    HttpResponse result;
    result.status = static_cast<int>(response.getStatus());
    result.body = read_body(in, response);
    return result;
  } catch (const Poco::Net::CertificateValidationException& e) {
    // Thrown only by the host-name check; an untrusted chain fails inside the handshake.
    session_->reset();
    throw CertificateError("TLS: the server's certificate does not match the host name \"" +
                           session_->getHost() + "\" (" + e.displayText() + ")");
  } catch (const Poco::Net::SSLException& e) {
    session_->reset();
    if (e.message().find("certificate verify failed") == std::string::npos) {
      throw TransportError(e.displayText());
    }
    throw CertificateError("TLS: the server's certificate is not trusted (" + e.displayText() +
                           "); if it is issued by a private CA, name that CA in ca_file");
  } catch (const Poco::Exception& e) {
    session_->reset();  // the connection's state is unknown now; the next call reconnects
    throw TransportError(e.displayText());
  }
}

}  // namespace ytpipe::youtube
