// The source end to end: the real host runs a manifest with the youtube source pointed at the
// API simulator and the file sink, and the tests read the JSON lines it wrote.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <thread>

#include "e2e_support.hpp"

namespace ytpipe::youtube::testing {
namespace {

using Poco::JSON::Object;
using std::chrono::seconds;

// What the simulator says a playlist holds, so expectations need no copy of its rules.
struct PlaylistTruth {
  std::vector<std::string> listed;              // available entries' videos, first occurrence
  std::set<std::string> returned;               // listed and not vanishing
  std::map<std::string, Object::Ptr> by_video;  // the entry describing each video
};

PlaylistTruth truth_of(const Simulator& simulator, const std::string& playlist) {
  PlaylistTruth truth;
  const Poco::JSON::Array::Ptr entries =
      simulator.get("/_sim/dataset?playlist=" + playlist)->getArray("entries");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const Object::Ptr entry = entries->getObject(static_cast<unsigned>(i));
    if (entry->getValue<bool>("deleted") || entry->getValue<bool>("private")) {
      continue;
    }
    const std::string video = entry->getValue<std::string>("video_id");
    if (truth.by_video.emplace(video, entry).second) {
      truth.listed.push_back(video);
      if (!entry->getValue<bool>("vanishing")) {
        truth.returned.insert(video);
      }
    }
  }
  return truth;
}

std::string source_config(const Simulator& simulator, const std::string& extra) {
  return "api_key = \"sim-key\"\napi_base = \"" + simulator.api_base() + "\"\n" + extra;
}

std::set<std::string> keys_of(const RunResult& run) {
  std::set<std::string> keys;
  for (const Object::Ptr& record : run.records) {
    keys.insert(record->getValue<std::string>("video_id"));
  }
  return keys;
}

std::int64_t ceil50(std::size_t n) {
  return static_cast<std::int64_t>((n + 49) / 50);
}

// The numbers of the last "refresh: ..." line.
std::map<std::string, std::int64_t> last_refresh(const std::string& log) {
  static const std::regex kLine(
      R"(refresh: (\d+) videos, (\d+) records, (\d+) unavailable, (\d+) API calls, (\d+) units spent)");
  std::map<std::string, std::int64_t> numbers;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine); it != std::sregex_iterator();
       ++it) {
    numbers = {{"videos", std::stoll((*it)[1])},
               {"records", std::stoll((*it)[2])},
               {"unavailable", std::stoll((*it)[3])},
               {"calls", std::stoll((*it)[4])},
               {"units", std::stoll((*it)[5])}};
  }
  return numbers;
}

TEST(YoutubeEndToEnd, LargePlaylistGivesOneTruthfulRecordPerAvailableVideo) {
  Simulator simulator({"--playlist", "PLlargePlaylist000001=5000"});
  const PlaylistTruth truth = truth_of(simulator, "PLlargePlaylist000001");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLlargePlaylist000001"])"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(run.records.size(), truth.returned.size()) << "one record per distinct video";
  EXPECT_EQ(keys_of(run), truth.returned);
  const std::regex fetched_at(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const Object::Ptr& record : run.records) {
    const Object::Ptr entry = truth.by_video.at(record->getValue<std::string>("video_id"));
    EXPECT_EQ(record->isNull("likes"), entry->getValue<bool>("likes_hidden"));
    EXPECT_EQ(record->isNull("comments"), entry->getValue<bool>("comments_disabled"));
    EXPECT_EQ(record->isNull("thumbnail"), !entry->getValue<bool>("has_thumbnail"));
    EXPECT_TRUE(record->get("views").isInteger());
    EXPECT_EQ(record->getValue<std::string>("playlist_id"), "PLlargePlaylist000001");
    EXPECT_TRUE(std::regex_match(record->getValue<std::string>("fetched_at"), fetched_at));
  }
  EXPECT_EQ(simulator.requests("playlistItems"), 100);
  EXPECT_EQ(simulator.requests("videos"), ceil50(truth.listed.size()));
  EXPECT_EQ(last_refresh(run.log).at("units"), simulator.units_total());
  EXPECT_EQ(last_refresh(run.log).at("unavailable"), 1);
}

