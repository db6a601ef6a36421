#!/usr/bin/env bash
# Regenerates the gallery from synthetic data (seeded, a few seconds), then, when Chromium is installed
# (Debian: apt-get install -y chromium), screenshots every SVG and the report headless into a scratch
# folder so a person can check what a real viewer draws.
#   docs/gallery/make-gallery.sh [screenshot-folder]      (default: /tmp/neurone-gallery-shots)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shots="${1:-/tmp/neurone-gallery-shots}"

dotnet run -c Release --project "$root/examples/Gallery" -- "$here"

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
    echo "no Chromium found: pictures written, screenshots skipped"
    exit 0
fi
mkdir -p "$shots"
shoot() { # file width height
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$shots/$(basename "$1").png" \
        --window-size="$2,$3" "file://$1" >/dev/null 2>&1
    echo "screenshot $shots/$(basename "$1").png"
}
for svg in "$here"/*.svg; do
    # The window is the SVG's own size, read from its root element.
    w=$(grep -o '<svg[^>]*' "$svg" | head -1 | sed -E 's/.* width="([0-9.]+)".*/\1/')
    h=$(grep -o '<svg[^>]*' "$svg" | head -1 | sed -E 's/.* height="([0-9.]+)".*/\1/')
    shoot "$svg" "${w%.*}" "${h%.*}"
done
for png in "$here"/*.png; do shoot "$png" 900 500; done
shoot "$here/report.html" 1100 2600
