// "Did you mean ...?" for names a user mistyped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ytpipe::host {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours each cost one.
std::size_t edit_distance(std::string_view from, std::string_view to);

// The candidate closest to `typed`, when close enough to be a plausible typo: at most a third of
// the longer name's length in edits (and at least one edit allowed). Ties go to the first.
std::optional<std::string> closest_match(std::string_view typed,
                                         const std::vector<std::string>& candidates);

// "; did you mean \"x\"?" or "" when nothing is close.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace ytpipe::host