TEST(YoutubeEndToEnd, PlaylistAndChannelShareVideosEmittedOnce) {
  Simulator simulator({});  // the demo: a playlist whose first 20 entries are channel uploads
  const PlaylistTruth playlist = truth_of(simulator, "PLsimulatorDemoPlaylist01");
  const PlaylistTruth uploads = truth_of(simulator, "UUsimulatorDemoChannel01");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLsimulatorDemoPlaylist01"]
channels = ["UCsimulatorDemoChannel01"])"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  std::set<std::string> expected = playlist.returned;
  expected.insert(uploads.returned.begin(), uploads.returned.end());
  EXPECT_EQ(run.records.size(), expected.size());
  EXPECT_EQ(keys_of(run), expected);
  for (const Object::Ptr& record : run.records) {
    const std::string video = record->getValue<std::string>("video_id");
    const std::string owner = playlist.by_video.contains(video) ? "PLsimulatorDemoPlaylist01"
                                                                : "UUsimulatorDemoChannel01";
    EXPECT_EQ(record->getValue<std::string>("playlist_id"), owner) << video;
  }
  EXPECT_EQ(simulator.requests("channels"), 1);
  EXPECT_EQ(simulator.requests("playlists"), 1);
  EXPECT_EQ(last_refresh(run.log).at("units"), simulator.units_total());
}

TEST(YoutubeEndToEnd, DirectlyTrackedVideosHaveNoPlaylist) {
  Simulator simulator({});
  const PlaylistTruth uploads = truth_of(simulator, "UUsimulatorDemoChannel01");
  const std::string only_in_channel = uploads.listed.at(50);
  const std::string also_in_channel = uploads.listed.at(51);
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, "videos = [\"" + only_in_channel + "\", \"" +
                                                        also_in_channel + "\", \"" +
                                                        only_in_channel + "\"]"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  ASSERT_EQ(run.records.size(), 2u);
  for (const Object::Ptr& record : run.records) {
    EXPECT_TRUE(record->isNull("playlist_id"));
  }
  EXPECT_EQ(simulator.units_total(), 1);
}

TEST(YoutubeEndToEnd, SteadyRefreshesCheckCountsAndRewalkOnlyWhenThePlaylistGrows) {
  Simulator simulator({"--playlist", "PLcadencePlaylist0001=120"});
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLcadencePlaylist0001"]
interval = "1s"
membership_interval = "1h"
daily_quota = 10000000)"));

  workspace.start();
  ASSERT_TRUE(workspace.wait_for_log("refresh:", 3, seconds(30))) << workspace.log();
  EXPECT_EQ(simulator.requests("playlistItems"), 3) << "only the first refresh walks";
  const auto steady = last_refresh(workspace.log());
  EXPECT_EQ(steady.at("calls"), ceil50(static_cast<std::size_t>(steady.at("videos"))) + 1);

  simulator.post("/_sim/playlist?id=PLcadencePlaylist0001&append=60");
  const std::size_t seen = workspace.count_in_log("refresh:");
  ASSERT_TRUE(workspace.wait_for_log("refresh:", seen + 2, seconds(30))) << workspace.log();
  const RunResult run = workspace.stop();

  EXPECT_EQ(simulator.requests("playlistItems"), 3 + 4) << "one re-walk of 180 entries";
  const PlaylistTruth truth = truth_of(simulator, "PLcadencePlaylist0001");
  EXPECT_EQ(last_refresh(run.log).at("records"), static_cast<std::int64_t>(truth.returned.size()));
  EXPECT_EQ(last_refresh(run.log).at("calls"), ceil50(truth.listed.size()) + 1);
}

