#include "log.hpp"

#include <gtest/gtest.h>

namespace ytpipe::host {
namespace {

TEST(LogRedaction, MasksARegisteredSecretWhereverItStands) {
  Log::add_secret("plain-secret-value");

  EXPECT_EQ(Log::redact("key=plain-secret-value"), "key=***");
  EXPECT_EQ(Log::redact("a plain-secret-value b plain-secret-value"), "a *** b ***");
  EXPECT_EQ(Log::redact("nothing to hide"), "nothing to hide");
}

TEST(LogRedaction, MasksThePercentEncodedFormInAUrl) {
  Log::add_secret("AIza/with+odd=chars");

  EXPECT_EQ(Log::redact("GET /videos?id=x&key=AIza%2Fwith%2Bodd%3Dchars&part=snippet"),
            "GET /videos?id=x&key=***&part=snippet");
  EXPECT_EQ(Log::redact("echo AIza/with+odd=chars"), "echo ***");
}

TEST(LogRedaction, IgnoresValuesTooShortToMaskSafely) {
  Log::add_secret("abc");

  EXPECT_EQ(Log::redact("abc abcdef"), "abc abcdef");
}

}  // namespace
}  // namespace ytpipe::host
