#include "response_parsing.hpp"

#include <gtest/gtest.h>

namespace ytpipe::youtube {
namespace {

// Shaped like a real videos.list answer with fields=items(id,snippet(...),statistics).
const char* kVideosBody = R"j({
  "items": [
    {
      "id": "dQw4w9WgXcQ",
      "snippet": {
        "publishedAt": "2009-10-25T06:57:33Z",
        "channelId": "UCuAXFkgsw1L7xaCfnd5JJOw",
        "title": "Rick Astley - Never Gonna Give You Up (Official Music Video)",
           "thumbnails"
    : {
      "default" :
          {"url" : "https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg", "width" : 120, "height" : 90}
    },
           "channelTitle" : "Rick Astley"
}
, "statistics" : {
  "viewCount" : "1500000000",
                "likeCount" : "18000000",
                              "favoriteCount" : "0",
                                                "commentCount" : "2400000"
}
},
    {
      "statistics": {"viewCount": "23278951", "favoriteCount": "0", "commentCount": "12"},
      "id": "hiddenLikes",
      "snippet": {"title": "Likes hidden \u003cb\u003e", "channelId": "UCx", "channelTitle": "X",
                  "publishedAt": "2023-05-11T00:20:46.123456Z", "thumbnails": {}}
    },
    {
      "id": "noComments1",
      "snippet": {"title": "Comments off", "channelId": "UCy", "channelTitle": "Y",
                  "publishedAt": "2019-11-21T22:17:43.000Z"},
      "statistics": {"viewCount": "7", "likeCount": "0", "favoriteCount": "0"}
    }
  ]
})j";

TEST(ResponseParsing, ReadsVideosWithTheirStatistics) {
  const std::vector<VideoStats> videos = parse_videos(parse_json_object(kVideosBody));
  ASSERT_EQ(videos.size(), 3u);
  EXPECT_EQ(videos[0].id, "dQw4w9WgXcQ");
  EXPECT_EQ(videos[0].channel_title, "Rick Astley");
  EXPECT_EQ(videos[0].views, 1'500'000'000u);
  EXPECT_EQ(videos[0].likes, 18'000'000u);
  EXPECT_EQ(videos[0].comments, 2'400'000u);
  EXPECT_EQ(videos[0].thumbnail, "https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg");
  EXPECT_EQ(videos[0].published_at, "2009-10-25T06:57:33Z");
}

TEST(ResponseParsing, HiddenLikesAreAbsentNotZero) {
  const std::vector<VideoStats> videos = parse_videos(parse_json_object(kVideosBody));
  EXPECT_FALSE(videos[1].likes.has_value());
  EXPECT_EQ(videos[1].comments, 12u);
  EXPECT_EQ(videos[1].title, "Likes hidden <b>");
  EXPECT_EQ(videos[1].published_at, "2023-05-11T00:20:46.123456Z");
  EXPECT_FALSE(videos[1].thumbnail.has_value());
}

TEST(ResponseParsing, DisabledCommentsAreAbsentAndRealZeroLikesStayZero) {
  const std::vector<VideoStats> videos = parse_videos(parse_json_object(kVideosBody));
  EXPECT_FALSE(videos[2].comments.has_value());
  EXPECT_EQ(videos[2].likes, 0u);
}

TEST(ResponseParsing, CountsPastTwoToThe32Survive) {
  EXPECT_EQ(parse_count("16000000000", "viewCount"), 16'000'000'000u);
  EXPECT_EQ(parse_count("18446744073709551615", "viewCount"), 18446744073709551615u);
}

TEST(ResponseParsing, JunkCountsAreRejectedNamingTheField) {
  for (const char* junk : {"", "12a", "-5", " 7", "1e9", "18446744073709551616"}) {
    try {
      parse_count(junk, "likeCount");
      ADD_FAILURE() << "accepted \"" << junk << "\"";
    } catch (const MalformedResponse& e) {
      EXPECT_NE(std::string(e.what()).find("likeCount"), std::string::npos);
    }
  }
}

TEST(ResponseParsing, VideoWithoutStatisticsIsMalformed) {
  const char* body = R"j({"items":[{"id":"a","snippet":{"title":"t","channelId":"c",
      "publishedAt":"2020-01-01T00:00:00Z"}}]})j";
  EXPECT_THROW(parse_videos(parse_json_object(body)), MalformedResponse);
}

TEST(ResponseParsing, EmptyOrFilteredAwayItemsMeanNoVideos) {
  EXPECT_TRUE(parse_videos(parse_json_object(R"j({"items":[]})j")).empty());
  EXPECT_TRUE(parse_videos(parse_json_object("{}")).empty());
}

TEST(ResponseParsing, TruncatedOrNonObjectBodiesAreMalformed) {
  EXPECT_THROW(parse_json_object(R"j({"items":[{"id":"abc","snip)j"), MalformedResponse);
  EXPECT_THROW(parse_json_object("[1,2]"), MalformedResponse);
  EXPECT_THROW(parse_json_object("<html>502 Bad Gateway</html>"), MalformedResponse);
}

TEST(ResponseParsing, PlaylistPageSkipsDeletedAndPrivateEntries) {
  const char* body = R"j({
    "nextPageToken": "EAAaBlBUOkNESQ",
    "items": [
      {"contentDetails": {"videoId": "v1", "videoPublishedAt": "2020-01-01T00:00:00Z"}},
      {"contentDetails": {"videoId": "gone"}},
      {"contentDetails": {"videoId": "v2", "videoPublishedAt": "2021-01-01T00:00:00.5Z"}}
    ]})j";
  const PlaylistPage page = parse_playlist_page(parse_json_object(body));
  EXPECT_EQ(page.video_ids, (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(page.unavailable, 1u);
  EXPECT_EQ(page.next_page_token, "EAAaBlBUOkNESQ");
}

TEST(ResponseParsing, LastPlaylistPageHasNoToken) {
  const PlaylistPage page = parse_playlist_page(parse_json_object(R"j({"items":[]})j"));
  EXPECT_FALSE(page.next_page_token.has_value());
}

TEST(ResponseParsing, ItemCountsAndUploadsPlaylists) {
  const auto counts = parse_item_counts(parse_json_object(
      R"j({"items":[{"id":"PLa","contentDetails":{"itemCount":5000}},
                   {"id":"UUb","contentDetails":{"itemCount":3}}]})j"));
  EXPECT_EQ(counts.at("PLa"), 5000);
  EXPECT_EQ(counts.at("UUb"), 3);

  const auto uploads = parse_uploads_playlists(parse_json_object(
      R"j({"items":[{"id":"UCabc","contentDetails":{"relatedPlaylists":{"uploads":"UUabc"}}}]})j"));
  EXPECT_EQ(uploads.at("UCabc"), "UUabc");
}

