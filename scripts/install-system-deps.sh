#!/usr/bin/env bash
# 安装 docgen 渲染所需的系统依赖与开源字体（Debian 12，root）。可重复执行。
#  - libharfbuzz-subset0：WeasyPrint 快速子集化字体所必需（缺少时静默慢约 50 倍）
#  - fonts-noto-cjk：思源宋体/黑体（Noto Serif/Sans CJK SC），小标宋、黑体、宋体的替代
#  - fonts-lxgw-wenkai、fonts-arphic-ukai：楷体的替代
#  - FandolFang（仿宋）：取自 texlive-lang-chinese，只解出字体文件，不安装 TeX Live
#  - fontconfig、poppler-utils：字体查询、PDF 检查工具
#  - libjemalloc2：批处理的工作进程用它代替 glibc malloc（Typst 排户档 PDF 约快一成，见 docgen/util/procs.py）
#  加 --test：另装 LibreOffice Writer（测试中用真正的字处理软件排 DOCX 并测量版面）、
#  Chromium 与 ChromeDriver（测试中用真正的浏览器操作工作台）
set -euo pipefail
PKGS=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-cjk fonts-lxgw-wenkai fonts-arphic-ukai poppler-utils libjemalloc2)
if [ "${1:-}" = "--test" ]; then PKGS+=(libreoffice-writer-nogui chromium chromium-driver); fi
FANDOL_DIR=/usr/local/share/fonts/docgen-fandol

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "docgen：需要 root 权限安装系统依赖（${PKGS[*]}），请以 root 运行或安装 sudo。" >&2; exit 1
  fi
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "docgen：安装系统依赖 ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$FANDOL_DIR/FandolFang-Regular.otf" ]; then
  echo "docgen：从 texlive-lang-chinese 提取 Fandol 字体（仿宋、楷体、黑体、宋体）"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  chmod 755 "$tmp"
  ( cd "$tmp" && $SUDO apt-get download -qq texlive-lang-chinese >/dev/null 2>&1 ) || {
    $SUDO apt-get update -qq; ( cd "$tmp" && $SUDO apt-get download -qq texlive-lang-chinese >/dev/null ); }
  dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
  $SUDO mkdir -p "$FANDOL_DIR"
  $SUDO cp "$tmp"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/Fandol{Fang,Kai,Hei,Song}-*.otf "$FANDOL_DIR/"
  $SUDO cp "$tmp"/x/usr/share/doc/texlive-lang-chinese/copyright "$FANDOL_DIR/COPYRIGHT.texlive-lang-chinese" 2>/dev/null || true
  $SUDO fc-cache -f "$FANDOL_DIR" >/dev/null
fi
