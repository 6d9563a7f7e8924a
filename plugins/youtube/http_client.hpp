// One keep-alive HTTP(S) connection to the API server. Not thread-safe: each worker owns one.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace ytpipe::youtube {

// Where the API lives, split from `api_base` ("https://www.googleapis.com/youtube/v3").
struct Endpoint {
  bool https = true;
  std::string host;
  std::uint16_t port = 443;
  std::string base_path;  // "/youtube/v3", no trailing slash

  // Throws std::invalid_argument naming what is wrong with `url`.
  static Endpoint parse(const std::string& url);
};

struct HttpResponse {
  int status = 0;
  std::string body;  // already gunzipped
};

// The request never got a complete answer: timeout, refused or reset connection, bad gzip.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server's certificate was refused: an untrusted chain, or a name other than the host's.
// Retrying cannot help, so the API client gives up at once.
class CertificateError : public TransportError {
 public:
  using TransportError::TransportError;
};

// A TLS client context that verifies the server's certificate chain against the system CA store
// (or `ca_file`) and its host name, loopback names included. Also installs a process-wide
// handler that rejects invalid certificates instead of asking a console.
Poco::Net::Context::Ptr make_tls_context(const std::string& ca_file);

class HttpClient {
 public:
  HttpClient(const Endpoint& endpoint, std::chrono::milliseconds timeout,
             Poco::Net::Context::Ptr tls);
  ~HttpClient();

  // GETs `path_and_query` (absolute path) with gzip accepted. Throws TransportError.
  HttpResponse get(const std::string& path_and_query);

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

}  // namespace ytpipe::youtube
