#!/usr/bin/env bash
# Fetch axelrod-rs's public source at a pinned commit into .source and build
# driver/ (release) into .build. Idempotent: does nothing when the driver is built
# from that commit already.
#
#   peers/axelrod-rs/setup.sh
#
# Environment: AXELROD_RS_GIT, where to clone from (default: the project's GitHub
# repository; any git URL or local clone of it works). Exits 1 with a message when
# the source cannot be fetched or built, so callers can skip the comparison.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
repository="${AXELROD_RS_GIT:-https://github.com/Foufou-exe/axelrod-rs}"
# v0.3.3 of 2026, the newest release when this comparison was written.
commit=9535d0ad33a3048c3424fe1891ad597618a67ef3
driver="$here/.build/release/axelrod-rs-driver"
stamp="$here/.build/commit"

if [[ -x "$driver" && -f "$stamp" && "$(cat "$stamp")" == "$commit" ]]; then
    echo "axelrod-rs driver is up to date"
    exit 0
fi

if [[ "$(git -C .source rev-parse HEAD 2>/dev/null)" != "$commit" ]]; then
    rm -rf .source
    if ! git clone --quiet "$repository" .source 2>"$here/.clone-error"; then
        echo "cannot fetch axelrod-rs from $repository: $(tail -n 1 "$here/.clone-error")" >&2
        echo "set AXELROD_RS_GIT to a reachable clone of Foufou-exe/axelrod-rs" >&2
        rm -f "$here/.clone-error"
        exit 1
    fi
    rm -f "$here/.clone-error"
    git -C .source checkout --quiet "$commit"
fi

echo "building the axelrod-rs driver (release)…"
if ! (cd driver && CARGO_TARGET_DIR="$here/.build" cargo build --release --quiet); then
    echo "the axelrod-rs driver did not build" >&2
    exit 1
fi
echo "$commit" > "$stamp"
