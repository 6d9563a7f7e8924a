// HTTPS: the API client verifies the server's certificate against the system CA store, or
// against `ca_file` when one is given. The server is a real Poco TLS server on 127.0.0.1 with a
// self-signed certificate (tests/youtube/data).
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "api_client.hpp"

namespace ytpipe::youtube {
namespace {

const std::string kCert = std::string(YTPIPE_TEST_DATA) + "/localhost-cert.pem";
const std::string kKey = std::string(YTPIPE_TEST_DATA) + "/localhost-key.pem";

class VideosHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest&,
                     Poco::Net::HTTPServerResponse& response) override {
    response.setContentType("application/json; charset=UTF-8");
    response.send() << R"({"items":[]})";
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new VideosHandler;
  }
};

class TlsServer {
 public:
  TlsServer()
      : context_(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, kKey, kCert, "",
                                        Poco::Net::Context::VERIFY_NONE)),
        socket_(Poco::Net::SocketAddress("127.0.0.1", 0), 16, context_),
        server_(new Factory, socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }

  ~TlsServer() { server_.stopAll(true); }

  std::string base() const {
    return "https://127.0.0.1:" + std::to_string(socket_.address().port()) + "/youtube/v3";
  }

 private:
  Poco::Net::Context::Ptr context_;
  Poco::Net::SecureServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

// The host side of a context: the client only logs and waits.
ytpipe_context quiet_host() {
  ytpipe_context raw{};
  raw.context_size = sizeof raw;
  raw.instance_name = "tls-test";
  raw.data_dir = "/tmp";
  raw.log_enabled = [](void*, ytpipe_log_level) { return 0; };
  raw.log = [](void*, ytpipe_log_level, const char*) {};
  raw.set_metric = [](void*, const char*, std::int64_t) {};
  raw.stop_requested = [](void*) { return 0; };
  raw.wait = [](void*, std::int64_t) { return 0; };
  return raw;
}

ApiReply call_over_tls(const TlsServer& server, const std::string& ca_file) {
  const ytpipe_context raw = quiet_host();
  const ytpipe::Context context(&raw);
  QuotaTracker quota(10'000, system_clock());
  ApiSettings settings;
  settings.endpoint = Endpoint::parse(server.base());
  settings.api_key = "tls-key";
  settings.concurrency = 1;
  settings.max_retries = 0;
  settings.ca_file = ca_file;
  ApiClient client(context, settings, quota);

  std::promise<ApiReply> reply;
  client.submit({"videos", {{"id", "abc"}}},
                [&](ApiReply done) { reply.set_value(std::move(done)); });
  return reply.get_future().get();
}

TEST(Tls, UntrustedCertificateIsRefused) {
  TlsServer server;
  const ApiReply reply = call_over_tls(server, "");
  EXPECT_FALSE(reply.ok());
  EXPECT_NE(reply.failure.find("certificate verify failed"), std::string::npos) << reply.failure;
}

TEST(Tls, CertificateTrustedThroughCaFileIsAccepted) {
  TlsServer server;
  const ApiReply reply = call_over_tls(server, kCert);
  EXPECT_TRUE(reply.ok()) << reply.describe();
}

}  // namespace
}  // namespace ytpipe::youtube