TEST(ApiErrors, QuotaExceededInBothSpellings) {
  const ApiError current = parse_error(403, R"j({"error":{"code":403,
      "message":"The request cannot be completed because you have exceeded your \u003ca href=\"/youtube/v3/getting-started#quota\"\u003equota\u003c/a\u003e.",
      "errors":[{"message":"…","domain":"youtube.quota","reason":"quotaExceeded"}]}})j");
  EXPECT_EQ(current.kind, ApiErrorKind::QuotaExceeded);
  EXPECT_EQ(current.reason, "quotaExceeded");
  EXPECT_NE(current.message.find("<a href"), std::string::npos);

  const ApiError older = parse_error(403, R"j({"error":{"errors":[{"domain":"usageLimits",
      "reason":"dailyLimitExceeded","message":"Daily Limit Exceeded"}],"code":403}})j");
  EXPECT_EQ(older.kind, ApiErrorKind::QuotaExceeded);
}

TEST(ApiErrors, RateLimitsRetryUnlessPerDay) {
  EXPECT_EQ(parse_error(429, R"j({"error":{"code":429,"message":"Too many requests",
      "status":"RESOURCE_EXHAUSTED"}})j")
                .kind,
            ApiErrorKind::RateLimited);
  EXPECT_EQ(
      parse_error(
          403,
          R"j({"error":{"code":403,"message":"Quota exceeded for quota metric 'Queries' and limit 'Queries per day'",
      "errors":[{"reason":"rateLimitExceeded"}]}})j")
          .kind,
      ApiErrorKind::QuotaExceeded);
}

TEST(ApiErrors, BadMissingAndDisabledKeys) {
  const ApiError invalid = parse_error(400, R"j({"error":{"code":400,
      "message":"API key not valid. Please pass a valid API key.",
      "errors":[{"message":"API key not valid. Please pass a valid API key.","domain":"global",
                 "reason":"badRequest"}],
      "status":"INVALID_ARGUMENT",
      "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID",
                  "domain":"googleapis.com"}]}})j");
  EXPECT_EQ(invalid.kind, ApiErrorKind::BadKey);
  EXPECT_EQ(invalid.reason, "badRequest");

  EXPECT_EQ(
      parse_error(403, R"j({"error":{"code":403,"message":"The request is missing a valid API key.",
      "status":"PERMISSION_DENIED"}})j")
          .kind,
      ApiErrorKind::BadKey);
  EXPECT_EQ(
      parse_error(403, R"j({"error":{"code":403,"message":"YouTube Data API v3 has not been used",
      "errors":[{"reason":"accessNotConfigured","domain":"usageLimits"}],
      "details":[{"reason":"SERVICE_DISABLED"}]}})j")
          .kind,
      ApiErrorKind::BadKey);
  EXPECT_EQ(parse_error(400, R"j({"error":{"code":400,"message":"Bad Request",
      "errors":[{"reason":"keyInvalid","domain":"usageLimits"}]}})j")
                .kind,
            ApiErrorKind::BadKey);
}

TEST(ApiErrors, PlaylistProblemsServerTroubleAndClientBugs) {
  EXPECT_EQ(
      parse_error(
          404,
          R"j({"error":{"code":404,"message":"The playlist identified with the request's \u003ccode\u003eplaylistId\u003c/code\u003e parameter cannot be found.",
      "errors":[{"domain":"youtube.playlistItem","reason":"playlistNotFound","location":"playlistId",
                 "locationType":"parameter"}]}})j")
          .kind,
      ApiErrorKind::NotFound);
  EXPECT_EQ(
      parse_error(403,
                  R"j({"error":{"code":403,"errors":[{"reason":"playlistItemsNotAccessible"}]}})j")
          .kind,
      ApiErrorKind::NotAccessible);
  const ApiError backend =
      parse_error(503, R"j({"error":{"code":503,"message":"The service is currently unavailable.",
      "errors":[{"reason":"backendError","domain":"global"}],"status":"UNAVAILABLE"}})j");
  EXPECT_EQ(backend.kind, ApiErrorKind::ServerError);
  EXPECT_TRUE(backend.retryable());
  EXPECT_EQ(
      parse_error(400, R"j({"error":{"code":400,"errors":[{"reason":"invalidFilters"}]}})j").kind,
      ApiErrorKind::InvalidRequest);
}

TEST(ApiErrors, HtmlErrorPagesFallBackToTheStatus) {
  const ApiError gateway = parse_error(502, "<html><body>Bad Gateway</body></html>");
  EXPECT_EQ(gateway.kind, ApiErrorKind::ServerError);
  EXPECT_EQ(gateway.describe(), "502");
}

}  // namespace
}  // namespace ytpipe::youtube