TEST(YoutubeEndToEnd, IntervalIsStretchedToTheDailyBudgetAndSaysSo) {
  Simulator simulator({"--playlist", "PLbudgetPlaylist00001=300"});
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLbudgetPlaylist00001"]
interval = "10s"
daily_quota = 1000)"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  std::smatch stretch;
  ASSERT_TRUE(std::regex_search(
      run.log, stretch,
      std::regex(
          R"(interval stretched .*: ([0-9.]+) units/refresh .* requested interval 10000 ms, effective (\d+) ms)")))
      << run.log;
  // refreshes a day x units per refresh = the daily budget, to the millisecond.
  const double units = std::stod(stretch[1]);
  const double effective_ms = std::stod(stretch[2]);
  EXPECT_GE(units, 7.0);  // ceil(288/50) videos + 1 playlists call + amortised walks
  EXPECT_NEAR(86'400'000.0 / effective_ms * units, 1000.0, 1.0);
}

TEST(YoutubeEndToEnd, ExhaustedQuotaStopsAllCallsUntilTheReset) {
  Simulator simulator({"--playlist", "PLquotaPlaylist000001=200"});
  simulator.post("/_sim/quota?left=2");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLquotaPlaylist000001"]
interval = "1s"
daily_quota = 10000000)"));

  workspace.start();
  ASSERT_TRUE(workspace.wait_for_log("quota exhausted", 1, seconds(20))) << workspace.log();
  const std::int64_t requests_then = simulator.requests("videos") +
                                     simulator.requests("playlistItems") +
                                     simulator.requests("playlists");
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const std::int64_t requests_later = simulator.requests("videos") +
                                      simulator.requests("playlistItems") +
                                      simulator.requests("playlists");
  const RunResult run = workspace.stop();

  EXPECT_EQ(requests_later, requests_then) << "no call while waiting for the reset";
  EXPECT_EQ(workspace.count_in_log("quota exhausted"), 1u) << run.log;
  EXPECT_TRUE(std::regex_search(run.log, std::regex(R"(reset at .* UTC \(.* P[SD]T\))")))
      << run.log;
}

TEST(YoutubeEndToEnd, OnceWithExhaustedQuotaFailsNamingTheReset) {
  Simulator simulator({});
  simulator.post("/_sim/quota?left=0");
  Workspace workspace;
  workspace.write_manifest(
      source_config(simulator, R"(playlists = ["PLsimulatorDemoPlaylist01"])"));

  const RunResult run = workspace.run_once();

  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.log.find("quota is exhausted"), std::string::npos) << run.log;
  EXPECT_NE(run.log.find("resets at"), std::string::npos) << run.log;
}

TEST(YoutubeEndToEnd, RejectedKeyEndsTheRunWithoutRevealingIt) {
  Simulator simulator({});
  const std::string key = "AIzaNotTheRightKey-0123456789";
  Workspace workspace;
  workspace.write_manifest("api_key = \"" + key + "\"\napi_base = \"" + simulator.api_base() +
                               "\"\nplaylists = [\"PLsimulatorDemoPlaylist01\"]\n"
                               "channels = [\"UCsimulatorDemoChannel01\"]",
                           "debug");

  const RunResult run = workspace.run_once();

  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.log.find("api_key"), std::string::npos) << run.log;
  EXPECT_EQ(run.log.find(key), std::string::npos) << "the key leaked into the log";
  EXPECT_TRUE(run.records.empty());
  EXPECT_LE(simulator.units_total(), 8) << "a handful of requests, not a retry storm";
}

