#!/usr/bin/env bash
# Install the Debian packages reportgen needs, only those that are missing.
#   scripts/system-deps.sh run    what building profiles needs (Pango and HarfBuzz-subset for
#                                 WeasyPrint, gettext, Noto Sans CJK for Chinese: docs/fonts.md)
#   scripts/system-deps.sh test   plus the independent readers the tests use
#                                 (poppler-utils, pandoc, LibreOffice Writer, Chromium and
#                                 chromedriver for the browser test, npm for axe-core)
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-noto-cjk)
if [ "${1:-run}" = test ]; then
  want+=(poppler-utils pandoc libreoffice-writer-nogui fonts-crosextra-carlito)
  want+=(fonts-noto-core)  # Noto Naskh Arabic for LibreOffice's rendering of Arabic DOCX in the tests
  want+=(chromium chromium-driver)
  want+=(npm default-jre-headless)
fi
# A tool that is already on the PATH (Node.js and npm, or Java, installed
# outside Debian's packages) is not installed again: Debian's package would
# conflict with it.
provided_by() {
  case "$1" in
    npm) command -v npm ;;
    default-jre-headless) command -v java ;;
    *) return 1 ;;
  esac
}
missing=()
for pkg in "${want[@]}"; do
  provided_by "$pkg" >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "system-deps: please install: ${missing[*]} (no apt-get here)" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
