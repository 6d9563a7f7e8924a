// The API calls of youtube-simulator, through its real HTTP server in a child process.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "simulator_process.hpp"

namespace ytsim::testing {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr char kDemoPlaylist[] = "PLsimulatorDemoPlaylist01";
constexpr char kDemoChannel[] = "UCsimulatorDemoChannel01";
constexpr char kDemoUploads[] = "UUsimulatorDemoChannel01";

std::string first_reason(const HttpResult& result) {
  return result.json()->getObject("error")->getArray("errors")->getObject(0)->getValue<std::string>(
      "reason");
}

bool is_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

Array::Ptr dataset_entries(const SimulatorProcess& simulator, const std::string& playlist) {
  return simulator.get("/_sim/dataset?playlist=" + playlist).json()->getArray("entries");
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string joined;
  for (const std::string& id : ids) {
    joined += (joined.empty() ? "" : ",") + id;
  }
  return joined;
}

std::vector<std::string> numbered_ids(std::size_t count) {
  std::vector<std::string> ids;
  for (unsigned index = 0; index < count; ++index) {
    ids.push_back("id" + std::to_string(index));
  }
  return ids;
}

// Every item of a playlist, walked page by page with maxResults=50.
Array::Ptr walk_playlist(const SimulatorProcess& simulator, const std::string& playlist,
                         const std::string& parts) {
  Array::Ptr all = new Array;
  std::string token;
  do {
    const auto body =
        simulator
            .api("playlistItems?maxResults=50&part=" + parts + "&playlistId=" + playlist +
                 (token.empty() ? "" : "&pageToken=" + token))
            .json();
    const auto page = body->getArray("items");
    for (unsigned index = 0; index < page->size(); ++index) {
      all->add(page->getObject(index));
    }
    token = body->optValue<std::string>("nextPageToken", "");
  } while (!token.empty());
  return all;
}

class SimulatorApi : public ::testing::Test {
 protected:
  SimulatorProcess simulator_;
};

TEST_F(SimulatorApi, PlaylistItemsPageHasTheApiShape) {
  const auto page = simulator_.api("playlistItems?part=contentDetails&maxResults=50&playlistId=" +
                                   std::string(kDemoPlaylist));

  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.content_type, "application/json; charset=UTF-8");
  const auto body = page.json();
  EXPECT_EQ(body->getValue<std::string>("kind"), "youtube#playlistItemListResponse");
  EXPECT_EQ(body->getObject("pageInfo")->getValue<int>("totalResults"), 200);
  EXPECT_EQ(body->getObject("pageInfo")->getValue<int>("resultsPerPage"), 50);
  EXPECT_TRUE(body->has("nextPageToken"));
  EXPECT_FALSE(body->has("prevPageToken"));
  const auto items = body->getArray("items");
  ASSERT_EQ(items->size(), 50u);
  const auto first = items->getObject(0);
  EXPECT_FALSE(first->getValue<std::string>("id").empty());
  EXPECT_FALSE(first->has("snippet"));
  EXPECT_EQ(first->getObject("contentDetails")->getValue<std::string>("videoId").size(), 11u);
}

TEST_F(SimulatorApi, PlaylistItemsDefaultToFivePerPage) {
  const auto body =
      simulator_.api("playlistItems?part=id&playlistId=" + std::string(kDemoPlaylist)).json();

  EXPECT_EQ(body->getArray("items")->size(), 5u);
  EXPECT_EQ(body->getObject("pageInfo")->getValue<int>("resultsPerPage"), 5);
}

