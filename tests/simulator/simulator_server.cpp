#include "simulator_server.hpp"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <openssl/ssl.h>

#include <mutex>
#include <stdexcept>

#include "request_handlers.hpp"
#include "server_state.hpp"

namespace ytsim {
namespace {

constexpr const char* kControlPrefix = "/_sim/";
constexpr int kBacklog = 256;
constexpr int kMaxQueuedConnections = 512;
constexpr long kKeepAliveSeconds = 30;

Query query_of(const Poco::URI& uri) {
  Query query;
  for (auto& [name, value] : uri.getQueryParameters()) {
    query[name] = value;
  }
  return query;
}

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(ServerState& state) : state_(state) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override {
    const Poco::URI uri(request.getURI());
    const std::string& path = uri.getPath();
    if (path.starts_with(kControlPrefix)) {
      return new ControlHandler(state_, path.substr(std::string(kControlPrefix).size()),
                                query_of(uri));
    }

    std::optional<Endpoint> endpoint;
    const std::string& base = state_.options.base_path;
    if (path.starts_with(base + "/")) {
      endpoint = endpoint_from_name(path.substr(base.size() + 1));
    }
    return new ApiHandler(state_, endpoint, query_of(uri));
  }

 private:
  ServerState& state_;
};

bool serves_tls(const ServerOptions& options) {
  return !options.tls_cert.empty() || !options.tls_key.empty();
}

// Clients are not asked for certificates: the simulator stands in for a public API.
Poco::Net::Context::Ptr server_tls_context(const ServerOptions& options) {
  if (options.tls_cert.empty() || options.tls_key.empty()) {
    throw std::invalid_argument("HTTPS needs both a certificate and a key file");
  }
  static std::once_flag ssl_initialized;
  std::call_once(ssl_initialized, [] { Poco::Net::initializeSSL(); });
  const std::string files =
      "the TLS certificate \"" + options.tls_cert + "\" and key \"" + options.tls_key + "\"";
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, options.tls_key,
                                     options.tls_cert, "", Poco::Net::Context::VERIFY_NONE);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("cannot load " + files + ": " + e.displayText());
  }
  // Poco loads both without comparing them; a mismatch would only show in every handshake.
  if (SSL_CTX_check_private_key(context->sslContext()) != 1) {
    throw std::invalid_argument(files + " do not belong together");
  }
  return context;
}

Poco::Net::ServerSocket listen(const ServerOptions& options) {
  const Poco::Net::SocketAddress address("127.0.0.1", options.port);
  if (serves_tls(options)) {
    return Poco::Net::SecureServerSocket(address, kBacklog, server_tls_context(options));
  }
  return Poco::Net::ServerSocket(address, kBacklog);
}

}  // namespace

struct SimulatorServer::Impl {
  explicit Impl(ServerOptions options) : state(std::move(options)) {}

  ServerState state;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

SimulatorServer::SimulatorServer(ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

SimulatorServer::~SimulatorServer() {
  stop();
}

std::uint16_t SimulatorServer::start() {
  const ServerOptions& options = impl_->state.options;
  Poco::Net::ServerSocket socket = listen(options);

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options.threads);
  params->setMaxQueued(kMaxQueuedConnections);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);
  params->setKeepAliveTimeout(Poco::Timespan(kKeepAliveSeconds, 0));

  impl_->pool = std::make_unique<Poco::ThreadPool>(2, options.threads + 2);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(impl_->state),
                                                          *impl_->pool, socket, params);
  impl_->server->start();
  return socket.address().port();
}

std::string SimulatorServer::scheme() const {
  return serves_tls(impl_->state.options) ? "https" : "http";
}

void SimulatorServer::stop() {
  if (impl_->server) {
    impl_->server->stopAll(true);
    impl_->server.reset();
    impl_->pool->joinAll();
    impl_->pool.reset();
  }
}

}  // namespace ytsim
