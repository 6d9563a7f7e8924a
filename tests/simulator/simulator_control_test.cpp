// youtube-simulator's quota, faults, dataset control, determinism and concurrency, through its
// real HTTP server in a child process.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "simulator_process.hpp"

namespace ytsim::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kChannelCall[] = "channels?part=contentDetails&id=UCsimulatorDemoChannel01";
constexpr char kPlaylistCall[] = "playlists?part=contentDetails&id=PLsimulatorDemoPlaylist01";

std::string first_reason(const HttpResult& result) {
  return result.json()->getObject("error")->getArray("errors")->getObject(0)->getValue<std::string>(
      "reason");
}

Poco::JSON::Object::Ptr stats(const SimulatorProcess& simulator) {
  return simulator.get("/_sim/stats").json();
}

long elapsed_ms(Clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

std::string first_upload_id(const SimulatorProcess& simulator) {
  return simulator.get("/_sim/dataset?playlist=UUsimulatorDemoChannel01")
      .json()
      ->getArray("entries")
      ->getObject(0)
      ->getValue<std::string>("video_id");
}

std::uint64_t view_count(const SimulatorProcess& simulator, const std::string& id) {
  const auto item =
      simulator.api("videos?part=statistics&id=" + id).json()->getArray("items")->getObject(0);
  return std::stoull(item->getObject("statistics")->getValue<std::string>("viewCount"));
}

TEST(SimulatorQuota, ExhaustedQuotaGivesQuotaExceededUntilReset) {
  SimulatorProcess simulator({"--daily-quota", "3"});
  for (int call = 0; call < 3; ++call) {
    ASSERT_EQ(simulator.api(kChannelCall).status, 200);
  }

  const auto refused = simulator.api(kChannelCall);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(first_reason(refused), "quotaExceeded");
  const auto counters = stats(simulator);
  EXPECT_EQ(counters->getValue<int>("units_total"), 3);
  EXPECT_EQ(counters->getValue<int>("quota_left"), 0);
  EXPECT_EQ(counters->getObject("requests")->getValue<int>("channels"), 4);

  ASSERT_EQ(simulator.post("/_sim/reset").status, 200);
  EXPECT_EQ(simulator.api(kChannelCall).status, 200);
  EXPECT_EQ(stats(simulator)->getValue<int>("quota_left"), 2);
}

TEST(SimulatorQuota, InvalidRequestsCostAUnitToo) {
  SimulatorProcess simulator;
  simulator.api("videos?part=id&id=x", "wrong-key");
  simulator.api("playlistItems?part=id&playlistId=PLnone");

  const auto units = stats(simulator)->getObject("units");
  EXPECT_EQ(units->getValue<int>("videos"), 1);
  EXPECT_EQ(units->getValue<int>("playlistItems"), 1);
  EXPECT_EQ(stats(simulator)->getValue<int>("quota_left"), 9998);
}

TEST(SimulatorQuota, QuotaLeftCanBeSet) {
  SimulatorProcess simulator;
  ASSERT_EQ(simulator.post("/_sim/quota?left=0").status, 200);
  EXPECT_EQ(first_reason(simulator.api(kPlaylistCall)), "quotaExceeded");

  simulator.post("/_sim/quota?left=1");
  EXPECT_EQ(simulator.api(kPlaylistCall).status, 200);
  EXPECT_EQ(simulator.api(kPlaylistCall).status, 403);
}

TEST(SimulatorFaults, StatusFaultsUseTheApiErrorShapes) {
  SimulatorProcess simulator;
  const std::tuple<int, const char*, const char*> cases[] = {
      {500, "backendError", "INTERNAL"},
      {503, "backendError", "UNAVAILABLE"},
      {429, "rateLimitExceeded", "RESOURCE_EXHAUSTED"}};

  for (const auto& [status, reason, rpc_status] : cases) {
    simulator.post("/_sim/fault?endpoint=channels&kind=status&status=" + std::to_string(status));
    const auto reply = simulator.api(kChannelCall);
    EXPECT_EQ(reply.status, status);
    EXPECT_EQ(first_reason(reply), reason);
    EXPECT_EQ(reply.json()->getObject("error")->getValue<std::string>("status"), rpc_status);
  }
  EXPECT_EQ(simulator.api(kChannelCall).status, 200);
  EXPECT_EQ(stats(simulator)->getValue<int>("errors_injected"), 3);
}

TEST(SimulatorFaults, CountSetsHowManyRequestsFail) {
  SimulatorProcess simulator;
  simulator.post("/_sim/fault?endpoint=any&kind=status&status=503&count=2");

  EXPECT_EQ(simulator.api(kChannelCall).status, 503);
  EXPECT_EQ(simulator.api(kPlaylistCall).status, 503);
  EXPECT_EQ(simulator.api(kPlaylistCall).status, 200);
}

TEST(SimulatorFaults, AFaultHitsOnlyItsEndpoint) {
  SimulatorProcess simulator;
  simulator.post("/_sim/fault?endpoint=videos&kind=quota");

  EXPECT_EQ(simulator.api(kPlaylistCall).status, 200);
  const auto refused = simulator.api("videos?part=id&id=x");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(first_reason(refused), "quotaExceeded");
  EXPECT_EQ(simulator.api("videos?part=id&id=x").status, 200);
}

TEST(SimulatorFaults, ResetClosesTheConnectionWithoutAnswer) {
  SimulatorProcess simulator;
  simulator.post("/_sim/fault?endpoint=playlists&kind=reset");

  EXPECT_THROW(simulator.api(kPlaylistCall), Poco::Exception);
  EXPECT_EQ(simulator.api(kPlaylistCall).status, 200);
}

TEST(SimulatorFaults, MalformedGivesATruncatedBody) {
  SimulatorProcess simulator;
  simulator.post("/_sim/fault?endpoint=channels&kind=malformed");

  const auto reply = simulator.api(kChannelCall);
  EXPECT_EQ(reply.status, 200);
  EXPECT_THROW(reply.json(), Poco::Exception);
  EXPECT_NO_THROW(simulator.api(kChannelCall).json());
}

TEST(SimulatorFaults, LatencyDelaysTheNextResponses) {
  SimulatorProcess simulator;
  simulator.post("/_sim/fault?endpoint=channels&kind=latency&ms=400");

  const auto started = Clock::now();
  EXPECT_EQ(simulator.api(kChannelCall).status, 200);
  EXPECT_GE(elapsed_ms(started), 400);

  const auto again = Clock::now();
  simulator.api(kChannelCall);
  EXPECT_LT(elapsed_ms(again), 300);
}

TEST(SimulatorFaults, BadFaultRequestsAreRefused) {
  SimulatorProcess simulator;

  EXPECT_EQ(simulator.post("/_sim/fault?endpoint=search&kind=status").status, 400);
  EXPECT_EQ(simulator.post("/_sim/fault?endpoint=any&kind=explode").status, 400);
  EXPECT_EQ(simulator.post("/_sim/fault?endpoint=any&kind=status&status=404").status, 400);
}

TEST(SimulatorDataset, AppendingGrowsThePlaylist) {
  SimulatorProcess simulator;
  ASSERT_EQ(simulator.post("/_sim/playlist?id=PLsimulatorDemoPlaylist01&append=7").status, 200);

  const auto count = simulator.api(kPlaylistCall)
                         .json()
                         ->getArray("items")
                         ->getObject(0)
                         ->getObject("contentDetails")
                         ->getValue<int>("itemCount");
  EXPECT_EQ(count, 207);
  EXPECT_EQ(simulator.post("/_sim/playlist?id=PLnone&append=1").status, 400);
}

TEST(SimulatorDataset, SharedEntriesAreTheChannelsUploads) {
  SimulatorProcess simulator(
      {"--playlist", "PLmix=60", "--channel", "UCmaker=30", "--share", "PLmix=UCmaker:10"});
  const auto playlist = simulator.get("/_sim/dataset?playlist=PLmix").json()->getArray("entries");
  const auto uploads = simulator.get("/_sim/dataset?playlist=UUmaker").json()->getArray("entries");

  for (unsigned position = 0; position < 10; ++position) {
    EXPECT_EQ(playlist->getObject(position)->getValue<std::string>("video_id"),
              uploads->getObject(position)->getValue<std::string>("video_id"));
  }
  EXPECT_NE(playlist->getObject(10)->getValue<std::string>("video_id"),
            uploads->getObject(10)->getValue<std::string>("video_id"));
  for (unsigned position = 0; position < uploads->size(); ++position) {
    EXPECT_FALSE(uploads->getObject(position)->getValue<bool>("deleted"));
    EXPECT_FALSE(uploads->getObject(position)->getValue<bool>("private"));
  }
}

TEST(SimulatorDataset, SameSeedServesTheSameContent) {
  const std::vector<std::string> options = {"--seed", "7", "--playlist", "PLsame=120"};
  SimulatorProcess first(options);
  SimulatorProcess second(options);
  SimulatorProcess other({"--seed", "8", "--playlist", "PLsame=120"});
  const std::string page =
      "playlistItems?part=snippet,contentDetails&maxResults=50"
      "&playlistId=PLsame&prettyPrint=false";

  EXPECT_EQ(first.api(page).body, second.api(page).body);
  EXPECT_NE(first.api(page).body, other.api(page).body);
  EXPECT_EQ(first.get("/_sim/dataset?playlist=PLsame").body,
            second.get("/_sim/dataset?playlist=PLsame").body);
}

TEST(SimulatorDataset, StatisticsGrowWithTime) {
  SimulatorProcess simulator({"--time-scale", "1000"});
  const std::string id = first_upload_id(simulator);

  const std::uint64_t before = view_count(simulator, id);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GT(view_count(simulator, id), before);
}

TEST(SimulatorServer, ServesConcurrentRequestsDespiteLatency) {
  SimulatorProcess simulator({"--latency-ms", "200"});
  const auto started = Clock::now();

  std::vector<std::future<int>> calls;
  for (int call = 0; call < 16; ++call) {
    calls.push_back(
        std::async(std::launch::async, [&] { return simulator.api(kPlaylistCall).status; }));
  }
  for (auto& call : calls) {
    EXPECT_EQ(call.get(), 200);
  }
  EXPECT_LT(elapsed_ms(started), 16 * 200 / 2);
  EXPECT_EQ(stats(simulator)->getObject("requests")->getValue<int>("playlists"), 16);
}

// One worker of the refresh benchmark's shape: videos.list calls of 50 ids over one kept-alive
// connection; returns how many videos came back.
std::size_t fetch_batches(std::uint16_t port, const std::vector<std::string>& batches,
                          std::atomic<std::size_t>& next_batch) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setKeepAlive(true);
  std::size_t videos = 0;
  for (std::size_t batch = next_batch++; batch < batches.size(); batch = next_batch++) {
    Poco::Net::HTTPRequest request(
        Poco::Net::HTTPRequest::HTTP_GET,
        "/youtube/v3/videos?part=snippet,statistics&key=sim-key&id=" + batches[batch],
        Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    Poco::JSON::Parser parser;
    videos += parser.parse(session.receiveResponse(response))
                  .extract<Poco::JSON::Object::Ptr>()
                  ->getArray("items")
                  ->size();
  }
  return videos;
}

TEST(SimulatorServer, KeepsUpWithTheRefreshBenchmarkLoad) {
  SimulatorProcess simulator({"--channel", "UCbench=5000", "--latency-ms", "50"});
  const auto entries = simulator.get("/_sim/dataset?playlist=UUbench").json()->getArray("entries");
  std::vector<std::string> batches(100);
  for (unsigned position = 0; position < entries->size(); ++position) {
    std::string& batch = batches[position / 50];
    batch += (batch.empty() ? "" : ",") +
             entries->getObject(position)->getValue<std::string>("video_id");
  }

  const auto started = Clock::now();
  std::atomic<std::size_t> next_batch = 0;
  std::vector<std::future<std::size_t>> workers;
  for (int worker = 0; worker < 16; ++worker) {
    workers.push_back(std::async(std::launch::async, fetch_batches, simulator.port(),
                                 std::cref(batches), std::ref(next_batch)));
  }
  std::size_t videos = 0;
  for (auto& worker : workers) {
    videos += worker.get();
  }

  EXPECT_EQ(videos, 4999u);  // the uploads playlist's vanishing video is left out
  // One call at a time needs 100 × 50 ms; 16 overlapping ones about 7 × 50 ms plus CPU time.
  EXPECT_LT(elapsed_ms(started), 3000);
  EXPECT_EQ(stats(simulator)->getObject("units")->getValue<int>("videos"), 100);
}

TEST(SimulatorServer, PrintsOneLineAndExitsCleanlyOnSigterm) {
  SimulatorProcess simulator({"--port", "0"});

  EXPECT_EQ(simulator.listening_line(),
            "listening on http://127.0.0.1:" + std::to_string(simulator.port()));
  EXPECT_EQ(simulator.terminate(), 0);
}

TEST(SimulatorServer, RejectsAShareWithoutItsChannel) {
  EXPECT_THROW(SimulatorProcess({"--playlist", "PLa=5", "--share", "PLa=UCnone:2"}),
               std::runtime_error);
}

}  // namespace
}  // namespace ytsim::testing
