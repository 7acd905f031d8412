#!/usr/bin/env bash
# The system clipboard, end to end: Gloss runs in a virtual X display, Ctrl+C
# in the reading view must reach other programs (read back with xclip), and
# Ctrl+V in a note field must paste what another program copied.
#
#   tests/desktop/clipboard.sh [GLOSS_BINARY]     (default target/debug/gloss)
#
# Needs Xvfb, xdotool and xclip (installed with apt-get when missing, as
# .ci/run does) and Mesa's software OpenGL. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
gloss=$(realpath "${1:-target/debug/gloss}")

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
command -v xclip >/dev/null || need+=(xclip)
dpkg -s libgl1-mesa-dri >/dev/null 2>&1 || need+=(libgl1-mesa-dri libegl1 libgl1)
if [ ${#need[@]} -gt 0 ]; then
  echo "clipboard.sh: installing ${need[*]}" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
d=70; while [ -e /tmp/.X11-unix/X$d ] || [ -e /tmp/.X$d-lock ]; do d=$((d+1)); done
Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=""
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# Up to 30 s: on a loaded machine Xvfb has taken more than the 5 s this
# used to allow, and the window then failed to connect.
for _ in $(seq 300); do [ -e /tmp/.X11-unix/X$d ] && break; sleep 0.1; done
[ -e /tmp/.X11-unix/X$d ] || { echo "clipboard.sh: Xvfb :$d did not start in 30 s" >&2; exit 1; }
export DISPLAY=":$d" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" HOME="$work"
export XDG_RUNTIME_DIR="$work/run"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

text='Officials in Gdańsk said the port was hit — “ransomware”, again. 😀'
printf '%s\n' "$text" > "$work/a.txt"
"$gloss" import "$work/p.ron" "$work/a.txt" >/dev/null

"$gloss" "$work/p.ron" >"$work/gloss.log" 2>&1 &
app=$!
win=""
for _ in $(seq 100); do
  win=$(xdotool search --name 'Gloss' 2>/dev/null | head -1 || true)
  [ -n "$win" ] && break
  sleep 0.2
done
[ -n "$win" ] || { echo "clipboard.sh: no Gloss window"; cat "$work/gloss.log"; exit 1; }
sleep 2
fail() { echo "clipboard.sh: FAIL: $*"; cat "$work/gloss.log"; exit 1; }

# Copy: click into the reading view, select all, Ctrl+C.
xdotool windowfocus --sync "$win"
xdotool mousemove --sync 640 400 click 1
sleep 0.5
xdotool key ctrl+a
sleep 0.3
xdotool key ctrl+c
sleep 0.5
got=$(xclip -o -selection clipboard 2>/dev/null || true)
[ "$got" = "$text" ] || fail "the clipboard holds $(printf %q "$got"), not the article's text"
echo "clipboard.sh: Ctrl+C in the reading view reached the system clipboard"

# Paste: another program copies, Gloss pastes into the article's note.
note='Pasted from another program ✓'
printf '%s' "$note" | xclip -selection clipboard -i 2>/dev/null
sleep 0.3
xdotool key ctrl+shift+n
sleep 0.5
xdotool key ctrl+v
sleep 0.5
xdotool key ctrl+s
for _ in $(seq 50); do grep -q "Pasted from another program" "$work/p.ron" && break; sleep 0.2; done
grep -q "$note" "$work/p.ron" || fail "the pasted note is not in the saved project"
echo "clipboard.sh: Ctrl+V in the note field pasted what another program copied"