TEST(SimulatorPaging, WalksALargePlaylistOnceInOrder) {
  SimulatorProcess simulator({"--playlist", "PLbig=1234"});
  const auto expected = dataset_entries(simulator, "PLbig");
  std::vector<std::string> walked;
  std::set<std::string> item_ids;
  std::string token;
  int pages = 0;

  do {
    const auto page = simulator.api(
        "playlistItems?part=contentDetails&maxResults=50&playlistId=PLbig"
        "&fields=nextPageToken,pageInfo(totalResults,resultsPerPage),items(id,contentDetails/"
        "videoId)" +
        (token.empty() ? "" : "&pageToken=" + token));
    ASSERT_EQ(page.status, 200) << page.body;
    const auto body = page.json();
    EXPECT_EQ(body->getObject("pageInfo")->getValue<int>("totalResults"), 1234);
    EXPECT_EQ(body->getObject("pageInfo")->getValue<int>("resultsPerPage"), 50);
    const auto items = body->getArray("items");
    for (unsigned index = 0; index < items->size(); ++index) {
      walked.push_back(
          items->getObject(index)->getObject("contentDetails")->getValue<std::string>("videoId"));
      item_ids.insert(items->getObject(index)->getValue<std::string>("id"));
    }
    token = body->optValue<std::string>("nextPageToken", "");
    ++pages;
  } while (!token.empty());

  ASSERT_EQ(walked.size(), expected->size());
  for (unsigned position = 0; position < walked.size(); ++position) {
    EXPECT_EQ(walked[position], expected->getObject(position)->getValue<std::string>("video_id"))
        << "position " << position;
  }
  EXPECT_EQ(item_ids.size(), 1234u);
  EXPECT_EQ(pages, 25);
  EXPECT_EQ(simulator.get("/_sim/stats").json()->getObject("units")->getValue<int>("playlistItems"),
            25);
}

TEST_F(SimulatorApi, UnavailableEntriesKeepTheirIdButNoPublishedDate) {
  const auto entries = dataset_entries(simulator_, kDemoPlaylist);
  const auto items = walk_playlist(simulator_, kDemoPlaylist, "snippet,contentDetails");

  int unavailable = 0;
  for (unsigned position = 0; position < entries->size(); ++position) {
    const auto entry = entries->getObject(position);
    const auto item = items->getObject(position);
    const bool deleted = entry->getValue<bool>("deleted");
    const bool hidden = entry->getValue<bool>("private");
    EXPECT_EQ(item->getObject("contentDetails")->has("videoPublishedAt"), !deleted && !hidden);
    if (deleted || hidden) {
      ++unavailable;
      EXPECT_EQ(item->getObject("snippet")->getValue<std::string>("title"),
                deleted ? "Deleted video" : "Private video");
      EXPECT_FALSE(item->getObject("snippet")->has("videoOwnerChannelId"));
    }
  }
  EXPECT_GT(unavailable, 0);
}

TEST_F(SimulatorApi, VideosListOmitsUnavailableAndVanishingVideos) {
  const auto entries = dataset_entries(simulator_, kDemoPlaylist);
  std::vector<std::string> requested;
  std::set<std::string> expected;
  for (unsigned position = 0; requested.size() < 49; ++position) {
    const auto entry = entries->getObject(position);
    if (entry->getValue<bool>("duplicate")) {
      continue;
    }
    requested.push_back(entry->getValue<std::string>("video_id"));
    if (!entry->getValue<bool>("deleted") && !entry->getValue<bool>("private") &&
        !entry->getValue<bool>("vanishing")) {
      expected.insert(requested.back());
    }
  }

  const auto reply = simulator_.api("videos?part=id&id=" + join_ids(requested) + ",unknownVid1");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto items = reply.json()->getArray("items");
  std::set<std::string> returned;
  for (unsigned index = 0; index < items->size(); ++index) {
    returned.insert(items->getObject(index)->getValue<std::string>("id"));
  }
  EXPECT_EQ(returned, expected);
  EXPECT_LT(expected.size(), requested.size());
}

TEST_F(SimulatorApi, VideoStatisticsAreDigitStringsWithHiddenCountsAbsent) {
  const auto entries = dataset_entries(simulator_, kDemoUploads);
  std::vector<std::string> ids;
  for (unsigned position = 0; position < 50; ++position) {
    ids.push_back(entries->getObject(position)->getValue<std::string>("video_id"));
  }

  const auto items = simulator_.api("videos?part=snippet,statistics&id=" + join_ids(ids))
                         .json()
                         ->getArray("items");
  ASSERT_EQ(items->size(), 50u);
  bool passes_2_31 = false;
  for (unsigned index = 0; index < items->size(); ++index) {
    const auto entry = entries->getObject(index);
    const auto item = items->getObject(index);
    const auto statistics = item->getObject("statistics");
    const std::string views = statistics->getValue<std::string>("viewCount");
    EXPECT_TRUE(is_digits(views)) << views;
    passes_2_31 = passes_2_31 || std::stoull(views) > (1ULL << 31);
    EXPECT_EQ(statistics->getValue<std::string>("favoriteCount"), "0");
    EXPECT_FALSE(statistics->has("dislikeCount"));
    EXPECT_EQ(statistics->has("likeCount"), !entry->getValue<bool>("likes_hidden"));
    EXPECT_EQ(statistics->has("commentCount"), !entry->getValue<bool>("comments_disabled"));
    const auto snippet = item->getObject("snippet");
    EXPECT_EQ(snippet->getValue<std::string>("channelId"), kDemoChannel);
    EXPECT_EQ(snippet->getObject("thumbnails")->has("default"),
              entry->getValue<bool>("has_thumbnail"));
    EXPECT_EQ(snippet->getValue<std::string>("publishedAt").back(), 'Z');
  }
  EXPECT_TRUE(passes_2_31);
}

