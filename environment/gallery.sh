#!/usr/bin/env bash
# Regenerates the figure gallery of README.md: executes every notebook (environment/notebooks.sh, the toy world's
# defaults), then writes the PNG of each `#!esr figure <id>` cell of notebooks 01-10 to docs/gallery/figure-<id>.png,
# drawn again by headless Chromium at half the notebooks' resolution to keep the gallery small.
# Usage: environment/gallery.sh [--from-artifacts]   (--from-artifacts: reuse artifacts/notebooks from an earlier run)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
executed="${ESR_NOTEBOOKS_OUT:-$repo/artifacts/notebooks}"
gallery="$repo/docs/gallery"
[[ "${1:-}" == "--from-artifacts" ]] || bash "$repo/environment/notebooks.sh"
chromium="${ESR_CHROMIUM:-chromium}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$gallery" && mkdir -p "$gallery"
# Every figure cell's PNG output, as figure-<id>.png at its size (from the PNG header) in the work folder.
python3 - "$executed" "$work" <<'PY'
import base64, glob, json, os, re, struct, sys
executed, work = sys.argv[1], sys.argv[2]
for path in sorted(glob.glob(os.path.join(executed, "[0-9][0-9]-*.ipynb"))):
    if os.path.basename(path).startswith("00-"): continue
    for cell in json.load(open(path))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        match = re.match(r"#!esr figure (\S+)", source)
        if cell["cell_type"] != "code" or not match: continue
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data is None: continue
            png = base64.b64decode("".join(data) if isinstance(data, list) else data)
            width, height = struct.unpack(">II", png[16:24])
            name = f"figure-{match.group(1)}"
            open(os.path.join(work, name + ".png"), "wb").write(png)
            open(os.path.join(work, name + ".size"), "w").write(f"{width // 2} {height // 2}\n")
PY
shopt -s nullglob
for png in "$work"/*.png; do
  name="$(basename "$png" .png)"
  read -r width height <"$work/$name.size"
  printf '<html><body style="margin:0"><img src="%s" style="width:%spx;height:%spx;display:block"></body></html>' \
    "file://$png" "$width" "$height" >"$work/$name.html"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars \
    --force-device-scale-factor=1 --window-size="$width,$height" --screenshot="$gallery/$name.png" "file://$work/$name.html" >/dev/null 2>&1
done
echo "gallery: $(ls "$gallery" | wc -l) figures, $(du -sh "$gallery" | cut -f1) in $gallery"
