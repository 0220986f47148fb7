#!/usr/bin/env bash
# Runs the whole test suite. Installs nothing: this stage needs only the Swift 6.3
# toolchain (later stages add their servers here, e.g. PostgreSQL on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

swift build --build-tests
swift test --skip-build
