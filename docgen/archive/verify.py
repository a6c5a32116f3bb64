"""``docgen archive verify``：逐包核对校验值（BagIt 清单）、目录与文件一一对应、档号连续不重、档号合乎整理方案。
每个问题都给出包内路径；全部通过才返回空列表。"""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

from docgen.archive.build import sha256_file
from docgen.archive.profile import Profile


def _pattern_regex(template: str) -> re.Pattern:
    out = ""
    for literal, field, spec, _ in string.Formatter().parse(template):
        out += re.escape(literal)
        if field:
            if spec.endswith("d"):
                width = int(spec[:-1].lstrip("0") or "1") if spec[:-1] else 1
                out += rf"(?P<{_g(field)}>\d{{{width},}})"
            else:
                out += rf"(?P<{_g(field)}>[^-·]+)" if field != "村码" else r"(?P<vc>\d{12})"
    return re.compile(out + "$")


def _g(field: str) -> str:
    return {"全宗号": "fonds", "门类": "cls", "年度": "year", "期限": "ret", "机构": "unit", "件号": "no", "卷号": "vol",
            "村码": "vc"}[field]


def verify_archive(root: Path, profile: Profile) -> list[str]:
    problems: list[str] = []
    bags = sorted(p for p in root.iterdir() if (p / "bagit.txt").is_file()) if root.is_dir() else []
    if not bags:
        return [f"{root}: 没有找到档案包（含 bagit.txt 的文件夹）"]
    patterns = {k: _pattern_regex(v) for k, v in profile["档号"].items()}
    for bag in bags:
        problems += _fixity(bag)
        problems += _catalogue(bag, patterns)
    return problems


def _fixity(bag: Path) -> list[str]:
    out = []
    listed = {}
    manifest = bag / "manifest-sha256.txt"
    if not manifest.is_file():
        return [f"{bag.name}/manifest-sha256.txt: 缺少清单文件"]
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, rel = line.split(None, 1)
        rel = rel.strip().replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        listed[unicodedata.normalize("NFC", rel)] = digest
    present = {unicodedata.normalize("NFC", p.relative_to(bag).as_posix()): p
               for p in (bag / "data").rglob("*") if p.is_file()}
    for rel, digest in sorted(listed.items()):
        p = present.get(rel)
        if p is None:
            out.append(f"{bag.name}/{rel}: 缺少文件（清单中有，包中没有）")
        elif sha256_file(p) != digest:
            out.append(f"{bag.name}/{rel}: 校验值不符（文件被改动）")
    for rel in sorted(set(present) - set(listed)):
        out.append(f"{bag.name}/{rel}: 多出的文件（不在清单中）")
    tag = bag / "tagmanifest-sha256.txt"
    if tag.is_file():
        for line in tag.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, rel = line.split(None, 1)
                p = bag / rel.strip()
                if not p.is_file() or sha256_file(p) != digest:
                    out.append(f"{bag.name}/{rel.strip()}: 标签文件校验值不符或缺失")
    else:
        out.append(f"{bag.name}/tagmanifest-sha256.txt: 缺少标签清单")
    return out


def _catalogue(bag: Path, patterns: dict[str, re.Pattern]) -> list[str]:
    import openpyxl

    out = []
    cat = bag / "data" / "目录" / "归档文件目录.xlsx"
    if not cat.is_file():
        return [f"{bag.name}/data/目录/归档文件目录.xlsx: 缺少归档文件目录"]
    wb = openpyxl.load_workbook(cat, read_only=True)
    listed: dict[str, str] = {}  # 文件 → 档号
    units: dict[str, list[int]] = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        if not rows:
            continue
        header = list(rows[0])
        if "档号" not in header or "文件" not in header:
            continue
        ci, fi = header.index("档号"), header.index("文件")
        for r in rows[1:]:
            no, f = r[ci], r[fi]
            if not no:
                continue
            kind = "卷内件" if ws.title == "卷内目录" else ("卷" if not f else "件")
            m = patterns[kind].match(str(no))
            if not m:
                out.append(f"{bag.name}/data/目录/归档文件目录.xlsx:{ws.title}: 档号“{no}”不符合整理方案的{kind}档号格式")
                continue
            num = int(m.group("no") if kind != "卷" else m.group("vol"))
            unit = str(no)[: m.start("no" if kind != "卷" else "vol")]
            units.setdefault(f"{kind}|{unit}", []).append(num)
            if f:
                listed[unicodedata.normalize("NFC", str(f))] = str(no)
    for key, nums in sorted(units.items()):
        kind, unit = key.split("|", 1)
        dup = sorted({n for n in nums if nums.count(n) > 1})
        if dup:
            out.append(f"{bag.name}: {unit}… 的{kind}号重复：{dup}")
        expect = set(range(1, max(nums) + 1))
        gaps = sorted(expect - set(nums))
        if gaps:
            out.append(f"{bag.name}: {unit}… 的{kind}号不连续，缺 {gaps}")
    files = {unicodedata.normalize("NFC", p.relative_to(bag).as_posix()) for p in (bag / "data").rglob("*")
             if p.is_file() and not p.relative_to(bag / "data").as_posix().startswith(("目录/", "元数据/"))}
    for f in sorted(set(listed) - files):
        out.append(f"{bag.name}/{f}: 目录中有，包中没有")
    for f in sorted(files - set(listed)):
        out.append(f"{bag.name}/{f}: 包中有，目录中没有")
    return out
