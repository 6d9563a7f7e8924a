// The API key travels in every request URL (`key=`), and URLs are logged on retries and
// failures: redact_key must hide it wherever the parameter sits, mask_secret wherever the key
// itself shows up.
#include <gtest/gtest.h>

#include "api_client.hpp"

namespace ytpipe::youtube {
namespace {

TEST(RedactKey, MasksTheKeyAsTheFirstParameter) {
  EXPECT_EQ(redact_key("/youtube/v3/videos?key=AIzaSECRET&id=a"),
            "/youtube/v3/videos?key=***&id=a");
}

TEST(RedactKey, MasksTheKeyBetweenOtherParameters) {
  EXPECT_EQ(redact_key("/v3/videos?id=a&key=AIzaSECRET&part=x"), "/v3/videos?id=a&key=***&part=x");
}

TEST(RedactKey, MasksTheKeyAsTheLastParameter) {
  EXPECT_EQ(redact_key("/v3/videos?id=a&prettyPrint=false&key=AIzaSECRET"),
            "/v3/videos?id=a&prettyPrint=false&key=***");
}

TEST(RedactKey, MasksAUrlEncodedKeyWhole) {
  EXPECT_EQ(redact_key("/v3/videos?key=AIza%2Fs%2Bcret%3D%26x&id=a"), "/v3/videos?key=***&id=a");
}

TEST(RedactKey, MasksTheKeyInAFullUrlAndStopsAtAFragment) {
  EXPECT_EQ(redact_key("https://www.googleapis.com/youtube/v3/channels?key=AIzaSECRET#top"),
            "https://www.googleapis.com/youtube/v3/channels?key=***#top");
}

TEST(RedactKey, MasksEveryKeyParameterWhenGivenTwice) {
  EXPECT_EQ(redact_key("/v3/videos?key=FIRST&id=a&key=SECOND"), "/v3/videos?key=***&id=a&key=***");
}

TEST(RedactKey, MasksAnEmptyKey) {
  EXPECT_EQ(redact_key("/v3/videos?key=&id=a"), "/v3/videos?key=***&id=a");
}

TEST(RedactKey, LeavesParametersThatOnlyEndInKeyAlone) {
  EXPECT_EQ(redact_key("/v3/videos?monkey=banana&turkey=x"), "/v3/videos?monkey=banana&turkey=x");
  EXPECT_EQ(redact_key("/v3/videos?monkey=banana&key=AIzaSECRET"),
            "/v3/videos?monkey=banana&key=***");
}

TEST(MaskSecret, MasksTheKeyAsIsAndUrlEncoded) {
  const std::string key = "AIza/s+cret";
  EXPECT_EQ(mask_secret("400: API key AIza/s+cret not valid; sent AIza%2Fs%2Bcret twice", key),
            "400: API key *** not valid; sent *** twice");
}

TEST(MaskSecret, LeavesTextWithoutTheKeyUnchanged) {
  EXPECT_EQ(mask_secret("503 backendError", "AIzaSECRET"), "503 backendError");
  EXPECT_EQ(mask_secret("503 backendError", ""), "503 backendError");
}

}  // namespace
}  // namespace ytpipe::youtube
