// --tls-cert/--tls-key: the simulator serves HTTPS with the given certificate, and refuses half a
// TLS configuration or a key that does not belong to the certificate. The certificates are the
// YouTube source's test ones (tests/youtube/data, made by make-certs.sh there).
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <regex>

namespace ytsim::testing {
namespace {

const std::string kData = YTSIM_TLS_TEST_DATA;

struct Finished {
  int exit_code = -1;
  std::string output;
  std::string errors;
};

// For option errors: the simulator exits before it serves anything.
Finished run_to_exit(const std::vector<std::string>& arguments) {
  Poco::Pipe out;
  Poco::Pipe err;
  Poco::ProcessHandle handle =
      Poco::Process::launch(YTSIM_EXECUTABLE, arguments, nullptr, &out, &err);
  Poco::PipeInputStream out_stream(out);
  Poco::PipeInputStream err_stream(err);
  Finished finished;
  Poco::StreamCopier::copyToString(out_stream, finished.output);
  Poco::StreamCopier::copyToString(err_stream, finished.errors);
  finished.exit_code = handle.wait();
  return finished;
}

TEST(SimulatorTls, ServesHttpsWithTheGivenCertificate) {
  Poco::Pipe out;
  Poco::ProcessHandle handle =
      Poco::Process::launch(YTSIM_EXECUTABLE,
                            {"--port", "0", "--tls-cert", kData + "/localhost-cert.pem",
                             "--tls-key", kData + "/localhost-key.pem"},
                            nullptr, &out, nullptr);
  Poco::PipeInputStream out_stream(out);
  std::string line;
  std::getline(out_stream, line);
  std::smatch port;
  const bool listening =
      std::regex_match(line, port, std::regex("listening on https://127\\.0\\.0\\.1:([0-9]+)"));

  int status = 0;
  if (listening) {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr trust_test_ca =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", kData + "/test-ca.pem",
                               Poco::Net::Context::VERIFY_RELAXED);
    Poco::Net::HTTPSClientSession session(
        "127.0.0.1", static_cast<std::uint16_t>(std::stoi(port[1])), trust_test_ca);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/_sim/stats");
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    status = static_cast<int>(response.getStatus());
  }
  Poco::Process::requestTermination(handle.id());

  EXPECT_TRUE(listening) << line;
  EXPECT_EQ(status, 200);
  EXPECT_EQ(handle.wait(), 0);
}

TEST(SimulatorTls, CertificateWithoutKeyIsAUsageError) {
  const Finished finished = run_to_exit({"--tls-cert", kData + "/localhost-cert.pem"});

  EXPECT_EQ(finished.exit_code, 64);
  EXPECT_EQ(finished.output, "");
  EXPECT_NE(finished.errors.find("--tls-cert and --tls-key go together"), std::string::npos)
      << finished.errors;
}

TEST(SimulatorTls, KeyOfAnotherCertificateIsAUsageError) {
  const Finished finished = run_to_exit(
      {"--tls-cert", kData + "/localhost-cert.pem", "--tls-key", kData + "/wrong-name-key.pem"});

  EXPECT_EQ(finished.exit_code, 64);
  EXPECT_EQ(finished.output, "");
  EXPECT_NE(finished.errors.find("do not belong together"), std::string::npos) << finished.errors;
}

TEST(SimulatorTls, MissingCertificateFileIsAUsageError) {
  const Finished finished =
      run_to_exit({"--tls-cert", kData + "/no-such-cert.pem", "--tls-key", kData + "/no-key.pem"});

  EXPECT_EQ(finished.exit_code, 64);
  EXPECT_NE(finished.errors.find("cannot load the TLS certificate"), std::string::npos)
      << finished.errors;
}

}  // namespace
}  // namespace ytsim::testing
