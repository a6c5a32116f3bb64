"""帮扶手册（册）录入表：各村把每户纸质《帮扶手册》上的内容录进一个 Excel，docgen 拿它与国办系统（库）核对。

版式（`docgen crosscheck template` 写出带下拉的空表，列的次序可以调，表头可用别名，多几列无妨）：

| 工作表 | 列 |
|---|---|
| 家庭情况 | 户编号、户主姓名、村、家庭人口数、纳入年度、脱贫年度、主要致贫原因 |
| 家庭成员 | 户编号、姓名、证件号码、与户主关系、出生日期 |
| 帮扶措施 | 户编号、年度、帮扶措施、项目内容 |
| 收入 | 户编号、年度、家庭纯收入、单位（元 / 万元） |

一户一行（家庭情况）或一人一行（家庭成员）、一年一项措施一行、一年一行收入。证件号码可以空（按姓名对）。
工作表按名称认，名称不认得时按表头认（户编号之外各表的关键列）；表头在前 10 行内。
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from docgen.crosscheck import normalise as N
from docgen.errors import InputError, IssueCollector, Location

SHEETS: dict[str, tuple[str, ...]] = {
    "家庭情况": ("户编号", "户主姓名", "村", "家庭人口数", "纳入年度", "脱贫年度", "主要致贫原因"),
    "家庭成员": ("户编号", "姓名", "证件号码", "与户主关系", "出生日期"),
    "帮扶措施": ("户编号", "年度", "帮扶措施", "项目内容"),
    "收入": ("户编号", "年度", "家庭纯收入", "单位"),
}
KEYS = {"家庭情况": "家庭人口数", "家庭成员": "与户主关系", "帮扶措施": "帮扶措施", "收入": "家庭纯收入"}  # 按表头认表
REQUIRED = {"家庭情况": ("户编号",), "家庭成员": ("户编号", "姓名", "与户主关系"), "帮扶措施": ("户编号", "年度", "帮扶措施"),
            "收入": ("户编号", "年度", "家庭纯收入")}
ALIASES = {"户主": "户主姓名", "户主名": "户主姓名", "人口数": "家庭人口数", "家庭人数": "家庭人口数", "家庭人口": "家庭人口数",
           "身份证号": "证件号码", "身份证号码": "证件号码", "公民身份号码": "证件号码", "证件号": "证件号码",
           "识别年度": "纳入年度", "纳入时间": "纳入年度", "建档立卡年度": "纳入年度", "脱贫时间": "脱贫年度",
           "致贫原因": "主要致贫原因", "关系": "与户主关系", "出生年月": "出生日期", "生日": "出生日期",
           "措施类别": "帮扶措施", "帮扶措施类别": "帮扶措施", "项目": "项目内容", "帮扶项目": "项目内容",
           "纯收入": "家庭纯收入", "家庭年纯收入": "家庭纯收入", "年纯收入": "家庭纯收入", "金额单位": "单位",
           "户编码": "户编号", "年份": "年度"}
SHEET_ALIASES = {"家庭基本情况": "家庭情况", "基本情况": "家庭情况", "成员": "家庭成员", "家庭成员情况": "家庭成员",
                 "帮扶措施落实情况": "帮扶措施", "措施": "帮扶措施", "收入情况": "收入", "家庭收入": "收入", "历年收入": "收入"}
MARK = "docgen 帮扶手册录入表"


def column(h) -> tuple[str, str]:
    """用户写的表头 → (标准列名, 表头里写的单位)。“家庭纯收入（万元）”→ (家庭纯收入, 万元)。"""
    import re

    t = N.text(h)
    unit = ""
    m = re.match(r"^(.*?)\((万元|元)\)$", t)
    if m:
        t, unit = m.group(1), m.group(2)
    t = t.replace("(", "（").replace(")", "）")
    return ALIASES.get(t, t), unit


@dataclass
class Cell:
    value: object
    where: Location


@dataclass
class HandbookHousehold:
    hh_id: str
    where: Location  # 家庭情况表里这一行（没有时为成员表里的第一行）
    fields: dict[str, Cell] = field(default_factory=dict)  # 家庭情况的各列
    members: list[dict[str, Cell]] = field(default_factory=list)
    measures: list[tuple[int, str, Location]] = field(default_factory=list)  # (年度, 措施类别, 位置)
    incomes: dict[int, Cell] = field(default_factory=dict)  # 年度 → 家庭纯收入（元）


@dataclass
class Handbook:
    households: dict[str, HandbookHousehold] = field(default_factory=dict)
    issues: list = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # 录了哪几张表（没录的那项不核对，说明一次）
    file_kinds: dict[str, set[str]] = field(default_factory=dict)  # 各文件录了哪几张表（成员逐文件判断）


def write_template(path: Path, households: list[tuple[str, str, str]] | None = None) -> Path:
    """帮扶手册录入表（空表，或预填 (户编号, 户主, 村) 各户的家庭情况一行）：每张表一行表头，取值字段用下拉。"""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from docgen.households.enums import ENUMS
    from docgen.render.ooxml import literal, workbook_bytes
    from docgen.util.fs import atomic_write

    wb = Workbook()
    wb.remove(wb.active)
    lists = {"主要致贫原因": ENUMS["主要致贫原因"], "与户主关系": ENUMS["与户主关系"], "帮扶措施": ENUMS["帮扶措施"],
             "单位": ("元", "万元")}
    from openpyxl.utils import get_column_letter

    opt_col = {name: get_column_letter(i) for i, name in enumerate(lists, start=1)}  # 每种选项在“选项”表里占一列
    for name, cols in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append(list(cols))
        for c in ws[1]:
            c.font = Font(name="黑体", bold=True)
        for i, col in enumerate(cols, start=1):
            letter = ws.cell(1, i).column_letter
            ws.column_dimensions[letter].width = 20 if col in ("户编号", "证件号码", "项目内容") else 12
            if col in lists:
                # 下拉的选项写在隐藏的“选项”表里（与户主关系有 28 项，超过了直接写进下拉的 255 字）
                o = opt_col[col]
                dv = DataValidation(type="list", formula1=f"=选项!${o}$1:${o}${len(lists[col])}",
                                    allow_blank=True, showErrorMessage=False)
                dv.add(f"{letter}2:{letter}5000")
                ws.add_data_validation(dv)
        ws.freeze_panes = "B2"
    for hh, head, village in households or []:
        wb["家庭情况"].append([hh, head, village])
        for c in wb["家庭情况"][wb["家庭情况"].max_row]:
            literal(c)
    opts = wb.create_sheet("选项")
    for name, values in lists.items():
        for r, v in enumerate(values, start=1):
            opts[f"{opt_col[name]}{r}"] = v
    opts.sheet_state = "hidden"
    note = wb.create_sheet("填写说明", 0)
    note.append([MARK])
    for line in ("把每户《帮扶手册》上的内容录进后面四张表：家庭情况（一户一行）、家庭成员（一人一行）、帮扶措施（一年一项一行）、"
                 "收入（一年一行，家庭纯收入，单位写元或万元）。",
                 "户编号照国办系统的写（16 位）；证件号码不知道的可以空着，按姓名核对。列的次序可以调，多几列无妨。",
                 "录完后用 docgen crosscheck（或工作台）与国办系统的导出表核对，不一致的逐项列出两边的位置。"):
        note.append([line])
    note.column_dimensions["A"].width = 110
    wb.properties.creator = "docgen"
    atomic_write(path, workbook_bytes(wb, dt.datetime(2020, 1, 1)))
    return path


def read_handbooks(paths: list[Path]) -> Handbook:
    """读帮扶手册录入表（几个村的几个文件都可以）。逐格的问题（同一户两行、年度写不成年份、金额认不出……）收在 `issues`；
    整个文件读不了时抛出 InputError。"""
    from docgen.load.package import open_fast_workbook
    from docgen.load.xlsxfast import UncomputedFormula

    c = IssueCollector()
    hb = Handbook()
    for p in map(Path, paths):
        wb = open_fast_workbook(p)
        hb.files.append(p.name)
        found = set()
        try:
            for name, sp in wb.sheets:
                if name in ("填写说明", "选项"):
                    continue
                try:
                    rows = list(wb.rows(sp))
                except UncomputedFormula as exc:
                    raise InputError(f"{p.name}:{name}:{exc.row}:{exc.ref}: 这一格是公式，文件里没有它算出的值"
                                     "（请在 Excel 中打开、保存一次，或把公式换成数值）") from None
                if not rows:
                    continue
                rows = _fill_merges(rows, wb.merges(sp))
                kind, head_at = _kind(name, rows)
                if kind is None:
                    if any(any(v not in (None, "") for v in r) for _, r in rows):
                        c.warning(Location(p.name, name), "HB001",
                                  f"认不出这张表（应为 {'、'.join(SHEETS)} 之一，或表头里有它们的关键列），没有读")
                    continue
                if kind in found:
                    c.warning(Location(p.name, name), "HB002", f"这个文件里已有一张{kind}表：两张都读了")
                found.add(kind)
                if _read(p.name, name, kind, rows, head_at, hb, c):
                    hb.kinds.add(kind)
                    hb.file_kinds.setdefault(p.name, set()).add(kind)
        finally:
            wb.close()
    hb.issues = c.issues
    return hb


def _fill_merges(rows, merges) -> list:
    """合并的格（常见：一户几个成员合并一个户编号）按用户看到的样子补到区域里的每一行、每一列。"""
    if not merges:
        return rows
    by_row = {r: list(v) for r, v in rows}
    for r0, c0, r1, c1 in merges:
        top = by_row.get(r0)
        if top is None or c0 - 1 >= len(top):
            continue
        v = top[c0 - 1]
        for r in range(r0, r1 + 1):
            vals = by_row.setdefault(r, [])
            while len(vals) < c1:
                vals.append(None)
            for col in range(c0 - 1, c1):
                vals[col] = v
    return sorted(by_row.items())


def _kind(name: str, rows) -> tuple[str | None, int]:
    std = SHEET_ALIASES.get(N.text(name), N.text(name))
    for i, (_, vals) in enumerate(rows[:10]):
        cols = {column(v)[0] for v in vals if v not in (None, "")}
        if "户编号" not in cols:
            continue
        if std in SHEETS:
            return std, i
        for kind, key in KEYS.items():
            if key in cols:
                return kind, i
    return (std if std in SHEETS else None), 0


def _read(file: str, sheet: str, kind: str, rows, head_at: int, hb: Handbook, c: IssueCollector) -> None:
    hr, head = rows[head_at]
    cols: dict[str, int] = {}
    units: dict[str, str] = {}
    shown: dict[str, str] = {}
    for i, v in enumerate(head):
        if v in (None, ""):
            continue
        std, unit = column(v)
        if std in cols:
            c.error(Location(file, sheet, hr, str(v)), "HB003", f"“{std}”有两列（第 {cols[std] + 1} 列与第 {i + 1} 列）：删掉一列")
            continue
        cols[std], shown[std] = i, str(v).strip()
        if unit:
            units[std] = unit
    missing = [k for k in REQUIRED[kind] if k not in cols]
    if missing:
        c.error(Location(file, sheet, hr), "HB004", f"{kind}表缺少列：{'、'.join(missing)}")
        return False
    extra = [shown[k] for k in cols if k not in SHEETS[kind]]
    if extra:
        c.warning(Location(file, sheet, hr), "HB005", f"这些列不核对，没有读：{'、'.join(extra)}")
    data = False
    for r, vals in rows[head_at + 1:]:
        def cell(k):
            i = cols.get(k)
            v = vals[i] if i is not None and i < len(vals) else None
            return Cell(v, Location(file, sheet, r, shown.get(k, k)))

        if not any(v not in (None, "") for v in vals):
            continue
        data = True
        raw_hh = cell("户编号").value
        hh = N.text(raw_hh)
        if not hh:
            c.error(Location(file, sheet, r, shown["户编号"]), "HB006", "这一行没有户编号")
            continue
        if isinstance(raw_hh, float) or (isinstance(raw_hh, int) and len(hh) > 15):
            c.error(Location(file, sheet, r, shown["户编号"]), "HB012",
                    f"户编号存成了数字（{hh}），Excel 只保留 15 位，末几位已经丢了：请把这一列设成文本后照原样重录")
            continue
        if "证件号码" in cols and isinstance(cell("证件号码").value, (int, float)):
            c.error(cell("证件号码").where, "HB012", "证件号码存成了数字，Excel 只保留 15 位，末几位已经丢了："
                    "请把这一列设成文本后照原样重录")
            continue
        rec = hb.households.get(hh)
        if kind == "家庭情况":
            if rec is not None and rec.fields:
                first = rec.where
                c.error(Location(file, sheet, r, shown["户编号"]), "HB007",
                        f"户 {hh} 在册里有两行（{first} 已有）：只核对第一行")
                continue
            if rec is None:
                rec = hb.households[hh] = HandbookHousehold(hh, Location(file, sheet, r, shown["户编号"]))
            else:
                rec.where = Location(file, sheet, r, shown["户编号"])
            rec.fields = {k: cell(k) for k in SHEETS[kind] if k in cols and k != "户编号"}
            for k in ("纳入年度", "脱贫年度"):
                v = rec.fields.get(k)
                if v is not None and v.value not in (None, "") and N.year(v.value) is None:
                    c.error(v.where, "HB008", f"{k}应为年份，如 2016，得到“{v.value}”")
            size = rec.fields.get("家庭人口数")
            if size is not None and size.value not in (None, "") and N.count(size.value) is None:
                c.error(size.where, "HB011", f"家庭人口数应为人数，如 4，得到“{size.value}”")
            continue
        if rec is None:
            rec = hb.households[hh] = HandbookHousehold(hh, Location(file, sheet, r, shown["户编号"]))
        if kind == "家庭成员":
            m = {k: cell(k) for k in SHEETS[kind] if k in cols}

            def same_row(x) -> bool:  # 整行都一样（姓名、证件号码、关系、出生日期）才是录了两次；同名的两个人照常
                return all(N.text(x[k].value if k in x else "").upper() == N.text(m[k].value if k in m else "").upper()
                           for k in SHEETS[kind][1:])

            same = next((x for x in rec.members if same_row(x)), None)
            if same is not None:
                c.error(m["姓名"].where, "HB013", f"户 {hh} 的成员“{m['姓名'].value}”录了两次（{same['姓名'].where} 已有）")
                continue
            rec.members.append(m)
        elif kind == "帮扶措施":
            y = N.year(cell("年度").value)
            if y is None:
                c.error(cell("年度").where, "HB008", f"年度应为年份，如 2019，得到“{cell('年度').value}”")
                continue
            cat = N.enum("帮扶措施", cell("帮扶措施").value)
            if cat:
                rec.measures.append((y, cat, cell("帮扶措施").where))
        else:  # 收入
            y = N.year(cell("年度").value)
            if y is None:
                c.error(cell("年度").where, "HB008", f"年度应为年份，如 2019，得到“{cell('年度').value}”")
                continue
            unit = N.text(cell("单位").value) if "单位" in cols and cell("单位").value else units.get("家庭纯收入", "元")
            amount = N.money(cell("家庭纯收入").value, unit)
            if amount is None:
                c.error(cell("家庭纯收入").where, "HB009", f"应为金额，如 12000 或 1.2万元，得到“{cell('家庭纯收入').value}”")
                continue
            if y in rec.incomes:
                c.error(cell("年度").where, "HB010", f"户 {hh} 的 {y} 年收入有两行（{rec.incomes[y].where} 已有）")
                continue
            rec.incomes[y] = Cell(amount, cell("家庭纯收入").where)
    return data
