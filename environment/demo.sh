#!/usr/bin/env bash
# Placeholder until the engine CLI lands: proves the build runs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet "$repo/src/Esr.Cli/bin/Release/net10.0/linux-x64/esr.dll"
