#!/usr/bin/env bash
# Installs everything Kaifaqu needs on a fresh Debian machine. Idempotent; safe to run again.
#   scripts/bootstrap.sh            platform: Debian packages, Python venv, pinned pip packages, translations
#   scripts/bootstrap.sh --browser  also Debian's chromium for the end-to-end tests
set -euo pipefail
cd "$(dirname "$0")/.."

# gettext: translations; fonts-noto-cjk, fonts-arphic-ukai: Chinese fonts for the bulletin (宋/仿宋, 黑体, 楷体);
# pango: WeasyPrint's text layout.
packages=(gettext fonts-noto-cjk fonts-arphic-ukai fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [[ "${1:-}" == "--browser" ]]; then
  # Tests: a real browser, and a real office suite that must open the bulletins we write.
  packages+=(chromium libreoffice-writer-nogui poppler-utils)
fi
sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then sudo_cmd=(sudo); fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The 公文 fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) stood in by the installed ones: see the file.
fonts_conf=deploy/fontconfig/65-kaifaqu-gongwen.conf
if ! cmp -s "$fonts_conf" "/etc/fonts/conf.d/$(basename "$fonts_conf")"; then
  echo "==> installing the fontconfig fallbacks of the bulletin's fonts"
  "${sudo_cmd[@]}" install -m 644 "$fonts_conf" /etc/fonts/conf.d/
fi

python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null || python_bin=python3
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv with $($python_bin --version)"
  "$python_bin" -m venv .venv
fi
if ! cmp -s requirements.txt .venv/.requirements.installed 2>/dev/null; then
  echo "==> installing Python packages (requirements.txt)"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  cp requirements.txt .venv/.requirements.installed
fi
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv
