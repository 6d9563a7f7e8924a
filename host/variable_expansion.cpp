#include "variable_expansion.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace ytpipe::host {
namespace {

bool is_valid_name(std::string_view name) {
  const auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  };
  return !name.empty() && std::isdigit(static_cast<unsigned char>(name.front())) == 0 &&
         std::all_of(name.begin(), name.end(), is_name_char);
}

// Expands the body of one "${...}" (without the braces).
std::variant<std::string, ExpansionError> expand_reference(std::string_view body,
                                                           const VariableLookup& lookup) {
  const std::size_t separator = body.find(":-");
  const std::string name(body.substr(0, separator));
  if (!is_valid_name(name)) {
    return ExpansionError{"\"${" + std::string(body) +
                          "}\" does not name a variable (letters, digits and _ only)"};
  }

  const std::optional<std::string> value = lookup(name);
  if (separator != std::string_view::npos && (!value || value->empty())) {
    return std::string(body.substr(separator + 2));
  }
  if (!value) {
    return ExpansionError{"environment variable " + name + " is not set (write ${" + name +
                          ":-default} to give a default)"};
  }
  return *value;
}

}  // namespace

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

std::variant<std::string, ExpansionError> expand_variables(std::string_view text,
                                                           const VariableLookup& lookup) {
  std::string result;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text.substr(at).starts_with("$${")) {
      result += "${";
      at += 3;
      continue;
    }
    if (!text.substr(at).starts_with("${")) {
      result += text[at++];
      continue;
    }

    const std::size_t close = text.find('}', at + 2);
    if (close == std::string_view::npos) {
      return ExpansionError{"unterminated \"${\" (expected a closing \"}\")"};
    }
    auto expanded = expand_reference(text.substr(at + 2, close - at - 2), lookup);
    if (auto* error = std::get_if<ExpansionError>(&expanded)) {
      return *error;
    }
    result += std::get<std::string>(expanded);
    at = close + 1;
  }
  return result;
}

}  // namespace ytpipe::host
