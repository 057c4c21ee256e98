#!/usr/bin/env bash
# Opens an HTML page runbook wrote in Debian's headless Chromium, as a phone would, and checks:
#   - the page's script ran without a console error (the DOM after load has its progress line);
#   - a screenshot is not blank and has ink in many rows (the checklist is visible);
#   - nothing was fetched from the network (the page is self-contained);
#   - a box ticked stays ticked after a reload (a wrapper page ticks one in an iframe, reloads
#     it and reads the box back), when the page has boxes.
# Prints one line of figures; exits non-zero naming what failed. The screenshot is kept only
# in a temporary directory.
#
#   scripts/check-html.sh FILE.html [EXPECTED-PROGRESS-TEXT]
set -euo pipefail
page=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
expected=${2:-}
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium ]] || { echo "chromium is not installed (apt-get install chromium)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags=(--headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
  --user-data-dir="$work/profile" --window-size=412,915 --enable-logging=stderr --v=0
  --host-resolver-rules="MAP * ~NOTFOUND")
"$chromium" "${flags[@]}" --screenshot="$work/shot.png" "file://$page" 2>"$work/console.log" >/dev/null || true
"$chromium" "${flags[@]}" --dump-dom "file://$page" 2>>"$work/console.log" >"$work/dom.html" || true
cp "$page" "$work/page.html"
cat >"$work/reload.html" <<'HTML'
<!doctype html><body><div id="result">no box</div><iframe id="f" src="page.html"></iframe>
<script>
var f = document.getElementById("f"), phase = 0;
f.addEventListener("load", function () {
  var d = f.contentDocument;
  var box = d.querySelector("input[data-step]:not(:checked)");
  if (!box && phase === 0) { return; }
  if (phase === 0) { phase = 1; box.setAttribute("id", "picked"); window.picked = box.getAttribute("data-step"); box.click(); f.contentWindow.location.reload(); return; }
  var again = d.querySelector('input[data-step="' + window.picked + '"]');
  document.getElementById("result").textContent = (again && again.checked ? "kept" : "lost") + ": " + d.getElementById("progress").textContent;
});
</script></body>
HTML
"$chromium" "${flags[@]}" --allow-file-access-from-files --virtual-time-budget=10000 --user-data-dir="$work/reload-profile" \
  --dump-dom "file://$work/reload.html" 2>>"$work/console.log" >"$work/reload-dom.html" || true
python3 - "$work" "$expected" <<'PY'
import struct, sys, zlib, re, os
work, expected = sys.argv[1], sys.argv[2]
problems = []
log = open(os.path.join(work, "console.log"), errors="replace").read()
errors = [l for l in log.splitlines() if "CONSOLE" in l and ("Uncaught" in l or "Error" in l or "error" in l)]
if errors:
    problems.append("console errors: " + " | ".join(errors[:3]))
dom = open(os.path.join(work, "dom.html"), errors="replace").read()
m = re.search(r'id="progress">([^<]*)<', dom)
progress = m.group(1) if m else ""
if not progress:
    problems.append("the page's script did not run (no progress text in the DOM)")
elif expected and progress != expected:
    problems.append("progress says %r, expected %r" % (progress, expected))
reload = open(os.path.join(work, "reload-dom.html"), errors="replace").read()
m = re.search(r'id="result">([^<]*)<', reload)
ticks = m.group(1) if m else "the reload check did not run"
if 'data-step="' in dom and not ticks.startswith("kept"):
    problems.append("a ticked box did not survive a reload (%s)" % ticks)
if re.search(r'(src|href)="(https?:)?//', dom):
    problems.append("the page refers to the network")

def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    channels = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]; c = prev[x - channels] if x >= channels else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    return width, height, channels, rows

shot = os.path.join(work, "shot.png")
if not os.path.exists(shot):
    problems.append("no screenshot")
    ink_rows = dark = 0; width = height = 0
else:
    width, height, channels, rows = pixels(shot)
    dark = 0; ink_rows = 0
    for line in rows:
        row_dark = sum(1 for x in range(0, width * channels, channels) if line[x] + line[x + 1] + line[x + 2] < 300)
        dark += row_dark
        if row_dark > 2: ink_rows += 1
    if dark < width * height * 0.005:
        problems.append("the screenshot is blank (%d dark pixels)" % dark)
    if ink_rows < height * 0.15:
        problems.append("little is visible: text on %d of %d rows" % (ink_rows, height))
print("screenshot %dx%d, text on %d rows, %d dark pixels; script: %r; after a tick and a reload: %r; console errors: %d" % (width, height, ink_rows, dark, progress, ticks, len(errors)))
if problems:
    print("FAILED: " + "; ".join(problems))
    sys.exit(1)
PY
