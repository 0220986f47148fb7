#!/usr/bin/env bash
# The whole test suite: builds, starts a throw-away PostgreSQL on loopback, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

source scripts/postgres.sh
start_test_postgres
export TRADEWIND_REQUIRE_POSTGRES=1
swift build --build-tests
# The browser and schemathesis suites load both cores for a minute; they run after the rest so
# the timing-sensitive live-trading tests do not share the machine with them.
heavy="DashboardBrowserTests|OpenAPIConformanceTests"
swift test --skip-build --skip "$heavy"
swift test --skip-build --filter "$heavy"
