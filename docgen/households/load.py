"""读取导出表（xlsx、csv、yaml），照用户手里的样子读：

- 表头不一定在第 1 行：前 20 行中找表头（上面常有合并的标题行，如“贫困户成员信息表（截至2020年12月）”）；
  两行表头（上行是合并的组，如“财产性收入”，下行是子列）合成不含糊的列名（“其他”在“财产性收入”下即“其他财产性收入”）；
- 什么都不悄悄丢掉：认不出的工作表、docgen 不用的列、重复或含糊的列、与数据合并的表头格、没有表头却有数据的列，
  都是带位置（文件:工作表:行:列）的问题；收入表里认不出的列是错误（除非 docgen.yml 的“列名映射”写明它是什么）；
- 数据区里纵向合并的格（如一户几行合并的户编号）按用户看到的样子补到每一行；
- 文件夹照用户的习惯放：Excel 的锁定文件（~$*.xlsx）、隐藏与临时文件跳过并说明；.xls、.ods、加密的工作簿给出怎么办的提示；
  同一文件夹里不同月份的导出表按期别选一份，选不了就列出来说明怎么选。

行逐行读出（大表不整张放进内存）；每个值都记着用户看到的位置。
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from docgen.errors import InputError, Issue, IssueCollector, Location
from docgen.households.columns import (
    ALL_KNOWN,
    BY_LABEL,
    IGNORE,
    KINDS,
    KNOWN,
    LABELS,
    clean,
    combine,
    group_totals,
    kind_of,
    standard,
)
from docgen.load.package import package_problem
from docgen.util.text import CONTROL as _CONTROL  # 不可见的控制字符：一处定义

HEADER_SCAN = 20  # 在前多少行里找表头
DATA_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".yaml", ".yml")


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Row:
    file: str
    sheet: str | None
    row: int  # 按 Excel 的行号
    values: dict[str, Any]  # 标准表头 → 值
    headers: dict[str, str]  # 标准表头 → 用户写的表头

    def loc(self, field_name: str | None = None) -> Location:
        return Location(self.file, self.sheet, self.row, self.headers.get(field_name, field_name) if field_name else None)

    def text(self, name: str) -> str:
        v = self.values.get(name)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (dt.datetime, dt.date)):
            return v.strftime("%Y-%m-%d")
        return str(v).strip()


@dataclass
class Table:
    kind: str
    file: str
    sheet: str | None
    rows: list[Row] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    header_row: int = 1  # 表头（两行表头时为下一行）所在的行
    header_first: int = 1


@dataclass
class Sheet:
    """一张认出的表，行还没读（逐行迭代 `rows`，大表不必整张放进内存）。

    `norm`：每列的标准表头（不读的列为空串）；`headers`：标准表头 → 用户看到的表头。
    迭代完 `rows` 后，`issues` 里另有“没有表头却有数据的列”。"""

    kind: str
    file: str
    sheet: str | None
    norm: list[str]
    headers: dict[str, str]
    header_first: int
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    period: tuple[int, int] | None = None
    issues: list[Issue] = field(default_factory=list)
    data_rows: int = 0

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass(frozen=True)
class SheetInfo:
    """check 的小结里每张表一行：哪一行是表头、认成什么表、读了多少行。"""

    file: str
    sheet: str | None
    kind: str | None
    header_first: int | None
    header_row: int | None
    data_rows: int

    def describe(self) -> str:
        where = f"{self.file}:{self.sheet}" if self.sheet else self.file
        if self.kind is None:
            return f"{where}：没有认出（未读取）"
        if self.header_row is None:  # YAML
            return f"{where}：读作{LABELS[self.kind]}表，{self.data_rows} 条记录"
        rows = (f"第 {self.header_row} 行" if self.header_first == self.header_row
                else f"第 {self.header_first}–{self.header_row} 行（两行表头）")
        return f"{where}：{rows}为表头，读作{LABELS[self.kind]}表，{self.data_rows} 行数据"


# ---------------------------------------------------------------- 表头


class _Aliases:
    """docgen.yml 的“列名映射”：按工作表名（认表之前用）或表名（认出是哪种表之后用）。"""

    def __init__(self, config: dict[str, dict[str, str]] | None, sheet: str | None, file: str):
        config = config or {}
        self.by_sheet = {**config.get(file, {}), **config.get(sheet or "", {})}
        self.config = config
        self.any_table: dict[str, str] = {}  # 认表时：各表的映射合起来用（认出是哪种表之后只用那种表的）
        for label in BY_LABEL:
            for k, v in config.get(label, {}).items():
                self.any_table.setdefault(k, v)

    def name(self, raw: Any, kind: str | None = None, also: tuple = ()) -> str:
        """列名映射里写的任何一种写法（合成的列名 `raw`，以及 `also`：用户看到的“组/子列”、子列本身）→ 标准列名；
        都不在映射里时按内置别名规范 `raw`。"""
        table = self.config.get(LABELS[kind], {}) if kind is not None else self.any_table
        for user in (raw, *also):
            if not user:
                continue
            c = clean(user)
            if c in self.by_sheet:
                return self.by_sheet[c]
            if c in table:
                return table[c]
        return standard(raw)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


@dataclass
class _Header:
    first: int
    last: int
    user: list[str]  # 每列用户看到的表头（两行表头时为“组/子列”）
    raw_names: list[str]  # 每列的名字（别名、组合之后，列名映射的表名一级之前）
    subs: list[str] = field(default_factory=list)  # 两行表头时每列的子列（下行）原文


def _single(rownum: int, vals: list) -> _Header:
    user = [_text(v) for v in vals]
    return _Header(rownum, rownum, user, user, [""] * len(user))


def _double(top: tuple[int, list], bottom: tuple[int, list], merges) -> _Header | None:
    """两行表头：上行的横向合并格是组，下行是子列；纵向合并（跨两行）的格是单独一列。"""
    (r, tv), (r2, bv) = top, bottom
    if r2 != r + 1:
        return None
    width = max(len(tv), len(bv))
    tv = [_text(v) for v in tv] + [""] * (width - len(tv))
    bv = [_text(v) for v in bv] + [""] * (width - len(bv))
    if not any(bv) or not any(tv):
        return None
    spans = {}  # 列 → 该列所在的上行横向合并的首列
    vertical = set()
    for r0, c0, r1, c1 in merges:
        if r0 == r and r1 >= r + 1:
            vertical.update(range(c0, c1 + 1))
        elif r0 == r and r1 == r and c1 > c0:
            for c in range(c0, c1 + 1):
                spans[c] = c0
    have_merges = bool(spans or vertical)
    user, names, subs, group = [], [], [], ""
    for j in range(1, width + 1):
        t, b = tv[j - 1], bv[j - 1]
        subs.append(b)
        if j in vertical:
            user.append(t)
            names.append(t)
            group = ""
            continue
        if j in spans:
            g = tv[spans[j] - 1]
        elif t:
            g = t
        elif not have_merges and group and b:  # 没有合并信息（如 CSV）：组名向右延续到空格
            g = group
        else:
            g = ""
        group = g if g and b else ""
        if g and b:
            user.append(f"{g}/{b}")
            names.append(combine(g, b))
        else:
            user.append(g or b)
            names.append(g or b)
    return _Header(r, r2, user, names, subs)


def _score(names: list[str]) -> int:
    return sum(1 for n in names if standard(n) in ALL_KNOWN)


def find_header(buffer: list[tuple[int, list]], merges, aliases: _Aliases) -> tuple[_Header, str] | None:
    """前 20 行中最像表头的一行（或两行）：能认出表的种类、认得的列最多；一样多时取一行的。"""
    best = None
    # 既有格纵向合并到下一行、又有横向合并的组的行：只能是两行表头的上行
    spans_down = {r0 for r0, _, r1, _ in merges if r1 == r0 + 1} & {r0 for r0, c0, r1, c1 in merges if r1 == r0 and c1 > c0}
    for i, (rn, vals) in enumerate(buffer):
        filled = sum(1 for v in vals if v not in (None, ""))
        # 只有一个格有字的行（标题、“帮扶责任人”这类说明）不能当一行表头；纵向合并到下一行的行也不能
        cands = [_single(rn, vals)] if filled >= 2 and rn not in spans_down else []
        if i + 1 < len(buffer):
            d = _double((rn, vals), buffer[i + 1], merges)
            if d is not None:
                cands.append(d)
        for h in cands:
            names = [aliases.name(n, None, (u, b)) if n else "" for n, u, b in zip(h.raw_names, h.user, h.subs)]
            kind = kind_of(n for n in names if n)
            if kind is None:
                continue
            score = (_score(names), h.first == h.last)  # 认得的列一样多时取一行的表头
            if best is None or score > best[0]:
                best = (score, h, kind)
    if best is None:
        return None
    return best[1], best[2]


PERIOD_IN_TITLE = re.compile(r"截[至止](\d{4})\s*年\s*(\d{1,2})\s*月")
# 文件名里的月份：2020-12、202012、2020年12月；后面还跟着日（2021-01-05、20210105）的是导出日期，不当月份
PERIOD_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?:[-_.年]?)(0[1-9]|1[0-2]|[1-9](?=月))月?(?![-_.]?\d)")


def period_of(name: str, title_rows: list[list]) -> tuple[int, int] | None:
    """导出表自己写的月份：标题里的“截至2020年12月”，否则文件名里的 2020-12 / 202012 / 2020年12月。"""
    for vals in title_rows:
        for v in vals:
            if isinstance(v, str):
                m = PERIOD_IN_TITLE.search("".join(v.split()))
                if m:
                    return int(m.group(1)), int(m.group(2))
    m = PERIOD_IN_NAME.search(Path(name).stem)
    if m:
        return int(m.group(1)), int(m.group(2))
    return None


class _Builder:
    """把一张表的表头分析成 :class:`Sheet`，并报出表头一级的问题。"""

    def __init__(self, file: str, sheet: str | None, aliases_config, collector: IssueCollector):
        self.file, self.sheet, self.c = file, sheet, collector
        self.aliases = _Aliases(aliases_config, sheet, file)

    def loc(self, row: int | None, col: int | None = None, header: str = "") -> Location:
        field_name = header or (f"{col_letter(col)} 列" if col else None)
        return Location(self.file, self.sheet, row, field_name)

    def build(self, rows: Iterator[tuple[int, list]], merges: list[tuple[int, int, int, int]]) -> Sheet | None:
        buffer: list[tuple[int, list]] = []
        for item in rows:
            if any(v not in (None, "") for v in item[1]):
                buffer.append(item)
            if len(buffer) >= HEADER_SCAN:
                break
        if not buffer:
            return None
        found = find_header(buffer, merges, self.aliases)
        if found is None:
            self.c.warning(Location(self.file, self.sheet), "SHEET001",
                           f"没有认出这张表（前 {HEADER_SCAN} 行中找不到表头），未读取。docgen 认得的表："
                           + "；".join(f"{label}表（要有{'、'.join(f'“{n}”' for n in sorted(need))}列）"
                                       for need, label in KINDS.values()))
            return None
        h, kind = found
        title_rows = [vals for rn, vals in buffer if rn < h.first]
        period = period_of(self.file, title_rows)
        norm, headers = self._columns(h, kind)
        self._merges(h, merges, norm)
        rest = [item for item in buffer if item[0] > h.last]
        sheet = Sheet(kind, self.file, self.sheet, norm, headers, h.first, h.last, iter(()), period)
        sheet.rows = self._data(sheet, h, rest, rows, merges)
        return sheet

    def _columns(self, h: _Header, kind: str) -> tuple[list[str], dict[str, str]]:
        known = KNOWN[kind]
        norm: list[str] = []
        headers: dict[str, str] = {}
        first_col: dict[str, int] = {}
        for j, (user, raw, sub) in enumerate(zip(h.user, h.raw_names, h.subs), start=1):
            if not user:
                norm.append("")
                continue
            name = self.aliases.name(raw, kind, (user, sub))
            loc = self.loc(h.last, j, user)
            if name == IGNORE:
                norm.append("")
                continue
            if name not in known:
                if kind == "income":
                    self.c.error(loc, "INC002",
                                 f"不认识的收入列“{user}”：不知道它算哪一类收入，既不能计入也不能漏算。请在 docgen.yml 的"
                                 f"“列名映射”中写明，如 列名映射: {{家庭收入: {{{user}: 工资性收入}}}}（不计入纯收入的写"
                                 f"“临时救助”等不计入项目，确实不用的写“{IGNORE}”）")
                else:
                    self.c.warning(loc, "COL001",
                                   f"docgen 不使用“{user}”列（{LABELS[kind]}表），其中的数据未读；若它就是某个标准列，请在 docgen.yml"
                                   f"的“列名映射”中写明（如 {LABELS[kind]}: {{{user}: 标准列名}}），不需要的写“{IGNORE}”")
                norm.append("")
                continue
            if name in first_col:
                other = first_col[name]
                self.c.error(loc, "COL002",
                             f"“{user}”（{col_letter(j)} 列）与“{headers[name]}”（{col_letter(other)} 列）都读作“{name}”，"
                             f"一列会盖掉另一列：请删去一列，或在 docgen.yml 的“列名映射”中把其中一列映射为别的列或“{IGNORE}”")
                norm.append("")
                continue
            first_col[name] = j
            headers[name] = user
            norm.append(name)
        if kind == "income":
            for total, subs in group_totals(headers):
                j = first_col[total]
                self.c.error(self.loc(h.last, j, headers[total]), "INC003",
                             f"“{headers[total]}”是合计，表里又有它的子项（{'、'.join(headers[x] for x in subs)}），两者都计入就重复了："
                             f"请删去合计列或子项，或在 docgen.yml 的“列名映射”中把其中一种写成“{IGNORE}”")
        return norm, headers

    def _merges(self, h: _Header, merges, norm: list[str]) -> None:
        for r0, c0, r1, c1 in merges:
            ref = f"{col_letter(c0)}{r0}:{col_letter(c1)}{r1}"
            header = next((h.user[c - 1] for c in range(c0, min(c1, len(h.user)) + 1) if h.user[c - 1]), "")
            if r0 <= h.last < r1:
                self.c.error(self.loc(h.last, c0, header), "COL003",
                             f"表头单元格与下面的数据行合并了（{ref}），数据读不准：请取消合并后再试")
            elif r0 < h.first <= r1:
                self.c.error(self.loc(h.first, c0, header), "COL003",
                             f"上面的标题与表头合并在一起（{ref}），表头读不准：请取消合并，把标题与表头分在不同行")

    def _data(self, sheet: Sheet, h: _Header, rest, rows, merges):
        """数据行：纵向合并的格补到每一行；没有表头却有数据的列记下来（迭代完报出）。"""
        width = len(sheet.norm)
        blank = [j for j in range(width) if not h.user[j]]
        data_merges = sorted((r0, c0, r1, c1) for r0, c0, r1, c1 in merges if r0 > h.last)
        vertical = [m for m in data_merges if m[1] == m[3] and m[2] > m[0]]
        for r0, c0, r1, c1 in data_merges:
            if c1 > c0:
                header = h.user[c0 - 1] if c0 - 1 < width else ""
                sheet.issues.append(Issue(self.loc(r0, c0, header), "COL004",
                                          f"数据区有跨列合并的单元格（{col_letter(c0)}{r0}:{col_letter(c1)}{r1}），"
                                          f"只在第一列读到值，其余各列为空", "warning"))
        unheaded: dict[int, int] = {}
        active: list[tuple[int, int, Any]] = []  # (末行, 列, 值)
        vi = 0

        def fill(rn: int, vals: list):
            nonlocal vi, active
            if active:
                active = [a for a in active if a[0] >= rn]
            for end, c, v in active:
                if c - 1 < len(vals):
                    if vals[c - 1] in (None, ""):
                        vals[c - 1] = v
                else:
                    vals.extend([None] * (c - 1 - len(vals)) + [v])
            while vi < len(vertical) and vertical[vi][0] <= rn:
                r0, c0, r1, _ = vertical[vi]
                vi += 1
                if r0 == rn and c0 - 1 < len(vals) and vals[c0 - 1] not in (None, ""):
                    active.append((r1, c0, vals[c0 - 1]))

        def gen():
            n = 0
            for src in (rest, rows):
                for rn, vals in src:
                    if rn <= h.last:
                        continue
                    if vertical:
                        fill(rn, vals)
                    skip = _not_data(vals, first=n == 0)
                    if skip:
                        sheet.issues.append(Issue(self.loc(rn), "COL006", f"第 {rn} 行{skip}，不是数据，未读取", "warning"))
                        continue
                    for j in blank:
                        if j < len(vals) and vals[j] not in (None, "") and j not in unheaded:
                            unheaded[j] = rn
                    if len(vals) > width:
                        for j in range(width, len(vals)):
                            if vals[j] not in (None, "") and j not in unheaded:
                                unheaded[j] = rn
                    n += 1
                    yield rn, vals
            sheet.data_rows = n
            level = "error" if sheet.kind == "income" else "warning"  # 收入表里的数不能悄悄漏算
            for j, rn in sorted(unheaded.items()):
                sheet.issues.append(Issue(self.loc(rn, j + 1), "COL005",
                                          f"{col_letter(j + 1)} 列没有表头却有数据（从第 {rn} 行起），未读取：请补上表头", level))

        return gen()


TOTAL_WORDS = ("合计", "总计", "小计", "总合计")


def _not_data(vals: list, first: bool) -> str:
    """表头下面不是数据的行：栏次行（1、2、3……，只看第一行数据）与合计行。返回说明，是数据时为空串。"""
    cells = [_text(v) for v in vals if v not in (None, "")]
    if not cells:
        return ""
    if cells[0].replace(" ", "").replace("\u3000", "") in TOTAL_WORDS:
        return "是合计行（docgen 自己重算合计）"
    if first and len(cells) >= 3:
        nums = [c.strip("（）()") for c in cells]
        if all(x.isdigit() for x in nums) and [int(x) for x in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums))):
            return "是栏次（" + "、".join(cells[:3]) + "……）"
    return ""


# ---------------------------------------------------------------- 文件


def iter_tables(path: str | Path, collector: IssueCollector, aliases: dict | None = None) -> Iterator[Sheet | Table]:
    """逐张给出文件中认出的表：Excel/CSV 给 :class:`Sheet`（行按需读取），YAML 给 :class:`Table`。
    认不出的工作表、表头一级的问题记进 `collector`；一张都认不出时报错。迭代完之前文件保持打开。"""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: 找不到文件")
    suffix = p.suffix.lower()
    found = 0
    if suffix in (".xlsx", ".xlsm"):
        from docgen.load.xlsxfast import FastWorkbook

        why = package_problem(p, "xlsx")
        if why:
            raise InputError(why)
        try:
            wb = FastWorkbook(p)
        except Exception:
            raise InputError(f"{p.name}: 工作簿读不出来（文件已损坏或不是 Excel 保存的格式）。请在 Excel 中打开后重新保存为 .xlsx") from None
        try:
            for name, sheet_path in wb.sheets:
                b = _Builder(p.name, name, aliases, collector)
                merges = wb.merges(sheet_path)
                sheet = b.build(_guarded(wb.rows(sheet_path), p.name, name), merges)
                if sheet is not None:
                    found += 1
                    yield sheet
        finally:
            wb.close()
    elif suffix == ".csv":
        enc = csv_encoding(p)
        with open(p, encoding=enc, newline="", errors="strict") as fh:  # 逐行读，不把整个文件解码进内存
            dialect = "excel-tab" if enc == "utf-16" else "excel"  # “Unicode 文本”以制表符分隔
            try:
                delimiter = _delimiter([fh.readline() for _ in range(8)], "\t" if enc == "utf-16" else ",")
            except UnicodeError:
                raise InputError(f"{p.name}: 文字编码认不出（应为 UTF-8、GBK 或 Excel 的“Unicode 文本”）。请在 Excel 中另存为"
                                 "“CSV UTF-8”或 .xlsx 后再试") from None
            fh.seek(0)
            reader = csv.reader(fh, dialect, delimiter=delimiter)
            rows = _csv_guarded(_csv_records(reader, p.name, delimiter), p.name)
            sheet = _Builder(p.name, None, aliases, collector).build(rows, [])
            if sheet is not None:
                found += 1
                yield sheet
    elif suffix in (".yaml", ".yml"):
        for t in _yaml_tables(p):
            found += 1
            yield t
    else:
        raise InputError(f"{p.name}: 只能读取 .xlsx、.csv 或 .yaml 文件")
    if not found:
        raise NoTables(f"{p.name}: 没有认出任何表（成员信息表要有“证件号码”“与户主关系”列，收入表要有“户编号”“生产经营性收入”列）",
                       [i for i in collector.issues if i.location.file == p.name])


class NoTables(InputError):
    """文件里一张认得的表都没有。命令行点名的文件：错误；文件夹里顺带扫到的（如工作安排表）：警告，照常读其他文件。"""


def csv_encoding(p: Path) -> str:
    """CSV 的文字编码：整个文件是合法的 UTF-8（可带 BOM）就按 UTF-8，否则按 GBK（GB 18030）。逐块检查，不占内存。"""
    import codecs

    with open(p, "rb") as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel 另存为“Unicode 文本”
        return "utf-16"
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(p, "rb") as fh:
            while chunk := fh.read(1 << 20):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"




def _no_control(rows, file: str, sheet: str | None):
    """单元格里的不可见控制字符（ESC、NUL……；换行、制表除外）：写进 Word、Excel 就是坏文件，打到终端会改颜色。
    每行只查一次（把这一行的文字连起来查），找到了再定位到列。"""
    from openpyxl.utils import get_column_letter

    for n, vals in rows:
        texts = [v for v in vals if type(v) is str]
        if texts and _CONTROL.search("".join(texts)):
            col = next(i for i, v in enumerate(vals) if type(v) is str and _CONTROL.search(v))
            ch = _CONTROL.search(vals[col]).group()
            where = ":".join(x for x in (file, sheet, str(n), get_column_letter(col + 1)) if x)
            raise InputError(f"{where}: 这一格有不可见的控制字符（U+{ord(ch):04X}），多半是从别的系统复制来的，请删除后再试")
        yield n, vals


def _csv_records(reader, file: str, delimiter: str):
    """(行号, 值列表)。一格里既有换行又有好几个分隔符：多半是某个引号没有闭合，后面的行都被吞进了这一格——报出起始行。"""
    line = 0
    width = 0
    for i, r in enumerate(reader, start=1):
        start = line + 1
        line = reader.line_num
        width = width or len(r)
        for v in r:
            # 格里有一整行记录那么多的分隔符：是引号没闭合把后面的行吞了进来（格里正常的换行不会有这么多分隔符）
            if "\n" in v and width > 2 and any(part.count(delimiter) >= width - 1 for part in v.split("\n")):
                raise InputError(f"{file}:{start}: 引号不配对——这一行起的一个“\"”一直没有闭合，第 {start}–{line} 行被读成了一格。"
                                 "请检查这一行的引号（格内要写引号时写成两个 \"\"）")
        yield i, [v if v != "" else None for v in r]


def _delimiter(lines: list[str], default: str) -> str:
    """CSV 的分隔符：逗号、分号、制表符、竖线中，在前几行（去掉标题行、空行）里每行出现次数都相同且最多的那个
    （与 csv.Sniffer 的思路相同：某一格里写了“低保;五保”不会让分号胜出）。认不出时用 `default`。引号里的不算。"""
    rows = [re.sub(r'"[^"]*"', "", x).rstrip("\r\n") for x in lines if x.strip()]
    best, best_n = default, 0
    for d in (",", ";", "\t", "|"):
        counts = [x.count(d) for x in rows]
        tail = [c for c in counts if c]  # 标题行里一般没有分隔符
        if len(tail) >= max(1, len(rows) - 1) and len(set(tail)) == 1 and tail[0] > best_n:
            best, best_n = d, tail[0]
    return best


def _csv_guarded(rows, file: str):
    """CSV 读不下去（编码不对、某一格超长、引号不配对）时给出中文提示。"""
    try:
        yield from _no_control(rows, file, None)
    except UnicodeError:
        raise InputError(f"{file}: 文字编码认不出（应为 UTF-8、GBK 或 Excel 的“Unicode 文本”）。请在 Excel 中另存为"
                         f"“CSV UTF-8”或 .xlsx 后再试") from None
    except csv.Error as exc:
        where = f"第 {exc.args[0].split('line')[-1].strip()} 行" if "line" in str(exc) else ""
        raise InputError(f"{file}: {where}格式不对（某一格过长或引号不配对），读不下去。请在 Excel 中打开后另存为 .xlsx 再试") from None


def _guarded(rows, file: str, sheet: str):
    """工作表 XML 坏了（截断、解压出错、XML 语法错误）时给出中文提示，而不是英文的异常名。"""
    import zlib

    from lxml import etree

    from docgen.load.xlsxfast import UncomputedFormula

    try:
        yield from _no_control(rows, file, sheet)
    except UncomputedFormula as exc:
        col = "".join(ch for ch in exc.ref if ch.isalpha())
        why = ("文件要求“打开时全部重算”，里面存的结果不可信（多半是程序生成的）" if exc.stale
               else "文件里没有保存计算结果（多半是程序生成、没在 Excel 里打开保存过）")
        raise InputError(f"{file}:{sheet}:{exc.row}:{col}: 这一格是公式（={exc.formula[:40]}），但{why}，docgen 不自己算公式。"
                         "请在 Excel 或 WPS 中打开后保存一次再试") from None
    except (zlib.error, zipfile.BadZipFile, EOFError, etree.XMLSyntaxError, ValueError, KeyError, IndexError,
            OverflowError) as exc:
        kind = "含有 XML 实体声明（docgen 不解析实体）" if "ntit" in str(exc) else "已损坏或不完整"
        raise InputError(f"{file}:{sheet}: 工作表数据{kind}，读不下去。请在 Excel 中打开后重新保存为 .xlsx，或重新导出") from None


def make_row(fname: str, sheet: str | None, rownum: int, norm: list[str], values: list[Any], headers: dict[str, str]) -> Row | None:
    """一行 → :class:`Row`；空行给 None。"""
    if all(v in (None, "") for v in values):
        return None
    return Row(fname, sheet, rownum, {n: v for n, v in zip(norm, values) if n}, headers)


def materialise(t: Sheet | Table) -> Table:
    """把逐行读的表整张读进内存（全县一份的小表用）。"""
    if isinstance(t, Table):
        return t
    table = Table(t.kind, t.file, t.sheet, headers=t.headers, header_row=t.header_row, header_first=t.header_first)
    for rownum, values in t.rows:
        row = make_row(t.file, t.sheet, rownum, t.norm, values, t.headers)
        if row is not None:
            table.rows.append(row)
    return table


def check_output_apart(files, out: Path) -> None:
    """输出目录不能装着数据文件：输出与数据混在一起，下次运行会把自己写的台账、汇总当成数据读。"""
    target = Path(out).resolve()
    for f in files:
        if Path(f).resolve().is_relative_to(target):
            raise InputError(f"{out}: 输出目录里有数据文件 {Path(f).name}——输出会与数据混在一起，下次运行会把输出当成数据读。"
                             "请另选一个输出目录（如 out/月末）")


def _yaml_tables(p: Path) -> list[Table]:
    """YAML：顶层键为表名（村、帮扶责任人、问题、走访记录），值为记录列表。"""
    from docgen.load.yamlsrc import load_yaml

    src = load_yaml(p)
    if not isinstance(src.data, dict):
        raise InputError(f"{p.name}: 应为 表名: [记录, …] 的映射（表名：村、帮扶责任人、问题、走访记录）")
    names = {"村": "villages", "帮扶责任人": "helpers", "问题": "problems", "走访记录": "visits", "帮扶措施": "measures"}
    out = []
    for key, records in src.data.items():
        kind = names.get(str(key))
        if kind is None:
            raise InputError(f"{src.location((key,), str(key))}: 未知的表“{key}”，可用：{'、'.join(names)}")
        if not isinstance(records, list):
            raise InputError(f"{src.location((key,), str(key))}: 应为记录列表")
        t = Table(kind, p.name, None)
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                raise InputError(f"{src.location((key, i))}: 每条记录应为 字段: 值 的映射")
            headers = {standard(k): str(k) for k in rec}
            unknown = [k for k in rec if standard(k) not in KNOWN[kind]]
            if unknown:
                raise InputError(f"{src.location((key, i, unknown[0]), str(unknown[0]))}: {key}记录中没有“{unknown[0]}”这一项，"
                                 f"可用：{'、'.join(sorted(KNOWN[kind]))}")
            for k, v in rec.items():  # 一项一个值：列表、映射放不进表格的一格（原来会被写成 “['示例甲村']”）
                if isinstance(v, (list, dict)):
                    kind_zh = "列表" if isinstance(v, list) else "映射"
                    raise InputError(f"{src.location((key, i, k), str(k))}: 应为一个值（文字、数字或日期），这里写成了{kind_zh}")
            t.headers.update(headers)
            t.rows.append(Row(p.name, None, src.line_of((key, i)) or 0, {standard(k): v for k, v in rec.items()}, headers))
        out.append(t)
    return out


# ---------------------------------------------------------------- 数据文件夹

LOCK_OR_TEMP = (
    (re.compile(r"^~\$"), "Excel 打开工作簿时生成的锁定文件，不是数据"),
    (re.compile(r"^\.~lock\..*#$"), "WPS/LibreOffice 打开文件时生成的锁定文件，不是数据"),
    (re.compile(r"^~.*\.tmp$", re.I), "Office 的临时文件"),
    (re.compile(r"\.(tmp|bak|swp)$", re.I), "临时或备份文件"),
    (re.compile(r"^(thumbs\.db|desktop\.ini)$", re.I), "系统文件"),
    (re.compile(r"^\."), "隐藏文件"),
)
REFUSED = {".xls": "旧版 Excel 格式（.xls）", ".et": "WPS 表格格式（.et）", ".ods": "开放文档表格格式（.ods）",
           ".numbers": "苹果 Numbers 表格格式（.numbers）"}


@dataclass
class DataFiles:
    """要读的数据文件，以及跳过了什么、为什么（check 与批处理都打印这些说明）。"""

    files: list[Path]
    notes: list[str]
    periods: dict[str, tuple[int, int]]  # 文件名 → 导出表自己写的月份
    scanned: frozenset[str] = frozenset()  # 从文件夹里扫到的文件（不是命令行点名的）


def collect_files(paths: list[Path], period: tuple[int, int] | None = None) -> DataFiles:
    """命令行给的文件与文件夹 → 要读的数据文件。`docgen check DIR`、`batch --data DIR`、`ledger DIR` 都用它。
    不能读的格式（.xls、.ods、加密、损坏）一起报错；不同月份的导出表按期别选，选不了时报错并说明怎么选。"""
    files: list[Path] = []
    notes: list[str] = []
    problems: list[str] = []
    scanned: set[str] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.iterdir(), key=lambda x: x.name):
                why = next((w for rx, w in LOCK_OR_TEMP if rx.search(f.name)), None)
                if why:
                    notes.append(f"跳过 {f.name}（{why}）")
                elif f.is_dir():
                    notes.append(f"跳过子文件夹 {f.name}（只读所给文件夹中的文件）")
                elif f.suffix.lower() in REFUSED:
                    problems.append(f"{f.name}: 是{REFUSED[f.suffix.lower()]}，docgen 读不了。请“另存为”Excel 工作簿（.xlsx）后再试")
                elif f.suffix.lower() in DATA_SUFFIXES:
                    files.append(f)
                    scanned.add(str(f))
                else:
                    notes.append(f"跳过 {f.name}（不是数据文件：只读 .xlsx、.csv、.yaml）")
        elif not p.exists():
            problems.append(f"{p}: 找不到文件或文件夹")
        elif p.suffix.lower() in REFUSED:
            problems.append(f"{p.name}: 是{REFUSED[p.suffix.lower()]}，docgen 读不了。请“另存为”Excel 工作簿（.xlsx）后再试")
        elif p.suffix.lower() not in DATA_SUFFIXES:
            problems.append(f"{p.name}: 只能读取 .xlsx、.csv 或 .yaml 文件")
        else:
            files.append(p)
    for f in files:
        if f.suffix.lower() in (".xlsx", ".xlsm"):
            why = package_problem(f, "xlsx")
            if why:
                problems.append(why)
    if problems:
        raise InputError(f"有 {len(problems)} 个数据文件读不了：\n" + "\n".join(f"  {x}" for x in problems))
    if not files:
        raise InputError(f"没有数据文件：{'、'.join(str(p) for p in paths)} 中没有 .xlsx、.csv 或 .yaml 文件")
    periods = {f.name: pr for f in files if (pr := export_period(f)) is not None}
    distinct = sorted(set(periods.values()))
    if len(distinct) > 1:
        listing = "、".join(f"{n}（{y}年{m}月）" for n, (y, m) in sorted(periods.items(), key=lambda x: x[1]))
        if period is None or period not in distinct:
            want = f"期别 {period[0]}-{period[1]:02d} 与哪一份都不符。" if period else ""
            raise InputError(f"数据中有不同月份的导出表：{listing}。{want}请用 --period 选定月份（如 --period "
                             f"{distinct[-1][0]}-{distinct[-1][1]:02d}），或把不用的那份移出数据文件夹")
        keep = []
        for f in files:
            pr = periods.get(f.name)
            if pr is not None and pr != period:
                notes.append(f"跳过 {f.name}（是 {pr[0]}年{pr[1]}月 的导出表，本次期别为 {period[0]}-{period[1]:02d}）")
            else:
                keep.append(f)
        files = keep
    elif distinct and period is not None and distinct[0] != period:
        notes.append(f"注意：导出表是 {distinct[0][0]}年{distinct[0][1]}月 的（{'、'.join(sorted(periods))}），"
                     f"本次期别为 {period[0]}-{period[1]:02d}")
    return DataFiles(files, notes, periods, frozenset(scanned))


def export_period(p: Path) -> tuple[int, int] | None:
    """导出表（成员、收入、住房表）自己写的月份；其他文件（村名单、问题表）为 None。只读各表的前 20 行。"""
    suffix = p.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        return None
    quiet = IssueCollector()
    try:
        for t in iter_tables(p, quiet):
            if isinstance(t, Sheet) and t.kind in ("members", "income", "housing"):
                return t.period
    except InputError:
        return None
    return None
