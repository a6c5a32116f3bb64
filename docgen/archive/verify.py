"""``docgen archive verify``：核对档案员收到的东西——一个档案包文件夹、一个移交 zip，或装着它们的文件夹。

逐包核对：BagIt 清单的校验值（改动、缺少、多出、改名的文件）、标签清单、目录与文件一一对应、档号合乎整理方案、
件号卷号连续不重；跨包：同一全宗内的档号不重复（两处都点名）。每个问题是一个 :class:`Problem`
（种类、包、包内路径、应为、实为），``--format json`` 原样输出。
"""

from __future__ import annotations

import re
import string
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docgen.archive.model import sha256_file
from docgen.archive.numbering import duplicates
from docgen.archive.profile import Profile
from docgen.errors import InputError


@dataclass(frozen=True)
class Problem:
    kind: str  # 改动、缺少、多出、标签、目录、档号格式、号重复、号不连续、档号重复、包
    bundle: str  # 包名（zip 里的包写作 “某.zip:包名”）
    path: str  # 包内路径
    expected: str = ""
    found: str = ""

    def __str__(self) -> str:
        where = f"{self.bundle}/{self.path}" if self.path else self.bundle
        detail = "；".join(x for x in (f"应为 {self.expected}" if self.expected else "",
                                      f"实为 {self.found}" if self.found else "") if x)
        return f"{where}: {self.kind}" + (f"（{detail}）" if detail else "")

    def as_dict(self) -> dict:
        return {"种类": self.kind, "包": self.bundle, "路径": self.path, "应为": self.expected, "实为": self.found}


def _pattern_regex(template: str) -> re.Pattern:
    out = ""
    for literal, field, spec, _ in string.Formatter().parse(template):
        out += re.escape(literal)
        if field:
            if spec.endswith("d"):
                width = int(spec[:-1].lstrip("0") or "1") if spec[:-1] else 1
                out += rf"(?P<{_g(field)}>\d{{{width},}})"
            elif field == "村码":
                out += r"(?P<vc>\d{12})?"  # 县级的件没有村码
            else:
                out += rf"(?P<{_g(field)}>[^-·]+?)"
    return re.compile(out + "$")


def _g(field: str) -> str:
    return {"全宗号": "fonds", "门类": "cls", "年度": "year", "期限": "ret", "机构": "unit", "件号": "no", "卷号": "vol",
            "村码": "vc"}[field]


def find_bundles(path: Path, scratch: Path) -> list[tuple[str, Path]]:
    """(显示名, 包文件夹)。zip 解到 `scratch` 下（调用者负责删）。路径不存在、zip 打不开、找不到包各有各的说法。"""
    if not path.exists():
        raise InputError(f"{path}: 路径不存在（应为档案包文件夹、移交 zip，或装着它们的文件夹）")
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise InputError(f"{path}: 不是档案包（应为档案包文件夹或移交 zip）")
        return _unzip(path, scratch)
    if (path / "bagit.txt").is_file():
        return [(path.name, path)]
    found = [(p.name, p) for p in sorted(path.iterdir()) if p.is_dir() and (p / "bagit.txt").is_file()]
    names = {n for n, _ in found}
    for z in sorted(path.glob("*.zip")):
        if z.stem not in names:  # 包与它的 zip 都在时核对文件夹（zip 是同一个包）
            found += _unzip(z, scratch)
    if not found:
        raise InputError(f"{path}: 没有找到档案包（含 bagit.txt 的文件夹或移交 zip）")
    return found


def _unzip(z: Path, scratch: Path) -> list[tuple[str, Path]]:
    tmp = Path(tempfile.mkdtemp(dir=scratch))
    try:
        with zipfile.ZipFile(z) as zf:
            for info in zf.infolist():
                target = (tmp / info.filename).resolve()
                if not str(target).startswith(str(tmp.resolve()) + "/"):
                    raise InputError(f"{z}: zip 里有越出包的路径 {info.filename!r}，不是 docgen 的移交包")
            zf.extractall(tmp)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"{z}: 移交 zip 打不开（文件不完整或已损坏：{exc}）") from None
    bags = [p for p in sorted(tmp.iterdir()) if p.is_dir() and (p / "bagit.txt").is_file()]
    if not bags:
        raise InputError(f"{z}: zip 里没有档案包（含 bagit.txt 的文件夹）")
    return [(f"{z.name}:{p.name}", p) for p in bags]


def verify_archive(root: Path, profile: Profile) -> list[Problem]:
    """核对 `root`（包、zip 或文件夹）。全部通过时返回空列表。"""
    with tempfile.TemporaryDirectory(prefix="docgen-verify-") as scratch:
        bags = find_bundles(root, Path(scratch))
        patterns = {k: _pattern_regex(v) for k, v in profile["档号"].items()}
        problems: list[Problem] = []
        numbers: list[tuple[str, str, str]] = []
        for name, bag in bags:
            problems += _fixity(name, bag)
            problems += _catalogue(name, bag, patterns, numbers)
        for no, a, b in duplicates(numbers):
            problems.append(Problem("档号重复", b.split("/", 1)[0], b.split("/", 1)[1] if "/" in b else "",
                                    "全宗内唯一的档号", f"“{no}”也用在 {a}"))
        return problems


