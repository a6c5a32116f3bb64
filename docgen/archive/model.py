"""档案整理的数据：待归档的一件（Doc）、已编号的件与卷、盒、一个村（或县级）的档案包。只有数据与路径安全，
不含规则（编号见 :mod:`numbering`，装盒见 :mod:`boxing`，完整性见 :mod:`completeness`）。"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import InputError
from docgen.util.fs import safe_filename

COUNTY = "000000000000"  # 县级（不属于任何村）的包


@dataclass
class Doc:
    """一个待归档的文件（一件）。"""

    source: Path
    key: str  # 稳定标识：来源文件夹名/相对路径（编号登记据此保持件号不变）
    doc_type: str
    village: str  # 村代码（12 位）；县级文件为 ""
    household: str = ""  # 户编号
    title: str = ""
    date: dt.date | None = None
    author: str = ""
    doc_no: str = ""
    secrecy: str = ""
    pages: int = 1
    note: str = ""
    docgen_pdf: bool = False  # docgen 自己生成的 PDF（归档时转存 PDF/A 保存版）
    pdfa: bool = False  # 已是 PDF/A-2（Typst 直接排出的户档、公示名单）：原样作保存版
    sha256: str = ""  # 批处理已算过的校验值（文件夹里清点来的为空，放入包时再算）


@dataclass
class Collection:
    docs: list[Doc] = field(default_factory=list)
    unknown: list[Path] = field(default_factory=list)  # 认不出类型的文件
    households: dict[str, dict] = field(default_factory=dict)  # 户编号 → {head, village, village_name}
    villages: dict[str, str] = field(default_factory=dict)  # 村码 → 村名
    unhoused: list[Path] = field(default_factory=list)  # 属于户卷的文件类型，却认不出是哪一户（不编号，报出）


@dataclass
class Item:
    """已编号的一件（可能属于某个户卷）。"""

    doc: Doc
    year: int
    category: str
    retention: str
    unit_code: str  # 机构(问题)代码（类别代码）
    number: int  # 件号（卷内为卷内件号）
    archival_no: str  # 档号
    volume: "Volume | None" = None
    added: str = ""  # 首次建档后追加的日期（备考表记载）
    path: str = ""  # 在包内的相对路径（data/ 下）
    sha256: str = ""
    size: int = 0
    box: int = 0


@dataclass
class Volume:
    household: str
    head: str
    number: int
    archival_no: str
    year: int
    category: str
    retention: str
    unit_code: str
    items: list[Item] = field(default_factory=list)
    box: int = 0

    @property
    def pages(self) -> int:
        return sum(i.doc.pages for i in self.items)


@dataclass
class Box:
    number: int
    year: int
    category: str
    retention: str
    units: list  # Item 或 Volume
    pages: int
    spine_mm: int

    @property
    def first_last(self) -> tuple[str, str]:
        nums = [u.archival_no for u in self.units]
        return nums[0], nums[-1]


@dataclass
class Bundle:
    village: str
    village_name: str
    items: list[Item] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    completeness: list[dict] = field(default_factory=list)

    @property
    def dirname(self) -> str:
        """包的文件夹名：村代码-村名；不知道村名时只用村代码（不写成“县级”）；县级的包为 000000000000-县级。"""
        if self.village == COUNTY:
            return safe_component(f"{COUNTY}-县级")
        return safe_component(f"{self.village}-{self.village_name}" if self.village_name else self.village)


def safe_component(name: str, limit: int | None = None) -> str:
    """档案包内的文件夹与文件名：`limit` 是字数（整理方案的“命名.最长”、Excel 工作表名 31 字）。"""
    return safe_filename(name, chars=limit) if limit else safe_filename(name)


def safe_join(root: Path, *parts: str) -> Path:
    """拼出包内路径并确认没有逃出 root。"""
    p = root.joinpath(*[safe_component(x) for x in parts])
    rp = p.resolve()
    if not str(rp).startswith(str(root.resolve()) + os.sep):
        raise InputError(f"生成的路径越出了档案文件夹：{p}")
    return p


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def mkdir(p: Path) -> Path:
    """建文件夹（与其他输出一样 755，不随 umask 或临时文件夹的 700）。"""
    p.mkdir(parents=True, exist_ok=True)
    os.chmod(p, 0o755)
    return p
