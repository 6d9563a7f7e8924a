// The API client against the real simulator: quota blocks, retries, a rejected key and what
// reaches the log. The clock is injected so "until the reset" can be crossed without waiting.
#include "api_client.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "e2e_support.hpp"

namespace ytpipe::youtube {
namespace {

using testing::Simulator;

// The host side of a plugin context, as little as the client needs: a log it can read back.
class TestHost {
 public:
  TestHost() {
    raw_.context_size = sizeof raw_;
    raw_.host = this;
    raw_.instance_name = "client-test";
    raw_.data_dir = "/tmp";
    raw_.log_enabled = [](void*, ytpipe_log_level) { return 1; };
    raw_.log = [](void* host, ytpipe_log_level, const char* message) {
      auto* self = static_cast<TestHost*>(host);
      std::lock_guard lock(self->mutex_);
      self->lines_.emplace_back(message);
    };
    raw_.set_metric = [](void*, const char*, std::int64_t) {};
    raw_.stop_requested = [](void*) { return 0; };
    raw_.wait = [](void*, std::int64_t ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      return 0;
    };
    context_ = std::make_unique<ytpipe::Context>(&raw_);
  }

  const ytpipe::Context& context() const { return *context_; }

  std::string log() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const std::string& line : lines_) {
      all += line + "\n";
    }
    return all;
  }

 private:
  ytpipe_context raw_{};
  std::unique_ptr<ytpipe::Context> context_;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

ApiSettings settings_for(const Simulator& simulator, const std::string& key) {
  ApiSettings settings;
  settings.endpoint = Endpoint::parse(simulator.api_base());
  settings.api_key = key;
  settings.concurrency = 2;
  settings.max_retries = 2;
  settings.backoff_base = std::chrono::milliseconds(10);
  return settings;
}

ApiReply call(ApiClient& client, const std::string& video) {
  std::promise<ApiReply> reply;
  client.submit({"videos", {{"part", "statistics"}, {"id", video}}},
                [&](ApiReply done) { reply.set_value(std::move(done)); });
  return reply.get_future().get();
}

TEST(ApiClient, ExhaustedQuotaBlocksEveryCallUntilPacificMidnight) {
  Simulator simulator({});
  simulator.post("/_sim/quota?left=0");
  TestHost host;
  TimePoint now = std::chrono::system_clock::now();
  QuotaTracker quota(10'000, [&] { return now; });
  ApiClient client(host.context(), settings_for(simulator, "sim-key"), quota);

  EXPECT_TRUE(call(client, "anyVideo01").is(ApiErrorKind::QuotaExceeded));
  EXPECT_EQ(simulator.requests("videos"), 1);
  EXPECT_EQ(quota.blocked_until(), next_pacific_midnight(now));

  now = next_pacific_midnight(now) - std::chrono::seconds(1);
  EXPECT_TRUE(call(client, "anyVideo01").is(ApiErrorKind::QuotaExceeded));
  EXPECT_EQ(simulator.requests("videos"), 1) << "no request before the reset";

  simulator.post("/_sim/reset");  // the simulator's own day rolls over too
  now += std::chrono::seconds(2);
  EXPECT_TRUE(call(client, "anyVideo01").ok());
  EXPECT_EQ(simulator.requests("videos"), 1);
}

TEST(ApiClient, ServerErrorsAreRetriedThenReportedWithoutTheKey) {
  Simulator simulator({});
  simulator.post("/_sim/fault?endpoint=videos&kind=status&status=503&count=10");
  TestHost host;
  QuotaTracker quota(10'000, system_clock());
  ApiClient client(host.context(), settings_for(simulator, "sim-key"), quota);

  const ApiReply reply = call(client, "anyVideo01");

  EXPECT_FALSE(reply.ok());
  EXPECT_NE(reply.failure.find("after 3 attempts"), std::string::npos) << reply.failure;
  EXPECT_NE(reply.failure.find("key=***"), std::string::npos) << reply.failure;
  EXPECT_EQ(reply.failure.find("sim-key"), std::string::npos);
  EXPECT_EQ(simulator.requests("videos"), 3);
  EXPECT_EQ(quota.spent_today(), 3);
  EXPECT_NE(host.log().find("retry 2 of 2"), std::string::npos) << host.log();
  EXPECT_EQ(host.log().find("sim-key"), std::string::npos) << host.log();
}

TEST(ApiClient, RejectedKeyStopsFurtherCalls) {
  Simulator simulator({});
  TestHost host;
  QuotaTracker quota(10'000, system_clock());
  ApiClient client(host.context(), settings_for(simulator, "wrong-key-4711"), quota);

  EXPECT_TRUE(call(client, "anyVideo01").is(ApiErrorKind::BadKey));
  EXPECT_TRUE(call(client, "anyVideo02").is(ApiErrorKind::BadKey));
  EXPECT_EQ(simulator.requests("videos"), 1);
}

// Nothing is sent: the warning comes when the client is made.
TEST(ApiClient, PlainHttpBeyondLoopbackIsWarnedAbout) {
  for (const auto& [base, warned] : {std::pair{"http://192.0.2.7:8080/youtube/v3", true},
                                     std::pair{"http://127.0.0.1:8080/youtube/v3", false},
                                     std::pair{"http://localhost:8080/youtube/v3", false},
                                     std::pair{"https://192.0.2.7/youtube/v3", false}}) {
    TestHost host;
    QuotaTracker quota(10'000, system_clock());
    ApiSettings settings;
    settings.endpoint = Endpoint::parse(base);
    settings.api_key = "plain-key";
    settings.concurrency = 1;
    { ApiClient client(host.context(), settings, quota); }

    EXPECT_EQ(host.log().find("unencrypted") != std::string::npos, warned) << base << host.log();
    EXPECT_EQ(host.log().find("plain-key"), std::string::npos);
  }
}

}  // namespace
}  // namespace ytpipe::youtube
