// ${VAR} and ${VAR:-default} in manifest strings.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ytpipe::host {

// Looks a variable up; nullopt when it is not defined.
using VariableLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment as a VariableLookup.
std::optional<std::string> environment_variable(const std::string& name);

struct ExpansionError {
  std::string message;  // says which variable, without the surrounding text
};

// Replaces every ${NAME} with the variable's value and every ${NAME:-fallback} with the value,
// or `fallback` when the variable is unset or empty (as a POSIX shell does). "$${" stands for a
// literal "${". A "$" not followed by "{" is kept as it is. Returns the first problem found: an
// undefined variable without a fallback, an unterminated "${", or an empty or invalid name.
std::variant<std::string, ExpansionError> expand_variables(
    std::string_view text, const VariableLookup& lookup = environment_variable);

}  // namespace ytpipe::host
