#!/usr/bin/env bash
# Measures how many records per second the host moves from the generator to the discard sink.
#   throughput.sh YTPIPE PLUGIN_DIR [RECORDS] [PAYLOAD_BYTES] [RUNS]
# Prints records/s for each run (wall time of the whole `ytpipe run --once`, start-up included)
# and checks that every record was delivered.
set -euo pipefail

ytpipe=${1:?usage: throughput.sh YTPIPE PLUGIN_DIR [RECORDS] [PAYLOAD_BYTES] [RUNS]}
plugin_dir=${2:?usage: throughput.sh YTPIPE PLUGIN_DIR [RECORDS] [PAYLOAD_BYTES] [RUNS]}
records=${3:-5000000}
payload_bytes=${4:-16}
runs=${5:-3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/bench.toml" <<TOML
[host]
plugin_dirs = ["$plugin_dir"]
data_dir = "$work/data"
log_level = "info"
summary_interval = "1h"

[[source]]
name = "numbers"
plugin = "generator"
[source.config]
count = $records
payload_bytes = $payload_bytes

[[sink]]
name = "sink"
plugin = "discard"
TOML

echo "generator -> discard: $records records, $payload_bytes-byte payloads, $(nproc) cores"
for run in $(seq "$runs"); do
  started=$(date +%s%N)
  "$ytpipe" run "$work/bench.toml" --once 2>"$work/log.txt" || {
    cat "$work/log.txt" >&2
    exit 1
  }
  ended=$(date +%s%N)
  if ! grep -q "sink sink: in=$records delivered=$records undelivered=0" "$work/log.txt"; then
    echo "run $run: not every record was delivered:" >&2
    grep "final:" "$work/log.txt" >&2
    exit 1
  fi
  elapsed_ns=$((ended - started))
  echo "run $run: $((records * 1000000000 / elapsed_ns)) records/s ($((elapsed_ns / 1000000)) ms)"
done