TEST_F(SimulatorApi, FiftyIdsAreAcceptedAndAFiftyFirstIsInvalidFilters) {
  EXPECT_EQ(simulator_.api("videos?part=id&id=" + join_ids(numbered_ids(50))).status, 200);

  const auto fifty_one = simulator_.api("videos?part=id&id=" + join_ids(numbered_ids(51)));
  EXPECT_EQ(fifty_one.status, 400);
  EXPECT_EQ(first_reason(fifty_one), "invalidFilters");

  const auto trailing_comma =
      simulator_.api("videos?part=id&id=" + join_ids(numbered_ids(50)) + ",");
  EXPECT_EQ(trailing_comma.status, 400);
  EXPECT_EQ(first_reason(trailing_comma), "invalidFilters");
}

TEST_F(SimulatorApi, AWrongKeyIsRejectedAsInvalid) {
  const auto reply = simulator_.api("videos?part=id&id=x", "not-the-key");

  ASSERT_EQ(reply.status, 400);
  const auto error = reply.json()->getObject("error");
  EXPECT_EQ(error->getValue<int>("code"), 400);
  EXPECT_EQ(error->getValue<std::string>("status"), "INVALID_ARGUMENT");
  EXPECT_EQ(error->getArray("details")->getObject(0)->getValue<std::string>("reason"),
            "API_KEY_INVALID");
  EXPECT_EQ(first_reason(reply), "badRequest");
}

TEST_F(SimulatorApi, AMissingKeyIsForbidden) {
  const auto reply = simulator_.api("videos?part=id&id=x", std::nullopt);

  ASSERT_EQ(reply.status, 403);
  EXPECT_EQ(reply.json()->getObject("error")->getValue<std::string>("message"),
            "The request is missing a valid API key.");
}

TEST_F(SimulatorApi, AnUnknownPlaylistIsNotFound) {
  const auto reply = simulator_.api("playlistItems?part=id&playlistId=PLnoSuchList");

  ASSERT_EQ(reply.status, 404);
  EXPECT_EQ(first_reason(reply), "playlistNotFound");
  const auto item = reply.json()->getObject("error")->getArray("errors")->getObject(0);
  EXPECT_EQ(item->getValue<std::string>("domain"), "youtube.playlistItem");
  EXPECT_EQ(item->getValue<std::string>("location"), "playlistId");
}

TEST_F(SimulatorApi, PageTokensCannotBeForgedOrMovedToAnotherPlaylist) {
  const auto token = simulator_.api("playlistItems?part=id&playlistId=" + std::string(kDemoUploads))
                         .json()
                         ->getValue<std::string>("nextPageToken");
  const std::string playlist = "playlistItems?part=id&playlistId=" + std::string(kDemoPlaylist);

  EXPECT_EQ(first_reason(simulator_.api(playlist + "&pageToken=" + token)), "invalidPageToken");
  EXPECT_EQ(first_reason(simulator_.api(playlist + "&pageToken=CAUQAA")), "invalidPageToken");
  EXPECT_EQ(simulator_.api(playlist + "&pageToken=%25%25").status, 400);
}

TEST_F(SimulatorApi, MaxResultsOutsideZeroToFiftyIsRejected) {
  const std::string playlist = "playlistItems?part=id&playlistId=" + std::string(kDemoPlaylist);

  EXPECT_EQ(simulator_.api(playlist + "&maxResults=51").status, 400);
  EXPECT_EQ(simulator_.api(playlist + "&maxResults=-1").status, 400);
  const auto empty = simulator_.api(playlist + "&maxResults=0").json();
  EXPECT_EQ(empty->getArray("items")->size(), 0u);
}

