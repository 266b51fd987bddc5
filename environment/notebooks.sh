#!/usr/bin/env bash
# Executes the notebooks headlessly with `esr run` (docs/NOTEBOOKS.md): every notebooks/*.ipynb, or the ones named,
# each in a fresh kernel. Writes the executed notebooks, a static HTML page per notebook and a JUnit report into
# artifacts/notebooks (ignored by git; ESR_NOTEBOOKS_OUT names another folder) and prints where each one went. Any
# cell error fails the script (exit status 1), naming the notebook, the cell and the error on stderr.
# Usage: environment/notebooks.sh [NOTEBOOK.ipynb...]   (run environment/setup.sh first: it builds esr and packs the
# notebook extension into artifacts/feed, which every notebook loads)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
esr_dll="$repo/src/Esr.Cli/bin/${ESR_CONFIGURATION:-Release}/net10.0/linux-x64/esr.dll"
out="${ESR_NOTEBOOKS_OUT:-$repo/artifacts/notebooks}"
[[ -f "$esr_dll" ]] || { echo "notebooks: $esr_dll is missing; run environment/setup.sh first" >&2; exit 1; }
notebooks=("$@")
((${#notebooks[@]})) || notebooks=("$repo"/notebooks/*.ipynb)
mkdir -p "$out"
# Each notebook has 10 minutes; a default run takes at most 3 (docs/NOTEBOOKS.md lists the measured times).
dotnet "$esr_dll" run "${notebooks[@]}" -o "$out" --html --junit "$out/junit.xml" --timeout 600
echo "notebooks: executed notebooks and their HTML pages are in $out (JUnit report: $out/junit.xml)"
