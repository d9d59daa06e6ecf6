#!/bin/sh
# The browser the real-browser tests drive (tests/test_browser.py): Debian's Chromium, with CJK and emoji
# fonts so Korean labels and the tabs' emoji render (and show in screenshots).
# Does nothing when Chromium is there (/usr/bin/chromium, or $PLAYGROUND_CHROMIUM).
# Playwright's own browser download (`playwright install`) is never used.
set -eu

if [ -x "${PLAYGROUND_CHROMIUM:-/usr/bin/chromium}" ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser.sh: /usr/bin/chromium is missing and apt-get is not available." >&2
    echo "Install Chromium (and a CJK font such as Noto CJK) with this system's package manager." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
else
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk fonts-noto-color-emoji