TEST_F(SimulatorApi, PartIsRequiredAndChecked) {
  EXPECT_EQ(first_reason(simulator_.api("videos?id=x")), "required");
  EXPECT_EQ(first_reason(simulator_.api("videos?part=snippet,bogus&id=x")), "unknownPart");
}

TEST_F(SimulatorApi, PlaylistsListCountsEveryEntryOfOrdinaryAndUploadsPlaylists) {
  const auto items = simulator_
                         .api("playlists?part=contentDetails&id=" + std::string(kDemoPlaylist) +
                              "," + kDemoUploads + ",PLunknown")
                         .json()
                         ->getArray("items");

  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ(items->getObject(0)->getObject("contentDetails")->getValue<int>("itemCount"), 200);
  EXPECT_EQ(items->getObject(1)->getObject("contentDetails")->getValue<int>("itemCount"), 100);
}

TEST_F(SimulatorApi, ChannelsListNamesTheUploadsPlaylist) {
  const auto known =
      simulator_.api("channels?part=contentDetails&id=" + std::string(kDemoChannel)).json();
  const auto related = known->getArray("items")
                           ->getObject(0)
                           ->getObject("contentDetails")
                           ->getObject("relatedPlaylists");
  EXPECT_EQ(related->getValue<std::string>("uploads"), kDemoUploads);

  const auto unknown = simulator_.api("channels?part=contentDetails&id=UCnobody");
  ASSERT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.json()->getArray("items")->size(), 0u);
}

TEST_F(SimulatorApi, FieldsNarrowTheResponse) {
  const std::string id =
      dataset_entries(simulator_, kDemoUploads)->getObject(0)->getValue<std::string>("video_id");
  const auto body = simulator_
                        .api("videos?part=snippet,statistics&id=" + id +
                             "&fields=items(id,snippet(title,channelId,channelTitle,publishedAt,"
                             "thumbnails/default/url),statistics)")
                        .json();

  EXPECT_EQ(body->getNames(), std::vector<std::string>{"items"});
  const auto item = body->getArray("items")->getObject(0);
  EXPECT_EQ(item->size(), 3u);
  const auto snippet = item->getObject("snippet");
  EXPECT_EQ(snippet->size(), 5u);
  EXPECT_FALSE(snippet->has("description"));
  const auto thumbnail = snippet->getObject("thumbnails")->getObject("default");
  EXPECT_EQ(thumbnail->getNames(), std::vector<std::string>{"url"});
  EXPECT_TRUE(item->getObject("statistics")->has("viewCount"));
}

TEST_F(SimulatorApi, MalformedFieldsAreABadRequest) {
  const auto reply = simulator_.api("videos?part=id&id=x&fields=items(id");

  ASSERT_EQ(reply.status, 400);
  const auto item = reply.json()->getObject("error")->getArray("errors")->getObject(0);
  EXPECT_EQ(item->getValue<std::string>("reason"), "invalidParameter");
  EXPECT_EQ(item->getValue<std::string>("location"), "fields");
}

TEST_F(SimulatorApi, AnswersGzippedWhenTheClientAcceptsIt) {
  const std::string target =
      "/youtube/v3/playlistItems?part=contentDetails&maxResults=50&key=sim-key"
      "&playlistId=" +
      std::string(kDemoPlaylist);

  const auto zipped = simulator_.get(target, true);
  const auto plain = simulator_.get(target, false);
  EXPECT_EQ(zipped.content_encoding, "gzip");
  EXPECT_EQ(plain.content_encoding, "");
  EXPECT_EQ(zipped.body, plain.body);
}

TEST_F(SimulatorApi, PrettyPrintFalseGivesOneLine) {
  const std::string call = "channels?part=contentDetails&id=" + std::string(kDemoChannel);

  EXPECT_NE(simulator_.api(call).body.find('\n'), std::string::npos);
  EXPECT_EQ(simulator_.api(call + "&prettyPrint=false").body.find('\n'), std::string::npos);
}

TEST_F(SimulatorApi, AnotherBasePathMovesTheApi) {
  SimulatorProcess moved({"--base-path", "/api"});

  EXPECT_EQ(moved.get("/api/channels?part=id&id=x&key=sim-key").status, 200);
  const auto elsewhere = moved.get("/youtube/v3/channels?part=id&id=x&key=sim-key");
  EXPECT_EQ(elsewhere.status, 404);
  EXPECT_EQ(elsewhere.body.find("sim-key"), std::string::npos);
}

}  // namespace
}  // namespace ytsim::testing
