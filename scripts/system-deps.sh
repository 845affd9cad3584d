#!/usr/bin/env bash
# Makes sure the system libraries presser needs are present (Debian/Ubuntu).
#   libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint's text layout (required)
#   libharfbuzz-subset0: fast font subsetting; without it each PDF takes ~5x as long
#   fonts-dejavu-core: the default fonts of the print stylesheet
# As root it installs what is missing with apt-get; otherwise it prints the command.
set -euo pipefail

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
for tool in "$@"; do  # optional tools asked for by name, such as poppler-utils
  case "$tool" in
    poppler-utils) command -v pdftoppm >/dev/null || missing+=(poppler-utils) ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "presser needs these system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
