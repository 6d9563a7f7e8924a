#!/usr/bin/env bash
# Fails, naming the files, when a C or C++ file of the project is not as .clang-format has it.
#   check_format.sh CLANG_FORMAT SOURCE_DIR
set -euo pipefail
clang_format=$1
cd "$2"

unformatted=()
while IFS= read -r -d '' file; do
  "$clang_format" --style=file --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done < <(find host sdk plugins tests bench examples fuzz -type f \
  \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -print0)

if ((${#unformatted[@]})); then
  echo "not formatted by .clang-format (fix with: $clang_format -i FILE...):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
