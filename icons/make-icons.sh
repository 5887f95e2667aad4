#!/usr/bin/env bash
# Regenerate every app icon from icon.svg. Needs rsvg-convert (librsvg2-bin), png2icns
# (icnsutils) and python3. The outputs are committed, so builds never need these tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
png() { rsvg-convert -w "$1" -h "$1" icon.svg -o "$2"; }
png 32 32x32.png; png 64 64x64.png; png 128 128x128.png; png 256 128x128@2x.png; png 512 icon.png
# Windows Store / MSIX tiles
for s in 30 44 71 89 107 142 150 284 310; do png $s "Square${s}x${s}Logo.png"; done
png 50 StoreLogo.png
# macOS .icns from the standard sizes
tmp=$(mktemp -d); for s in 16 32 48 128 256 512 1024; do png $s "$tmp/$s.png"; done
png2icns icon.icns "$tmp"/{16,32,48,128,256,512,1024}.png >/dev/null
# Windows .ico with PNG-compressed entries (Vista+): 16, 24, 32, 48, 64, 256
for s in 16 24 32 48 64 256; do png $s "$tmp/ico$s.png"; done
python3 - "$tmp" <<'PY'
import struct, sys, os
d = sys.argv[1]; sizes = [16, 24, 32, 48, 64, 256]
blobs = [open(os.path.join(d, f"ico{s}.png"), "rb").read() for s in sizes]
out = struct.pack("<HHH", 0, 1, len(sizes)); off = 6 + 16 * len(sizes)
for s, b in zip(sizes, blobs):
    out += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(b), off); off += len(b)
open("icon.ico", "wb").write(out + b"".join(blobs))
PY
rm -rf "$tmp"