def _decode(rel: str) -> str:
    return unicodedata.normalize("NFC", rel.strip().replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%"))


def _fixity(name: str, bag: Path) -> list[Problem]:
    out = []
    listed = {}
    manifest = bag / "manifest-sha256.txt"
    if not manifest.is_file():
        return [Problem("缺少", name, "manifest-sha256.txt", "BagIt 清单文件", "没有")]
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, rel = line.split(None, 1)
            listed[_decode(rel)] = digest
    present = {unicodedata.normalize("NFC", p.relative_to(bag).as_posix()): p
               for p in (bag / "data").rglob("*") if p.is_file()}
    by_digest = {}
    for rel in set(present) - set(listed):
        by_digest.setdefault(sha256_file(present[rel]), []).append(rel)
    for rel, digest in sorted(listed.items()):
        p = present.get(rel)
        if p is None:
            moved = by_digest.get(digest)
            if moved:
                out.append(Problem("改名", name, rel, rel, moved.pop(0)))
            else:
                out.append(Problem("缺少", name, rel, "清单中有此文件", "包中没有"))
        else:
            actual = sha256_file(p)
            if actual != digest:
                out.append(Problem("改动", name, rel, f"sha256 {digest}", f"sha256 {actual}"))
    for rel in sorted(r for rels in by_digest.values() for r in rels):
        out.append(Problem("多出", name, rel, "不在清单中", "包中有此文件"))
    tag = bag / "tagmanifest-sha256.txt"
    if tag.is_file():
        for line in tag.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, rel = line.split(None, 1)
                p = bag / rel.strip()
                if not p.is_file():
                    out.append(Problem("标签", name, rel.strip(), "标签文件", "没有"))
                elif sha256_file(p) != digest:
                    out.append(Problem("标签", name, rel.strip(), f"sha256 {digest}", "校验值不符（标签文件被改动）"))
    else:
        out.append(Problem("缺少", name, "tagmanifest-sha256.txt", "标签清单", "没有"))
    info = bag / "bag-info.txt"
    if info.is_file():  # BagIt 1.0 §2.2.2：每行“标签: 值”，续行以空白开头
        for i, line in enumerate(info.read_text(encoding="utf-8").splitlines(), start=1):
            if line and not line[0].isspace() and ":" not in line:
                out.append(Problem("标签", name, f"bag-info.txt:{i}", "“标签: 值”或以空白开头的续行", line[:40]))
    return out


def _ranges(items) -> str:
    """[3, 5] 或 [(3, 9), (12, 12)] → “3、5” / “3–9、12”；太多时只列前 10 段。"""
    pairs = [x if isinstance(x, tuple) else (x, x) for x in items]
    parts = [f"{a}–{b}" if a != b else str(a) for a, b in pairs]
    return "、".join(parts[:10]) + (f" 等 {len(parts)} 处" if len(parts) > 10 else "")


def _fonds(bag: Path) -> str:
    info = bag / "bag-info.txt"
    if info.is_file():
        for line in info.read_text(encoding="utf-8").splitlines():
            if line.startswith("全宗号:"):
                return line.split(":", 1)[1].strip()
    return ""


def _catalogue(name: str, bag: Path, patterns: dict[str, re.Pattern], numbers: list) -> list[Problem]:
    import openpyxl

    out = []
    rel_cat = "data/目录/归档文件目录.xlsx"
    cat = bag / rel_cat
    if not cat.is_file():
        return [Problem("缺少", name, rel_cat, "归档文件目录", "没有")]
    fonds = _fonds(bag)
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
                out.append(Problem("档号格式", name, f"{rel_cat}:{ws.title}", f"整理方案的{kind}档号格式", str(no)))
                continue
            numbers.append((fonds, str(no), f"{name}/{f or rel_cat + ':' + ws.title}"))
            num = int(m.group("no") if kind != "卷" else m.group("vol"))
            unit = str(no)[: m.start("no" if kind != "卷" else "vol")]
            units.setdefault(f"{kind}|{unit}", []).append(num)
            if f:
                listed[unicodedata.normalize("NFC", str(f))] = str(no)
    for key, nums in sorted(units.items()):
        kind, unit = key.split("|", 1)
        from collections import Counter

        dup = sorted(n for n, k in Counter(nums).items() if k > 1)
        if dup:
            out.append(Problem("号重复", name, rel_cat, f"{unit}… 的{kind}号各不相同", f"重复的号 {_ranges(dup)}"))
        have = sorted(set(nums))
        gaps = [(a + 1, b - 1) for a, b in zip([0, *have], have) if b - a > 1]  # 缺的号按区间给，不逐个列（号可以很大）
        if gaps:
            out.append(Problem("号不连续", name, rel_cat, f"{unit}… 的{kind}号从 1 起连续",
                               "缺 " + _ranges([g for g in gaps])))
    files = {unicodedata.normalize("NFC", p.relative_to(bag).as_posix()) for p in (bag / "data").rglob("*")
             if p.is_file() and not p.relative_to(bag / "data").as_posix().startswith(("目录/", "元数据/"))}
    for f in sorted(set(listed) - files):
        out.append(Problem("目录", name, f, "目录中的文件在包中", "包中没有"))
    for f in sorted(files - set(listed)):
        out.append(Problem("目录", name, f, "包中的文件都在目录中", "目录中没有"))
    return out
