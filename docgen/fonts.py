"""字体：公文要求的字体角色、Word 中写入的字体名、PDF 的回退顺序与替代提示。

DOCX 只写字体名（办公电脑上的 Word 自己有这些字体）；PDF 必须嵌入真实字体文件，
所以在本机按回退顺序查找第一个已安装的字体，并告诉用户用了哪个替代。
用户可以把自己有授权的字体放进一个文件夹，用 ``--font-dir`` 或配置 ``字体目录`` 指给 docgen。
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docgen.errors import ConfigError

log = logging.getLogger("docgen")
_SAFE_NAME = re.compile(r"[\w \-]+(:bold)?")


@dataclass(frozen=True)
class Role:
    """一种字体用途：Word 字体名、Word 缺字时的替代名（fontTable altName）、PDF 回退顺序。"""

    key: str
    label: str
    docx: str
    docx_alt: str
    pdf_chain: tuple[str, ...]


# 回退顺序中 “族名:bold” 表示用该族的粗体（如思源宋体粗体代替小标宋）。
DEFAULT_ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role("xbs", "小标宋", "方正小标宋简体", "华文中宋",
             ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong",
              "Noto Serif CJK SC:bold", "FandolSong:bold")),
        Role("fs", "仿宋", "仿宋_GB2312", "仿宋",
             ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "STFangsong", "FandolFang", "Noto Serif CJK SC")),
        Role("ht", "黑体", "黑体", "SimHei",
             ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "FandolHei")),
        Role("kt", "楷体", "楷体_GB2312", "楷体",
             ("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312", "STKaiti", "LXGW WenKai", "AR PL UKai CN", "FandolKai")),
        Role("st", "宋体", "宋体", "SimSun",
             ("宋体", "SimSun", "Noto Serif CJK SC", "FandolSong")),
    )
}
ROLE_BY_LABEL = {r.label: r.key for r in DEFAULT_ROLES.values()}


@dataclass(frozen=True)
class Resolved:
    """某角色在本机解析到的 PDF 字体。"""

    role: Role
    family: str
    bold: bool
    substituted: bool

    def css_family(self) -> str:
        rest = [c.split(":")[0] for c in self.role.pdf_chain if c.split(":")[0] != self.family]
        return ", ".join(f'"{f}"' for f in [self.family, *rest]) + ", serif"

    @property
    def css_weight(self) -> str:
        return "bold" if self.bold else "normal"


def _fontconfig_file(dirs: tuple[str, ...]) -> str | None:
    """为用户字体目录生成 fontconfig 配置文件（包含系统配置），返回路径。"""
    if not dirs:
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "docgen"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        cache = Path(tempfile.gettempdir()) / "docgen-cache"
        cache.mkdir(parents=True, exist_ok=True)
    body = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>"]
    # 用户目录在前：同名字体以用户提供的为准
    body += [f"  <dir>{escape(d)}</dir>" for d in dirs]
    body += ['  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
             f"  <cachedir>{escape(str(cache / 'fontconfig'))}</cachedir>", "</fontconfig>"]
    text = "\n".join(body) + "\n"
    path = cache / f"fonts-{hashlib.sha256(repr(dirs).encode()).hexdigest()[:16]}.conf"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return str(path)


@functools.lru_cache(maxsize=8)
def installed_families(dirs: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """本机（含用户目录）已安装的字体族名 → 样式集合。族名包括中文名（如 仿宋_GB2312）。"""
    if shutil.which("fc-list") is None:
        raise ConfigError("找不到 fc-list：请先运行 make demo（会安装 fontconfig 与字体）")
    env = dict(os.environ)
    conf = _fontconfig_file(dirs)
    if conf:
        env["FONTCONFIG_FILE"] = conf
    out = subprocess.run(["fc-list", "--format", "%{family}|%{style}\n"], capture_output=True, text=True,
                         env=env, check=False).stdout
    fams: dict[str, set[str]] = {}
    for line in out.splitlines():
        if "|" not in line:
            continue
        fam, style = line.split("|", 1)
        styles = {s.strip().lower() for s in style.split(",")}
        for f in fam.split(","):
            fams.setdefault(f.strip(), set()).update(styles)
    return fams


@functools.lru_cache(maxsize=16)
def _ascii_advances(family: str, dirs: tuple[str, ...]) -> dict[str, float]:
    default = {chr(c): 0.5 for c in range(0x20, 0x7F)}
    env = dict(os.environ)
    conf = _fontconfig_file(dirs)
    if conf:
        env["FONTCONFIG_FILE"] = conf
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, env=env,
                              check=False, timeout=30).stdout.strip()
        from fontTools.ttLib import TTFont

        font = TTFont(path, fontNumber=0, lazy=True)
        cmap, hmtx, upm = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
        return {ch: (hmtx[cmap[ord(ch)]][0] / upm if ord(ch) in cmap else 0.5) for ch in default}
    except Exception as exc:  # noqa: BLE001 — 度量只用于微调行宽，读不出时按半个字算
        log.debug("读不出字体 %s 的字宽：%s", family, exc)
        return default


class FontSet:
    """按配置解析全部字体角色；记录替代情况供 CLI 提示。"""

    def __init__(self, dirs: list[str] | tuple[str, ...] = (), chains: dict[str, list[str]] | None = None):
        for d in dirs:
            if not Path(d).is_dir():
                raise ConfigError(f"字体目录不存在：{d}")
        self.dirs = tuple(str(Path(d).resolve()) for d in dirs)
        roles = dict(DEFAULT_ROLES)
        for key, chain in (chains or {}).items():
            rk = ROLE_BY_LABEL.get(key, key)
            if rk not in roles:
                raise ConfigError(f"字体回退配置中的角色“{key}”未知，可用：{'、'.join(ROLE_BY_LABEL)}")
            if not chain:
                raise ConfigError(f"字体回退配置“{key}”不能为空列表")
            for name in chain:
                if not _SAFE_NAME.fullmatch(str(name)):
                    raise ConfigError(f"字体回退配置“{key}”中的字体名“{name}”含有不允许的字符")
            roles[rk] = Role(rk, roles[rk].label, roles[rk].docx, roles[rk].docx_alt, tuple(chain))
        self.roles = roles
        self._resolved: dict[str, Resolved] | None = None

    @property
    def fontconfig_file(self) -> str | None:
        return _fontconfig_file(self.dirs)

    def resolve(self) -> dict[str, Resolved]:
        """每个角色取回退顺序中第一个已安装的字体；一个都没有时报错并说明如何安装。"""
        if self._resolved is not None:
            return self._resolved
        fams = installed_families(self.dirs)
        out: dict[str, Resolved] = {}
        for key, role in self.roles.items():
            for i, entry in enumerate(role.pdf_chain):
                fam, _, style = entry.partition(":")
                if fam in fams and (style != "bold" or "bold" in fams[fam]):
                    out[key] = Resolved(role, fam, style == "bold", i > 0)
                    break
            else:
                raise ConfigError(
                    f"没有可用的{role.label}字体（按顺序找过：{'、'.join(role.pdf_chain)}）。"
                    "请运行 make demo 安装开源字体，或用 --font-dir 指定存放授权字体的文件夹")
        self._resolved = out
        return out

    def ascii_advances(self, key: str) -> dict[str, float]:
        """某角色 PDF 字体里 ASCII 字符的字宽（以字号为单位；汉字与全角标点都是 1）。正文逐行两端对齐要用。
        找不到字体文件或读不出度量时按半个字算。"""
        return _ascii_advances(self.resolve()[key].family, self.dirs)  # 按（字体、字体目录）缓存

    def font_file(self, key: str) -> tuple[str, int]:
        """某角色解析到的字体文件与其在字体集（.ttc）里的序号：画统计图（PIL）用同一款字。"""
        r = self.resolve()[key]
        env = dict(os.environ)
        conf = self.fontconfig_file
        if conf:
            env["FONTCONFIG_FILE"] = conf
        pattern = f"{r.family}:bold" if r.bold else r.family
        out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", pattern], capture_output=True, text=True, env=env,
                             check=False, timeout=30).stdout.strip()
        path, _, index = out.partition("|")
        if not path or not Path(path).is_file():
            raise ConfigError(f"找不到{r.role.label}字体“{r.family}”的字体文件（fc-match 没有给出）")
        return path, int(index or 0)

    def substitutions(self) -> list[str]:
        """中文提示：哪些首选字体不在本机、PDF 用了哪个替代。"""
        msgs = []
        for r in self.resolve().values():
            if r.substituted:
                sub = r.family + ("（粗体）" if r.bold else "")
                msgs.append(f"本机没有“{r.role.pdf_chain[0]}”，PDF 中{r.role.label}改用“{sub}”")
        return msgs
