#!/usr/bin/env bash
# Takes the README's screenshots of the main window (light and dark theme)
# under a virtual X display: opens saves/example.ron, picks a tagged passage
# so the inspector shows it, and saves docs/screenshots/main-{light,dark}.png.
#
#   docs/screenshots/take.sh            # builds in release mode first
#
# Installs Xvfb, xdotool and ImageMagick with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
{ command -v import >/dev/null && import -version 2>/dev/null | grep -q ImageMagick; } || need+=(imagemagick)
dpkg -s libgl1-mesa-dri >/dev/null 2>&1 || need+=(libgl1-mesa-dri libegl1 libgl1)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release --quiet
bin=target/release/gloss
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

d=91; while [ -e /tmp/.X11-unix/X$d ] || [ -e /tmp/.X$d-lock ]; do d=$((d+1)); done
Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$d ] && break; sleep 0.1; done
export DISPLAY=":$d"

for theme in light dark; do
  # A fresh settings folder each time, so no earlier window state leaks in.
  export HOME="$tmp/home-$theme" XDG_DATA_HOME="$tmp/home-$theme/data" XDG_CONFIG_HOME="$tmp/home-$theme/config"
  export XDG_RUNTIME_DIR="$tmp/run-$theme"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  GLOSS_THEME=$theme "$bin" saves/example.ron >"$tmp/$theme.log" 2>&1 &
  app=$!
  sleep 4
  xdotool search --name Gloss windowfocus 2>/dev/null || true
  # Pick the first tagged passage of the first article.
  xdotool mousemove --sync 620 292 sleep 0.3 click 1 sleep 0.5
  xdotool mousemove --sync 900 600 sleep 0.5
  import -window root "docs/screenshots/main-$theme.png"
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  echo "saved docs/screenshots/main-$theme.png"
done
