#!/usr/bin/env bash
# The main job: set up, build the page, and serve it on localhost with the
# built-in demo export one click away ("Try the demo export").
# The command line alone: cargo run --release -- audit demo/dealership-aws.json
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-web.sh
bash scripts/build-www.sh
exec node scripts/serve.mjs "$@"
