// HTTPS end to end: the real host runs the youtube source against the simulator serving TLS
// with certificates from the test CA (tests/youtube/data), reached as https://localhost:PORT.
// "localhost" is a loopback name, for which Poco skips the host-name check unless verification
// is strict: the wrong-name case fails only if the plugin really checks the name.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace ytpipe::youtube::testing {
namespace {

const std::string kData = YTPIPE_TEST_DATA;
const std::string kPlaylist = "PLtlsPlaylist00000001";

Simulator tls_simulator(const std::string& certificate) {
  return Simulator({"--playlist", kPlaylist + "=60", "--tls-cert",
                    kData + "/" + certificate + "-cert.pem", "--tls-key",
                    kData + "/" + certificate + "-key.pem"});
}

std::string source_config(const Simulator& simulator, const std::string& ca_file) {
  std::string config = "api_key = \"sim-key\"\napi_base = \"" + simulator.api_base("localhost") +
                       "\"\nplaylists = [\"" + kPlaylist + "\"]\n";
  if (!ca_file.empty()) {
    config += "ca_file = \"" + ca_file + "\"\n";
  }
  return config;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(YoutubeTls, CertificateFromAnUnknownCaFailsTheRunBeforeAnyCall) {
  Simulator simulator = tls_simulator("localhost");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, ""));

  const RunResult run = workspace.run_once();

  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_TRUE(contains(run.log, "certificate is not trusted")) << run.log;
  EXPECT_TRUE(contains(run.log, "certificate verify failed")) << run.log;
  EXPECT_TRUE(run.records.empty());
  EXPECT_EQ(simulator.units_total(), 0) << "no request got past the handshake";
}

TEST(YoutubeTls, CaFileNamingTheTestCaIsTrustedAndRecordsAreWritten) {
  Simulator simulator = tls_simulator("localhost");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, kData + "/test-ca.pem"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  const auto summary = simulator.get("/_sim/dataset?playlist=" + kPlaylist)->getObject("summary");
  EXPECT_EQ(run.records.size(), summary->getValue<std::size_t>("videos_listed"));
  EXPECT_GT(simulator.units_total(), 0);
}

TEST(YoutubeTls, TrustedCertificateForAnotherHostNameIsRefused) {
  Simulator simulator = tls_simulator("wrong-name");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, kData + "/test-ca.pem"));

  const RunResult run = workspace.run_once();

  EXPECT_EQ(run.exit_code, 1) << run.log;
  EXPECT_TRUE(contains(run.log, "does not match the host name \"localhost\"")) << run.log;
  EXPECT_TRUE(run.records.empty());
  EXPECT_EQ(simulator.units_total(), 0) << "the request, key included, went to the wrong server";
}

}  // namespace
}  // namespace ytpipe::youtube::testing
