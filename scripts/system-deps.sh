#!/usr/bin/env bash
# Makes sure the system packages presser needs are present (Debian/Ubuntu).
#   libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint's text layout (required)
#   libharfbuzz-subset0: fast font subsetting; without it each PDF takes ~5x as long
#   fonts-dejavu-core: the default fonts of the print stylesheet
# Optional tools, by name: poppler-utils (README picture), chromium (browser tests),
# pandoc (the baseline of two figures of make bench).
# As root it installs what is missing with apt-get. Otherwise it prints the command,
# and fails only when a required library is missing (tests needing a tool skip).
set -euo pipefail

required=()
optional=()
# Read the cache once: `ldconfig -p | grep -q` fails under pipefail when grep stops early.
libraries=$(ldconfig -p 2>/dev/null || true)
have_lib() { grep -qF "$1" <<<"$libraries"; }
have_lib 'libpango-1.0.so.0' || required+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || required+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || required+=(libharfbuzz-subset0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || required+=(fonts-dejavu-core)
for tool in "$@"; do
  case "$tool" in
    poppler-utils) command -v pdftoppm >/dev/null || optional+=(poppler-utils) ;;
    chromium) command -v chromium >/dev/null || optional+=(chromium) ;;
    pandoc) command -v pandoc >/dev/null || optional+=(pandoc) ;;
    *) echo "system-deps.sh: unknown tool $tool" >&2; exit 2 ;;
  esac
done

missing=("${required[@]}" "${optional[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "presser needs these system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  [ ${#required[@]} -eq 0 ]
fi
