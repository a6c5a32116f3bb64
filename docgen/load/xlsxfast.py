"""快速读取 .xlsx 的单元格值（只读值，不读样式以外的东西）。

openpyxl 逐格建对象，读三万行的导出表要二十多秒；这里用 lxml 流式解析工作表 XML，
共享字符串、内联字符串、数字、布尔都支持，日期按单元格的数字格式识别。合并单元格等版式信息不读——
需要它们的地方（任务清单）仍用 openpyxl。
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from array import array
from typing import Iterator

from lxml import etree

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
DATE_BUILTIN = set(range(14, 23)) | {45, 46, 47}
EPOCH = dt.datetime(1899, 12, 30)
EPOCH_1904 = dt.datetime(1904, 1, 1)


class UncomputedFormula(Exception):
    """单元格是公式，但文件里没有它的计算结果。"""

    def __init__(self, row: int, ref: str, formula: str, stale: bool = False):
        super().__init__(ref)
        self.row, self.ref, self.formula, self.stale = row, ref, formula, stale


def _col(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch.isalpha():
            n = n * 26 + ord(ch.upper()) - 64
        else:
            break
    return n


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{NS}t"))


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)\"")


def _cell(ref: str) -> tuple[int, int]:
    col = _col(ref)
    return int(ref[len(re.match(r"[A-Za-z]+", ref).group(0)):]), col


def _range(ref: str) -> tuple[int, int, int, int]:
    a, _, b = ref.partition(":")
    r0, c0 = _cell(a)
    r1, c1 = _cell(b or a)
    return min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)


class SharedStrings:
    """共享字符串表，紧凑存放（UTF-8 连成一串 + 偏移）：五万户的导出表有几十万个不同的姓名、证件号码，
    逐个做成 Python 字符串要多占几十 MB。"""

    def __init__(self, source=None) -> None:
        self._buf = bytearray()
        self._ends = array("Q")
        # 按需解析：只看表头（如判断导出表的月份）时不必把几十万个字符串都读出来
        self._iter = etree.iterparse(source, tag=f"{NS}si", resolve_entities=False, no_network=True) \
            if source is not None else None

    def _more(self, i: int) -> None:
        it = self._iter
        while it is not None and len(self._ends) <= i:
            try:
                _, si = next(it)
            except StopIteration:
                self._iter = it = None
                break
            self.append(_text(si))
            si.clear()
            while si.getprevious() is not None:  # 已读的兄弟元素也删掉，否则树仍随字符串数增长
                del si.getparent()[0]

    def append(self, text: str) -> None:
        self._buf += text.encode("utf-8")
        self._ends.append(len(self._buf))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        if i >= len(self._ends):
            self._more(i)
            if i >= len(self._ends):
                raise IndexError(i)
        start = self._ends[i - 1] if i > 0 else 0
        return self._buf[start:self._ends[i]].decode("utf-8")


class FastWorkbook:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        names = set(self.z.namelist())
        wb = etree.fromstring(self.z.read("xl/workbook.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
        pr = wb.find(f"{NS}workbookPr")
        # 1904 日期系统（Mac 版 Excel 的旧文件）：序号从 1904-01-01 起算
        self.epoch = EPOCH_1904 if pr is not None and pr.get("date1904") in ("1", "true") else EPOCH
        # 写文件的程序要求“打开时全部重算”（XlsxWriter 等存的公式结果只是占位的 0）：公式格里的值不可信
        calc = wb.find(f"{NS}calcPr")
        self.stale_formulas = calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")
        rels = etree.fromstring(self.z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        self.sheets: list[tuple[str, str]] = []
        for s in wb.iter(f"{NS}sheet"):
            t = target[s.get(REL)]
            p = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
            self.sheets.append((s.get("name"), p))
        self.shared = SharedStrings(
            self.z.open("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in names else None)
        self.date_styles: set[int] = set()
        if "xl/styles.xml" in names:
            st = etree.fromstring(self.z.read("xl/styles.xml"))
            custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in st.iter(f"{NS}numFmt")}
            xfs = st.find(f"{NS}cellXfs")
            for i, xf in enumerate(xfs if xfs is not None else []):
                fid = int(xf.get("numFmtId", "0"))
                code = re.sub(r'"[^"]*"|\[[^\]]*\]', "", custom.get(fid, ""))
                if fid in DATE_BUILTIN or (fid in custom and re.search(r"[yd]", code, re.I)):
                    self.date_styles.add(i)

    def merges(self, sheet_path: str) -> list[tuple[int, int, int, int]]:
        """工作表的合并区域 [(首行, 首列, 末行, 末列)]（从 1 起）。合并区域写在工作表 XML 的末尾，
        这里只把 XML 解压扫一遍找 mergeCell（不建树），读行之前就知道表头与数据里哪些格是合并的。"""
        out, tail = [], b""
        with self.z.open(sheet_path) as fh:
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                start = buf.find(b"mergeCell")
                if start >= 0:
                    end = buf.rfind(b"/>")
                    for m in _MERGE.finditer(buf, start, end + 2 if end >= 0 else len(buf)):
                        out.append(_range(m.group(1).decode()))
                    tail = buf[end + 2:] if end >= 0 else buf[-4096:]
                else:
                    tail = buf[-64:]
        return sorted(set(out))

    def rows(self, sheet_path: str) -> Iterator[tuple[int, list]]:
        """逐行给出 (行号, 值列表)；空行不出现。"""
        C, V, IS, T, F = f"{NS}c", f"{NS}v", f"{NS}is", f"{NS}t", f"{NS}f"
        shared, date_styles, epoch, stale = self.shared, self.date_styles, self.epoch, self.stale_formulas
        r = 0
        for _, row in etree.iterparse(self.z.open(sheet_path), tag=f"{NS}row", resolve_entities=False, no_network=True):
            rr = row.get("r")
            r = int(rr) if rr else r + 1
            vals: list = []
            for c in row:
                if c.tag != C:
                    continue
                ref = c.get("r")
                if ref is not None:
                    col = _col(ref)
                    if col > len(vals) + 1:
                        vals.extend([None] * (col - 1 - len(vals)))
                t = c.get("t")
                val = None
                formula = None
                for child in c:  # <f>、<v> 或 <is>
                    tag = child.tag
                    if tag == F:
                        formula = child.text or ""
                        continue
                    if tag == V:
                        text = child.text
                        if text is None:
                            break
                        if t == "s":
                            val = shared[int(text)]
                        elif t in ("str", "e"):
                            val = text
                        elif t == "b":
                            val = text == "1"
                        else:
                            num = float(text)
                            if date_styles and int(c.get("s", "0")) in date_styles:
                                try:
                                    val = epoch + dt.timedelta(days=num)
                                except OverflowError:  # 设成日期格式的大数（如 19800101）：原样给出数值，由校验报错
                                    val = int(num) if num.is_integer() else num
                            else:
                                val = int(num) if num.is_integer() else num
                        break
                    if tag == IS:
                        first = child[0] if len(child) == 1 else None
                        val = first.text if first is not None and first.tag == T else _text(child)
                        break
                if formula is not None and (val is None or stale):
                    # 公式没有保存计算结果（程序生成、没在 Excel 里打开保存过）：当成空格就悄悄少算了钱
                    raise UncomputedFormula(r, ref or "", formula, stale=val is not None)
                vals.append(val)
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            yield r, vals

    def close(self) -> None:
        self.z.close()
