// HTTPS: the API client verifies the server's certificate against the system CA store, or
// against `ca_file` when one is given, and checks that it names the host, loopback included.
// The server is a real Poco TLS server on 127.0.0.1 with certificates from a test CA
// (tests/youtube/data/make-certs.sh).
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "api_client.hpp"

namespace ytpipe::youtube {
namespace {

const std::string kData = YTPIPE_TEST_DATA;
const std::string kTestCa = kData + "/test-ca.pem";

// A server certificate from tests/youtube/data: "localhost" (for localhost and 127.0.0.1) or
// "wrong-name" (for wrong.example).
struct ServerCertificate {
  std::string cert;
  std::string key;
};

ServerCertificate certificate(const std::string& name) {
  return {kData + "/" + name + "-cert.pem", kData + "/" + name + "-key.pem"};
}

class VideosHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit VideosHandler(std::atomic<int>& requests) : requests_(requests) {}

  void handleRequest(Poco::Net::HTTPServerRequest&,
                     Poco::Net::HTTPServerResponse& response) override {
    ++requests_;
    response.setContentType("application/json; charset=UTF-8");
    response.send() << R"({"items":[]})";
  }

 private:
  std::atomic<int>& requests_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::atomic<int>& requests) : requests_(requests) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new VideosHandler(requests_);
  }

 private:
  std::atomic<int>& requests_;
};

class TlsServer {
 public:
  explicit TlsServer(const ServerCertificate& certificate)
      : context_(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, certificate.key,
                                        certificate.cert, "", Poco::Net::Context::VERIFY_NONE)),
        socket_(Poco::Net::SocketAddress("127.0.0.1", 0), 16, context_),
        server_(new Factory(requests_), socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }

  ~TlsServer() { server_.stopAll(true); }

  // `host` must resolve to 127.0.0.1.
  std::string base(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(socket_.address().port()) + "/youtube/v3";
  }

  // HTTP requests that got through the handshake (each would have carried the API key).
  int requests() const { return requests_.load(); }

 private:
  std::atomic<int> requests_{0};
  Poco::Net::Context::Ptr context_;
  Poco::Net::SecureServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

// The host side of a context: the client only logs and waits. A wait returns at once (so
// retries cost no time) and is counted in `*host`, an std::atomic<int>.
ytpipe_context counting_host(std::atomic<int>& waits) {
  ytpipe_context raw{};
  raw.context_size = sizeof raw;
  raw.host = &waits;
  raw.instance_name = "tls-test";
  raw.data_dir = "/tmp";
  raw.log_enabled = [](void*, ytpipe_log_level) { return 0; };
  raw.log = [](void*, ytpipe_log_level, const char*) {};
  raw.set_metric = [](void*, const char*, std::int64_t) {};
  raw.stop_requested = [](void*) { return 0; };
  raw.wait = [](void* host, std::int64_t) {
    ++*static_cast<std::atomic<int>*>(host);
    return 0;
  };
  return raw;
}

struct Outcome {
  ApiReply reply;
  int backoffs = 0;  // waits before a retry
};

Outcome call_over_tls(const std::string& base, const std::string& ca_file) {
  std::atomic<int> waits{0};
  const ytpipe_context raw = counting_host(waits);
  const ytpipe::Context context(&raw);
  QuotaTracker quota(10'000, system_clock());
  ApiSettings settings;
  settings.endpoint = Endpoint::parse(base);
  settings.api_key = "tls-key";
  settings.concurrency = 1;
  settings.max_retries = 3;
  settings.ca_file = ca_file;
  ApiClient client(context, settings, quota);

  std::promise<ApiReply> reply;
  client.submit({"videos", {{"id", "abc"}}},
                [&](ApiReply done) { reply.set_value(std::move(done)); });
  return {reply.get_future().get(), waits.load()};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Tls, CertificateFromAnUnknownCaIsRefusedWithoutRetrying) {
  TlsServer server(certificate("localhost"));

  const auto [reply, backoffs] = call_over_tls(server.base("localhost"), "");

  EXPECT_FALSE(reply.ok());
  EXPECT_EQ(backoffs, 0) << "a certificate refusal is final";
  EXPECT_TRUE(contains(reply.failure, "certificate verify failed")) << reply.failure;
  EXPECT_TRUE(contains(reply.failure, "not trusted")) << reply.failure;
  EXPECT_TRUE(contains(reply.failure, "key=***")) << reply.failure;
  EXPECT_FALSE(contains(reply.failure, "tls-key")) << reply.failure;
  EXPECT_EQ(server.requests(), 0);
}

TEST(Tls, CertificateFromTheCaInCaFileIsAcceptedByNameAndByAddress) {
  TlsServer server(certificate("localhost"));

  const ApiReply by_name = call_over_tls(server.base("localhost"), kTestCa).reply;
  const ApiReply by_address = call_over_tls(server.base("127.0.0.1"), kTestCa).reply;

  EXPECT_TRUE(by_name.ok()) << by_name.describe();
  EXPECT_TRUE(by_address.ok()) << by_address.describe();
  EXPECT_EQ(server.requests(), 2);
}

// Poco skips the name check for loopback hosts unless verification is strict; this test would
// pass the wrong certificate if the client left it at relaxed.
TEST(Tls, TrustedCertificateForAnotherNameIsRefusedOnLoopbackBeforeAnyRequest) {
  TlsServer server(certificate("wrong-name"));

  const ApiReply by_name = call_over_tls(server.base("localhost"), kTestCa).reply;
  const ApiReply by_address = call_over_tls(server.base("127.0.0.1"), kTestCa).reply;

  EXPECT_FALSE(by_name.ok());
  EXPECT_TRUE(contains(by_name.failure, "does not match the host name \"localhost\""))
      << by_name.failure;
  EXPECT_FALSE(by_address.ok());
  EXPECT_TRUE(contains(by_address.failure, "does not match the host name \"127.0.0.1\""))
      << by_address.failure;
  EXPECT_EQ(server.requests(), 0) << "the key went out before the name was checked";
}

}  // namespace
}  // namespace ytpipe::youtube
