// The `fields` parameter of the Google APIs: a comma list of paths (`a/b/c`), each optionally
// followed by a parenthesised sub-selection (`items(id,snippet/title)`); `*` selects every key.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ytsim {

class FieldSelection {
 public:
  // Returns nullopt for a malformed selection and says where in `error`.
  static std::optional<FieldSelection> parse(std::string_view text, std::string& error);

  // A copy of `value` narrowed to the selection. Objects emptied by the narrowing and scalars
  // asked for sub-fields are left out, as the API does; arrays are narrowed element by element.
  // An empty Var means "nothing selected".
  Poco::Dynamic::Var apply(const Poco::Dynamic::Var& value) const;

 private:
  class Parser;

  FieldSelection& child(const std::string& name);
  const FieldSelection* find(const std::string& name) const;

  bool whole_ = false;  // selected as a leaf: everything below is kept
  std::map<std::string, FieldSelection> children_;
};

}  // namespace ytsim