TEST(YoutubeEndToEnd, UnknownPlaylistIsReportedWhileTheOthersCarryOn) {
  Simulator simulator({"--playlist", "PLgoodPlaylist0000001=80"});
  const PlaylistTruth good = truth_of(simulator, "PLgoodPlaylist0000001");
  Workspace workspace;
  workspace.write_manifest(source_config(
      simulator, R"(playlists = ["PLnoSuchPlaylist00001", "PLgoodPlaylist0000001"])"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(keys_of(run), good.returned);
  EXPECT_NE(run.log.find("PLnoSuchPlaylist00001"), std::string::npos) << run.log;
}

TEST(YoutubeEndToEnd, ServerErrorsAndResetsAreRetried) {
  Simulator simulator({"--playlist", "PLflakyPlaylist000001=150"});
  const PlaylistTruth truth = truth_of(simulator, "PLflakyPlaylist000001");
  simulator.post("/_sim/fault?endpoint=videos&kind=status&status=503&count=2");
  simulator.post("/_sim/fault?endpoint=playlistItems&kind=reset&count=1");
  simulator.post("/_sim/fault?endpoint=playlists&kind=status&status=429&count=1");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLflakyPlaylist000001"])"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(keys_of(run), truth.returned);
  EXPECT_EQ(simulator.stats()->getValue<std::int64_t>("errors_injected"), 4);
}

TEST(YoutubeEndToEnd, MalformedBodyIsRetriedOnce) {
  Simulator simulator({"--playlist", "PLmalformedPlaylist01=60"});
  const PlaylistTruth truth = truth_of(simulator, "PLmalformedPlaylist01");
  simulator.post("/_sim/fault?endpoint=videos&kind=malformed&count=1");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLmalformedPlaylist01"])"));

  const RunResult run = workspace.run_once();

  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(keys_of(run), truth.returned);
}

TEST(YoutubeEndToEnd, PersistentlyMalformedBodiesFailTheRefreshClearly) {
  Simulator simulator({"--playlist", "PLmalformedPlaylist02=60"});
  simulator.post("/_sim/fault?endpoint=videos&kind=malformed&count=1000");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLmalformedPlaylist02"]
max_retries = 1)"));

  const RunResult run = workspace.run_once();

  EXPECT_NE(run.exit_code, 0) << run.log;
  EXPECT_TRUE(run.records.empty());
  EXPECT_NE(run.log.find("malformed response"), std::string::npos) << run.log;
}

TEST(YoutubeEndToEnd, SlowAnswerHitsRequestTimeoutAndIsRetried) {
  Simulator simulator({"--playlist", "PLslowPlaylist0000001=60"});
  const PlaylistTruth truth = truth_of(simulator, "PLslowPlaylist0000001");
  simulator.post("/_sim/fault?endpoint=videos&kind=latency&ms=3000&count=1");
  Workspace workspace;
  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLslowPlaylist0000001"]
request_timeout = "400ms")"));

  const auto started = std::chrono::steady_clock::now();
  const RunResult run = workspace.run_once();
  const auto took = std::chrono::steady_clock::now() - started;

  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(keys_of(run), truth.returned);
  EXPECT_LT(took, std::chrono::milliseconds(2900)) << "the slow answer was not waited out";
}

TEST(YoutubeEndToEnd, BadConfigIsRefusedBeforeAnyCall) {
  Simulator simulator({});
  Workspace workspace;

  workspace.write_manifest(source_config(simulator, "interval = \"60s\""));
  const RunResult empty = workspace.run_once();
  EXPECT_EQ(empty.exit_code, 78) << empty.log;
  EXPECT_NE(empty.log.find("nothing to track"), std::string::npos) << empty.log;

  workspace.write_manifest(source_config(
      simulator,
      R"(playlists = ["https://www.youtube.com/playlist?list=PLsimulatorDemoPlaylist01"])"));
  const RunResult url = workspace.run_once();
  EXPECT_EQ(url.exit_code, 78) << url.log;
  EXPECT_NE(url.log.find("give the id alone"), std::string::npos) << url.log;

  workspace.write_manifest(source_config(simulator, R"(playlists = ["PLsimulatorDemoPlaylist01"]
ca_file = "/nonexistent/ca.pem")"));
  const RunResult ca = workspace.run_once();
  EXPECT_EQ(ca.exit_code, 78) << ca.log;
  EXPECT_NE(ca.log.find("ca_file"), std::string::npos) << ca.log;

  EXPECT_EQ(simulator.units_total(), 0);
}

}  // namespace
}  // namespace ytpipe::youtube::testing
