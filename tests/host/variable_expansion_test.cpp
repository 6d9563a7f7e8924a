#include "variable_expansion.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ytpipe::host {
namespace {

class VariableExpansionTest : public ::testing::Test {
 protected:
  std::variant<std::string, ExpansionError> expand(std::string_view text) {
    return expand_variables(text, [this](const std::string& name) -> std::optional<std::string> {
      const auto found = variables_.find(name);
      return found == variables_.end() ? std::nullopt : std::optional(found->second);
    });
  }

  std::string expanded(std::string_view text) {
    auto result = expand(text);
    if (auto* error = std::get_if<ExpansionError>(&result)) {
      ADD_FAILURE() << text << ": " << error->message;
      return {};
    }
    return std::get<std::string>(result);
  }

  std::string error(std::string_view text) {
    auto result = expand(text);
    if (auto* failure = std::get_if<ExpansionError>(&result)) {
      return failure->message;
    }
    ADD_FAILURE() << text << " expanded to " << std::get<std::string>(result);
    return {};
  }

  std::map<std::string, std::string> variables_{
      {"HOST", "broker"}, {"PORT", "9092"}, {"EMPTY", ""}};
};

TEST_F(VariableExpansionTest, ReplacesDefinedVariables) {
  EXPECT_EQ(expanded("${HOST}:${PORT}"), "broker:9092");
  EXPECT_EQ(expanded("plain text"), "plain text");
}

TEST_F(VariableExpansionTest, UsesTheDefaultForUnsetOrEmptyVariables) {
  EXPECT_EQ(expanded("${MISSING:-localhost}"), "localhost");
  EXPECT_EQ(expanded("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(expanded("${HOST:-ignored}"), "broker");
  EXPECT_EQ(expanded("${MISSING:-}"), "");
}

TEST_F(VariableExpansionTest, SetButEmptyWithoutDefaultIsEmpty) {
  EXPECT_EQ(expanded("[${EMPTY}]"), "[]");
}

TEST_F(VariableExpansionTest, KeepsALoneDollarAndEscapedReferences) {
  EXPECT_EQ(expanded("cost $5"), "cost $5");
  EXPECT_EQ(expanded("$${HOST}"), "${HOST}");
}

TEST_F(VariableExpansionTest, NamesAnUndefinedVariable) {
  EXPECT_NE(error("key=${API_KEY}").find("API_KEY is not set"), std::string::npos);
}

TEST_F(VariableExpansionTest, RejectsMalformedReferences) {
  EXPECT_NE(error("${HOST").find("unterminated"), std::string::npos);
  EXPECT_NE(error("${}").find("does not name a variable"), std::string::npos);
  EXPECT_NE(error("${BAD-NAME}").find("does not name a variable"), std::string::npos);
}

}  // namespace
}  // namespace ytpipe::host
