"""住房安全“八查”排查表：按村生成（每户一行，预填并锁定已知的，八项检查用下拉）；读回填好的表（带位置地查）；
每个“否”成为问题整改台账的一行（编号稳定：同一户同一项永远是同一个编号）。

表的样子（“八查”工作表）：第 1 行标题，第 2 行表头，第 3 行起每户一行：
序号、户编号、户主、组、建档立卡户、危房等级、危房改造、住房解决方式 | 查1 … 查8 | 问题说明、排查人、排查日期。
前 8 列预填并锁定；适用的检查只能选 是/否，不适用的预填“不适用”并锁定，不知道是否适用的三样都能选。
另有“说明”工作表（怎么填、八项检查的原文）与一张隐藏的“docgen”工作表（生成时的户与判断适用范围的依据，读回时据此核对）。
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from docgen.campaign.checks import (
    ANSWERS,
    APPLIES,
    CHECKS,
    NOT_APPLICABLE,
    UNKNOWN,
    HouseFacts,
    applicability,
    normalise_answer,
)
from docgen.campaign.period import CAMPAIGN
from docgen.errors import InputError, Issue, IssueCollector, Location
from docgen.model.base import cell_date

SHEET = "八查"
HIDDEN = "docgen"
MARK = "docgen 八查排查表"
FIXED = ("序号", "户编号", "户主", "组", "建档立卡户", "危房等级", "危房改造", "住房解决方式")
CHECK_COLS = tuple(f"查{c.no}" for c in CHECKS)
TAIL = ("问题说明", "排查人", "排查日期")
COLUMNS = FIXED + CHECK_COLS + TAIL


@dataclass(frozen=True)
class SurveyHousehold:
    hh_id: str  # 户编号（建档立卡户）或农户编号
    head: str
    group: str
    village_code: str
    village: str
    facts: HouseFacts

    def row_facts(self) -> list:
        f = self.facts
        return [self.hh_id, self.head, self.group, "是" if f.registered else "否", f.grade, f.dangerous, f.renovated, f.way]


# ---------------------------------------------------------------------- 生成


def _registered(a, village: str) -> SurveyHousehold:
    """一户建档立卡户在排查表里预填的：户主、组、危房等级、是否危房、改造情况（来自它的核算结果）。"""
    h = a.household
    hs = h.housing
    facts = HouseFacts(True, (hs.grade if hs else "").strip().upper(), hs.dangerous if hs else "",
                       hs.renovated if hs else "")
    return SurveyHousehold(h.hh_id, h.head.name, h.group, h.village_code, village, facts)


def _write_village(staging: str, code: str, village: str, others: list[SurveyHousehold], target: Path,
                   campaign: tuple[dt.date, dt.date]) -> int:
    """一个村的排查表（在工作进程里：自己从分拣结果取这个村的户）：该村的建档立卡户按表中顺序，后面是农户名单里的其他农户。"""
    from docgen.households.stage import village_assessments

    items = [_registered(a, village) for a in village_assessments(staging, code)] + others
    write_survey(items, code, village, target, campaign)
    return len(items)


FARMER_ALIASES = {"农户编号": "农户编号", "户编号": "农户编号", "户主": "户主", "户主姓名": "户主", "村": "村", "村名": "村",
                  "行政村": "村", "村代码": "村代码", "组": "组", "村民小组": "组", "危房等级": "危房等级",
                  "住房解决方式": "住房解决方式", "备注": "备注"}


def read_farmers(path: Path, village_codes: dict[str, str], known: set[str]) -> list[SurveyHousehold]:
    """农户名单（不是建档立卡户的其他农户）：一张表，表头在前 20 行内，至少有 农户编号、户主、村（或村代码）。
    每个问题都指到 文件:工作表:行:列；有错误时抛出 InputError。"""
    from docgen.load.package import open_fast_workbook

    path = Path(path)
    wb = open_fast_workbook(path)
    c = IssueCollector()
    out: list[SurveyHousehold] = []
    try:
        sheet, sheet_path = wb.sheets[0]
        rows = list(wb.rows(sheet_path))
    finally:
        wb.close()
    head_at = next((i for i, (_, r) in enumerate(rows[:20]) if {"户主", "户主姓名"} & {str(v).strip() for v in r if v}), None)
    if head_at is None:
        raise InputError(f"{path.name}:{sheet}: 前 20 行里找不到表头（要有 农户编号、户主、村 或 村代码）")
    header_row, header = rows[head_at]
    cols: dict[str, int] = {}
    for i, v in enumerate(header):
        name = FARMER_ALIASES.get(str(v or "").strip())
        if name is None and str(v or "").strip():
            c.warning(Location(path.name, sheet, header_row, str(v).strip()), "FRM004",
                      "农户名单里认不出的列，没有读（可用：" + "、".join(dict.fromkeys(FARMER_ALIASES.values())) + "）")
        elif name in cols:
            c.error(Location(path.name, sheet, header_row, str(v).strip()), "FRM005", f"“{name}”列出现了两次")
        elif name:
            cols[name] = i
    missing = [k for k in ("农户编号", "户主") if k not in cols] + ([] if "村" in cols or "村代码" in cols else ["村"])
    if missing:
        raise InputError(f"{path.name}:{sheet}:{header_row}: 农户名单缺少列 {'、'.join(missing)}")
    seen: dict[str, int] = {}
    for r, vals in rows[head_at + 1:]:
        def get(k):
            i = cols.get(k)
            return str(vals[i]).strip() if i is not None and i < len(vals) and vals[i] is not None else ""

        hid, head = get("农户编号"), get("户主")
        if not (hid or head):
            continue
        where = lambda f: Location(path.name, sheet, r, f)  # noqa: E731
        if not hid:
            c.error(where("农户编号"), "FRM001", "缺少农户编号（排查表和问题台账靠它认户）")
            continue
        if hid in known or hid in seen:
            c.error(where("农户编号"), "FRM002", f"农户编号 {hid} 重复（" + ("导出表里已有这一户" if hid in known
                                                                         else f"第 {seen[hid]} 行已有") + "）")
            continue
        seen[hid] = r
        code = get("村代码") or village_codes.get(get("村"), "")
        if not re.fullmatch(r"\d{12}", code):
            c.error(where("村代码" if "村代码" in cols else "村"), "FRM003",
                    f"认不出是哪个村：应为 12 位村代码或导出表/村名单里有的村名，得到“{get('村代码') or get('村')}”")
            continue
        grade = get("危房等级").upper()
        if grade and grade not in ("A", "B", "C", "D"):
            c.error(where("危房等级"), "FRM006", f"危房等级应为 A、B、C、D，得到“{grade}”")
            continue
        vname = get("村") or next((n for n, cc in village_codes.items() if cc == code), "")
        out.append(SurveyHousehold(hid, head, get("组"), code, vname,
                                   HouseFacts(False, grade, "是" if grade in ("C", "D") else ("否" if grade else ""), "",
                                              get("住房解决方式"))))
    c.raise_if_errors(f"{path.name}: 农户名单有 {len(c.errors)} 处错误")
    return out


def write_survey(items: list[SurveyHousehold], code: str, village: str, target: Path,
                 campaign: tuple[dt.date, dt.date] = CAMPAIGN) -> None:
    """一个村的排查表。"""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from docgen.render.ooxml import literal, workbook_bytes
    from docgen.util.fs import atomic_write

    wb = Workbook()
    side = Side(style="thin", color="000000")
    border = Border(left=side, right=side, top=side, bottom=side)
    body = Font(name="仿宋_GB2312", size=11)
    for name, font, locked, fill in (("八查表头", Font(name="黑体", size=11), True, PatternFill("solid", fgColor="F2F2F2")),
                                     ("八查预填", body, True, PatternFill("solid", fgColor="F7F7F7")),
                                     ("八查可填", body, False, None)):
        ns = NamedStyle(name=name, font=font, border=border, protection=Protection(locked=locked),
                        alignment=Alignment(wrap_text=True, vertical="center", horizontal="center" if name != "八查可填" else "left"))
        if fill is not None:
            ns.fill = fill
        wb.add_named_style(ns)
    ws = wb.active
    ws.title = SHEET
    ws.cell(1, 1, f"{village}农村住房安全“八查”排查表").font = Font(name="方正小标宋简体", size=16)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = 30
    for i, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(2, i, name)
        cell.style = "八查表头"
        if name in CHECK_COLS:
            cell.comment = Comment(CHECKS[int(name[1:]) - 1].text, "docgen")
    groups: dict[tuple[int, str], list[int]] = {}
    for r, hh in enumerate(items, start=3):
        f = hh.facts
        shown = [r - 2, hh.hh_id, hh.head, hh.group, "是" if f.registered else "否", f.grade or None, f.renovated or None]
        for i, v in enumerate(shown, start=1):  # 住房解决方式之前的预填
            literal(ws.cell(r, i, v)).style = "八查预填"
        way = ws.cell(r, 8)
        way.value = f.way or None  # 不知道时留给排查人选（第 5 查是否适用由它定）
        way.style = "八查预填" if f.way else "八查可填"
        for k, ch in enumerate(CHECKS):
            col = len(FIXED) + 1 + k
            a = applicability(ch.no, hh.facts)
            cell = ws.cell(r, col, "不适用" if a == NOT_APPLICABLE else None)
            cell.style = "八查预填" if a == NOT_APPLICABLE else "八查可填"
            if a != NOT_APPLICABLE:
                groups.setdefault((col, a), []).append(r)
        for i in range(len(FIXED) + len(CHECKS) + 1, len(COLUMNS) + 1):
            ws.cell(r, i).style = "八查可填"
        ws.cell(r, len(COLUMNS)).number_format = "yyyy-mm-dd"
    last = len(items) + 2
    for (col, a), rows in sorted(groups.items()):
        opts = "是,否" if a == APPLIES else ",".join(ANSWERS)
        dv = DataValidation(type="list", formula1=f'"{opts}"', allow_blank=True, showErrorMessage=True,
                            errorTitle="八查", error=f"请从下拉列表里选：{opts.replace(',', '、')}" +
                            ("（这一户适用这项检查，不能选“不适用”）" if a == APPLIES else ""))
        letter = get_column_letter(col)
        dv.sqref = " ".join(_ranges(letter, rows))
        ws.add_data_validation(dv)
    way_dv = DataValidation(type="list", formula1='"自有,购置,置换,租赁,其他"', allow_blank=True)
    way_dv.add(f"H3:H{max(last, 3)}")
    ws.add_data_validation(way_dv)
    start, end = campaign
    date_dv = DataValidation(type="date", operator="between", formula1=str((start - dt.date(1899, 12, 30)).days),
                             formula2=str((end - dt.date(1899, 12, 30)).days), allow_blank=True, showErrorMessage=True,
                             errorTitle="排查日期", error=f"排查日期应在 {start} 至 {end} 之间")
    date_dv.add(f"{get_column_letter(len(COLUMNS))}3:{get_column_letter(len(COLUMNS))}{max(last, 3)}")
    ws.add_data_validation(date_dv)
    widths = (5, 19, 8, 6, 6, 5, 5, 8, *([6] * len(CHECKS)), 30, 8, 11)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C3"
    ws.protection.sheet = True  # 预填的列锁定（不设口令：真要改可以撤销保护，读回时按隐藏表核对）
    ws.protection.formatColumns = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{max(last, 2)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "2:2"
    _instructions(wb.create_sheet("说明"), village, campaign)
    hid = wb.create_sheet(HIDDEN)
    hid.sheet_state = "veryHidden"
    hid.append([MARK, code, village, start.isoformat(), end.isoformat()])
    for hh in items:
        hid.append(hh.row_facts())
    for row in hid.iter_rows(min_row=2):
        for cell in row:
            literal(cell)
    wb.properties.creator = "docgen"
    wb.properties.title = f"{village}农村住房安全“八查”排查表"
    atomic_write(target, workbook_bytes(wb, dt.datetime(start.year, start.month, start.day)), durable=False)


def _ranges(letter: str, rows: list[int]) -> list[str]:
    out, first, prev = [], None, None
    for r in rows + [None]:
        if first is None:
            first = prev = r
        elif r is not None and r == prev + 1:
            prev = r
        else:
            out.append(f"{letter}{first}" if first == prev else f"{letter}{first}:{letter}{prev}")
            first = prev = r
    return out


def _instructions(ws, village: str, campaign: tuple[dt.date, dt.date]) -> None:
    lines = [f"{village}农村住房安全“八查”排查表 填写说明", "",
             "1. 每户一行。灰底的格子是从系统导出表（或农户名单）预填的，已锁定；白底的格子由排查人填写。",
             "2. 八项检查（查1–查8）从下拉列表里选：是（符合）、否（有问题）、不适用（这一户没有这一项）。",
             "   适用于该户的检查只能选 是 或 否；已判断为不适用的已预填“不适用”并锁定。",
             "3. 选了“否”的，必须在“问题说明”里写清问题；每个“否”会成为问题整改台账的一条，由责任人盯办，清零销号。",
             f"4. 排查日期应在 {campaign[0]} 至 {campaign[1]} 之间；排查人写姓名。",
             "5. 不要删改表头，不要把别的表粘进这个工作簿；行的先后可以调整，docgen 按户编号认户。", "", "八项检查："]
    lines += [f"查{c.no}：{c.text}" for c in CHECKS]
    for i, t in enumerate(lines, start=1):
        ws.cell(i, 1, t)
    ws.column_dimensions["A"].width = 110


def make_surveys(data, out: Path, *, settings=None, period: tuple[int, int] | None = None, farmers: Path | None = None,
                 campaign: tuple[dt.date, dt.date] | None = None, workers: int = 1) -> dict:
    """`docgen survey make`：每村一个排查表，写进 `out`（八查-村名.xlsx）：导出表里的建档立卡户（与 check / batch 同一条
    读表、校验流水线；数据有错误时抛出 InputError，与 docgen check 报的相同），加上农户名单里的其他农户。
    `campaign` 不给时取配置里冲刺行动的起止。各村的表分给 `workers` 个进程写，每个进程自己从分拣结果取该村的户。返回统计。"""
    from docgen.batch.plan import unit_names
    from docgen.households.stage import staged
    from docgen.util.fs import safe_filename

    campaign = campaign or (settings.campaign if settings is not None else CAMPAIGN)
    with staged(data, settings, period, workers=workers) as stg:
        names = stg.village_names()
        registered: dict[str, int] = {}
        known: set[str] = set()
        for r in stg.households():
            registered[r.code] = registered.get(r.code, 0) + 1
            known.add(r.hh_id)
        groups: dict[tuple[str, str], list[SurveyHousehold]] = {(code, names[code]): [] for code in registered}
        if farmers is not None:
            by_name = {v: c for c, v in names.items()}
            for hh in read_farmers(farmers, by_name, known):
                key = next((k for k in groups if k[0] == hh.village_code), (hh.village_code, hh.village))
                groups.setdefault(key, []).append(hh)
        groups = dict(sorted(groups.items()))
        units = unit_names([(v, c) for c, v in groups])
        out.mkdir(parents=True, exist_ok=True)
        tasks = [(str(stg.path), code, village, others, out / f"八查-{safe_filename(units[(village, code)])}.xlsx",
                  campaign) for (code, village), others in groups.items()]
        if workers > 1 and len(tasks) > 2:
            from docgen.util.procs import spawn_pool

            with spawn_pool(workers) as pool:
                counts = pool.starmap(_write_village, tasks, chunksize=max(1, len(tasks) // (workers * 4)))
        else:
            counts = [_write_village(*t) for t in tasks]
    return {"villages": len(tasks), "households": sum(counts), "registered": sum(registered.values()),
            "files": [t[4].name for t in tasks]}


# ---------------------------------------------------------------------- 读回


@dataclass
class SurveyRow:
    hh_id: str
    head: str
    village_code: str
    village: str
    answers: dict[int, str]  # 查几 → 是/否/不适用/""
    problem: str
    inspector: str
    date: dt.date | None
    where: Location  # 这一行（文件:八查:行）


@dataclass
class SurveyResult:
    rows: list[SurveyRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    pending: dict[str, list[str]] = field(default_factory=dict)  # 村代码 → 还没有排查的户编号（没填或表里删掉了的）
    villages: dict[str, tuple[str, int]] = field(default_factory=dict)  # 村代码 → (村名, 排查表里的户数)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def findings(self) -> list[tuple[SurveyRow, int]]:
        """每个“否”：(行, 第几查)。"""
        return [(r, no) for r in self.rows for no, a in sorted(r.answers.items()) if a == "否"]


def read_surveys(paths: list[Path], campaign: tuple[dt.date, dt.date] | None = None) -> SurveyResult:
    """读回填好的排查表（几个村、同一个村的几份都可以）。同一户在几份里都有时取排查日期较晚的一份（一样时取后给的文件）。
    工作簿本身不是 docgen 的排查表时抛出 InputError；逐格的问题收在 `issues` 里（都带 文件:八查:行:列）。"""
    from docgen.load.package import open_fast_workbook

    c = IssueCollector()
    best: dict[str, SurveyRow] = {}
    generated: dict[str, dict[str, HouseFacts]] = {}
    names: dict[str, str] = {}
    for p in map(Path, paths):
        wb = open_fast_workbook(p)
        try:
            sheets = dict(wb.sheets)
            if HIDDEN not in sheets:
                raise InputError(f"{p.name}: 不是 docgen 生成的八查排查表（缺少它的隐藏工作表）：请在 docgen survey make 生成的表上填写")
            meta_rows = [r for _, r in wb.rows(sheets[HIDDEN])]
            if not meta_rows or str(meta_rows[0][0]) != MARK:
                raise InputError(f"{p.name}: 不是 docgen 生成的八查排查表")
            code, village = str(meta_rows[0][1]), str(meta_rows[0][2])
            start, end = campaign or (dt.date.fromisoformat(str(meta_rows[0][3])), dt.date.fromisoformat(str(meta_rows[0][4])))
            facts = {}
            for r in meta_rows[1:]:
                r = [("" if v is None else str(v)) for v in r] + [""] * 8
                facts[r[0]] = HouseFacts(r[3] == "是", r[4], r[5], r[6], r[7])
            generated.setdefault(code, {}).update(facts)
            names[code] = village
            survey_sheets = []
            for name, path in wb.sheets:
                if name == HIDDEN:
                    continue
                head = _find_header(wb, path)
                if head is not None:
                    survey_sheets.append((name, path, head))
            if not survey_sheets:
                raise InputError(f"{p.name}: 找不到八查表（前 10 行里要有表头 {'、'.join(COLUMNS[1:3])}、{'、'.join(CHECK_COLS)}）")
            if len(survey_sheets) > 1:
                raise InputError(f"{p.name}: 工作簿里有 {len(survey_sheets)} 张八查表（{'、'.join(s[0] for s in survey_sheets)}），"
                                 "docgen 不知道该读哪一张：请删掉多余的那张（不要把别的表复制进来）")
            name, path, (head_row, header) = survey_sheets[0]
            merges = wb.merges(path)
            rows = [(r, v) for r, v in wb.rows(path) if r > head_row]
        finally:
            wb.close()
        _read_sheet(p.name, name, head_row, header, rows, merges, code, village, facts, (start, end), c, best)
    result = SurveyResult(sorted(best.values(), key=lambda r: (r.village_code, r.hh_id)), c.issues)
    for code, facts in generated.items():
        result.villages[code] = (names[code], len(facts))
        gone = sorted(set(facts) - {r.hh_id for r in best.values()})
        if gone:
            result.pending[code] = gone
    return result


def _find_header(wb, path: str):
    for r, vals in wb.rows(path):
        if r > 10:
            return None
        names = [str(v).strip() if v is not None else "" for v in vals]
        if "户编号" in names and all(k in names for k in CHECK_COLS):
            return r, names
    return None


def _read_sheet(file: str, sheet: str, head_row: int, header: list[str], rows, merges, code: str, village: str,
                facts: dict[str, HouseFacts], campaign, c: IssueCollector, best: dict[str, SurveyRow]) -> None:
    cols: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            continue
        if name in cols:
            c.error(Location(file, sheet, head_row, name), "BC009", f"表头“{name}”出现了两次（第 {cols[name] + 1} 列与第 {i + 1} 列）")
        elif name in COLUMNS:
            cols[name] = i
        else:
            c.warning(Location(file, sheet, head_row, name), "BC010", "不是八查表的列，没有读（加的备注请写进“问题说明”）")
    gone = [k for k in COLUMNS[1:] if k not in cols and k not in ("住房解决方式",)]
    if gone:
        c.error(Location(file, sheet, head_row), "BC011", f"表头缺少 {'、'.join(gone)}（请在生成的表上填写，不要删列）")
        return
    # 合并单元格：排查人、排查日期合并成一格（一个人排查几户）按每行都填了读；别的列合并说不清是哪一户的，指出来
    fill: dict[tuple[int, int], object] = {}
    by_row = dict(rows)
    for r1, c1, r2, c2 in merges:
        if r2 <= head_row:
            continue
        names = {header[k - 1] if k - 1 < len(header) else "" for k in range(c1, c2 + 1)}
        if c1 == c2 and names <= {"排查人", "排查日期", "问题说明"} and r2 > r1:
            v = (by_row.get(r1) or [None] * c1)[c1 - 1] if c1 - 1 < len(by_row.get(r1) or []) else None
            for r in range(r1 + 1, r2 + 1):
                fill[(r, c1 - 1)] = v
        else:
            c.error(Location(file, sheet, r1, "、".join(n for n in sorted(names) if n) or None), "BC008",
                    f"第 {r1}–{r2} 行、第 {c1}–{c2} 列合并成了一格：说不清是哪一户的，请取消合并后每户各填一行")
    seen: dict[str, int] = {}
    for r, vals in rows:
        def get(name):
            i = cols.get(name)
            if i is None:
                return None
            if (r, i) in fill:
                return fill[(r, i)]
            return vals[i] if i < len(vals) else None

        hid = str(get("户编号") or "").strip()
        if not hid:
            if any(v not in (None, "") for v in vals):
                c.error(Location(file, sheet, r, "户编号"), "BC001", "这一行有内容却没有户编号")
            continue
        where = lambda f: Location(file, sheet, r, f)  # noqa: E731
        f = facts.get(hid)
        if f is None:
            c.error(where("户编号"), "BC002", f"户编号 {hid} 不在 {village} 的排查名单里（生成排查表时没有这一户）："
                                           "新增的农户请加进农户名单后重新生成")
            continue
        if hid in seen:
            c.error(where("户编号"), "BC003", f"户编号 {hid} 在本表里出现了两次（第 {seen[hid]} 行已有）")
            continue
        seen[hid] = r
        answers: dict[int, str] = {}
        bad = False
        way = str(get("住房解决方式") or "").strip() if "住房解决方式" in cols else ""
        eff = HouseFacts(f.registered, f.grade, f.dangerous, f.renovated, f.way or way)
        for ch in CHECKS:
            raw = get(f"查{ch.no}")
            a = normalise_answer(raw)
            cell = where(f"查{ch.no}")
            if a is None:
                c.error(cell, "BC004", f"应为 是、否 或 不适用（请从下拉列表里选），得到“{raw}”")
                bad = True
                continue
            rule = applicability(ch.no, eff)
            if a == "不适用" and rule == APPLIES:
                c.error(cell, "BC005", f"这一户适用“{ch.short}”这项检查（{_why(ch.no, eff)}），不能填“不适用”")
                bad = True
                continue
            if a in ("是", "否") and rule == NOT_APPLICABLE:
                c.error(cell, "BC006", f"这一户不适用“{ch.short}”（{_why(ch.no, eff)}），应为“不适用”")
                bad = True
                continue
            answers[ch.no] = a
        problem = str(get("问题说明") or "").strip()
        if any(a == "否" for a in answers.values()) and not problem:
            c.error(where("问题说明"), "BC007", "有检查选了“否”，要在“问题说明”里写清是什么问题（问题台账要用）")
            bad = True
        raw_date = get("排查日期")
        day = cell_date(raw_date)
        if isinstance(day, str):
            c.error(where("排查日期"), "BC012", f"应为日期，如 2020-04-15，得到“{raw_date}”")
            bad = True
        elif day is not None and not campaign[0] <= day <= campaign[1]:
            c.error(where("排查日期"), "BC013", f"排查日期 {day} 不在行动期间（{campaign[0]} 至 {campaign[1]}）")
            bad = True
        filled = [a for no, a in answers.items() if a in ("是", "否") or (a == "不适用" and applicability(no, eff) != NOT_APPLICABLE)]
        if not filled and not problem and not str(get("排查人") or "").strip() and day is None and not bad:
            continue  # 还没有排查（只有预填的“不适用”）：算作未排查
        if filled and day is None and not bad:
            c.warning(where("排查日期"), "BC014", "填了检查结果却没有排查日期")
        blank = [ch.no for ch in CHECKS if not answers.get(ch.no)]
        if blank and not bad:
            c.warning(where(f"查{blank[0]}"), "BC015", f"八项检查还有 {len(blank)} 项没填（查{'、查'.join(map(str, blank))}）")
        if bad:
            continue
        row = SurveyRow(hid, str(get("户主") or "").strip(), code, village, answers, problem,
                        str(get("排查人") or "").strip(), day, Location(file, sheet, r))
        old = best.get(hid)
        if old is None or (row.date or dt.date.min) >= (old.date or dt.date.min):
            best[hid] = row


def _why(no: int, f: HouseFacts) -> str:
    if no == 4:
        return f"危房等级 {f.grade or '未填'}，是否危房户 {f.dangerous or '未填'}，危房改造 {f.renovated or '未填'}"
    if no == 5:
        return f"住房解决方式为“{f.way or '未填'}”"
    if no == 7:
        return f"危房等级 {f.grade or '未填'}"
    return "每户都要查"


def problem_number(hh_id: str, no: int) -> str:
    """“否”对应的问题编号：同一户同一项检查永远是同一个编号（重新读入时更新而不重复）。"""
    return f"八查-{hh_id}-{no}"
