#!/usr/bin/env bash
# Builds examples/hello-source the way a third party would, against the SDK installed from this
# build alone, then loads it into the real `ytpipe` with the file sink.
#
# usage: example_plugin_test.sh CMAKE GENERATOR BUILD_DIR EXAMPLE_DIR YTPIPE PLUGIN_DIR
set -euo pipefail

cmake=$1 generator=$2 build_dir=$3 example_dir=$4 ytpipe=$5 plugin_dir=$6
work=$(mktemp -d "${TMPDIR:-/tmp}/ytpipe-example.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

step() { echo "--- $*"; }

step "install the SDK component alone"
"$cmake" --install "$build_dir" --component sdk --prefix "$work/sdk"
[[ -f "$work/sdk/include/ytpipe/sdk.hpp" ]] || fail "sdk.hpp was not installed"

step "configure and build the example as its own project"
"$cmake" -S "$example_dir" -B "$work/build" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/sdk" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
"$cmake" --build "$work/build"
[[ -f "$work/build/ytpipe-hello.so" ]] || fail "ytpipe-hello.so was not built"
grep -q -- "$work/sdk/include" "$work/build/compile_commands.json" ||
  fail "the example did not compile against the installed SDK headers"
if grep -q -- "$(dirname "$(dirname "$example_dir")")/sdk/include" \
  "$work/build/compile_commands.json"; then
  fail "the example reached into the source tree's SDK"
fi

step "ytpipe plugins lists it with its config keys"
"$ytpipe" plugins --plugin-dir "$work/build" >"$work/plugins.txt" 2>&1 ||
  fail "ytpipe plugins failed: $(cat "$work/plugins.txt")"
grep -q "hello 1.0.0 (source)  $work/build/ytpipe-hello.so" "$work/plugins.txt" ||
  fail "hello is not listed: $(cat "$work/plugins.txt")"
grep -q "greetings to emit, 1 to 1000" "$work/plugins.txt" || fail "the count key's doc is missing"

write_manifest() {
  cat >"$work/pipeline.toml" <<TOML
[host]
plugin_dirs = ["$work/build", "$plugin_dir"]
data_dir = "$work/data"

[[source]]
name = "greeter"
plugin = "hello"
[source.config]
name = "$1"
greeting = "hi"
count = 5

[[sink]]
name = "archive"
plugin = "file"
[sink.config]
path = "$work/out/greetings.jsonl"
TOML
}

step "ytpipe run --once delivers its records to the file sink"
write_manifest "ytpipe"
"$ytpipe" run "$work/pipeline.toml" --once 2>"$work/run.log" ||
  fail "run exited with $?: $(cat "$work/run.log")"
[[ $(wc -l <"$work/out/greetings.jsonl") -eq 5 ]] ||
  fail "expected 5 lines: $(cat "$work/out/greetings.jsonl")"
[[ $(head -n 1 "$work/out/greetings.jsonl") == '{"n":1,"text":"hi, ytpipe"}' ]] ||
  fail "unexpected first line: $(head -n 1 "$work/out/greetings.jsonl")"
[[ $(tail -n 1 "$work/out/greetings.jsonl") == '{"n":5,"text":"hi, ytpipe"}' ]] ||
  fail "unexpected last line: $(tail -n 1 "$work/out/greetings.jsonl")"
grep -q "greeted ytpipe 5 times" "$work/run.log" || fail "the plugin's log line is missing"

step "ytpipe check points its ConfigError at the key in the manifest, exit 78"
write_manifest 'say \"what'
status=0
"$ytpipe" check "$work/pipeline.toml" >"$work/check.txt" 2>&1 || status=$?
[[ $status -eq 78 ]] || fail "check exited with $status, expected 78: $(cat "$work/check.txt")"
grep -q "expected plain text without quotes" "$work/check.txt" ||
  fail "the plugin's message is missing: $(cat "$work/check.txt")"
name_line=$(grep -n '^name = ' "$work/pipeline.toml" | cut -d: -f1)
grep -q "pipeline.toml:$name_line:" "$work/check.txt" ||
  fail "the error does not point at the name key (line $name_line): $(cat "$work/check.txt")"

echo "PASS"
