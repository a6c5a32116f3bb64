"""台账（XLSX）：每村一个工作簿（问题整改、住房安全动态监测、就业帮扶、技能培训、监测对象），
全县汇总（户收入核算、各村统计与清零进度图）。样式、冻结表头、筛选、下拉列表、条件格式、A4 打印设置齐全。

收入与两不愁三保障分开判断（口径见 :class:`docgen.households.compute.Assessment`）；各项结论的文字（是 / 否 / —
及原因）由 :func:`verdicts` 统一给出，全县汇总、村台账与户档（户情卡、收入核算表）共用，三处口径一致。
每张表在标题与表头之间逐条写明所用口径（贫困线、监测线倍数等取配置中的实际数值）。"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from docgen.households.compute import DIMENSIONS, Assessment, Settings, mask_id
from docgen.households.enums import PROBLEM_STATUS
from docgen.households.model import Problem
from docgen.layout import format_date
from docgen.render.ooxml import literal
from docgen.util.fs import atomic_writer

STAMP = dt.datetime(2020, 1, 1)
UNKNOWN_CODE = "—"  # 各村统计中未能归到某个村代码的问题所在行


# ---------------------------------------------------------------- 结论文字（汇总、台账、户档共用）

@dataclass(frozen=True, slots=True)
class Verdicts:
    """一户各项结论的文字。“否”都有原因；无法判断的写“—”。"""

    income: str  # 收入是否达标：是 / 否（没有收入数据、未配置贫困线也记“否”，原因中写明）
    income_reason: str
    monitor: str  # 是否低于监测线：是 / 否 / —（没有收入数据或贫困线）
    decline: str  # 收入是否下降：是 / 否 / —（没有上一年收入数据）
    assurance: str  # 两不愁三保障是否达标：是 / 否
    assurance_reason: str
    exit: str  # 是否达到退出标准：是 / 否
    exit_reason: str


def _yn(b: bool) -> str:
    return "是" if b else "否"


def verdicts(a: Assessment) -> Verdicts:
    monitor = "—" if a.monitor_line is None else _yn(a.below_monitor)
    decline = "—" if a.income is None or a.previous is None else _yn("收入下降" in a.flags)
    why = []
    if not a.income_ok:
        why.append("收入未达标" if a.below_line else "收入无法判断")
    if not a.assurance_ok:
        why.append(f"两不愁三保障未达标（{'、'.join(d for d in DIMENSIONS if d in a.failures) or '、'.join(a.failures)}）")
    return Verdicts(_yn(a.income_ok), a.income_reason, monitor, decline, _yn(a.assurance_ok), a.assurance_reason,
                    _yn(a.passes), "；".join(why))


def remarks(a: Assessment) -> list[str]:
    """备注：核算说明（不计入的项目、未检查的项目）与其余收入提示；已写在收入未达标原因里的不重复。"""
    out = [n for n in a.notes if n and n != a.income_reason]
    if "刚性支出过大" in a.flags:
        out.append("刚性支出过大")
    return out


def amount_text(x: float | None) -> str:
    """口径说明里的金额：整数不带小数（4000），否则两位小数。"""
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def ratio_text(r: float) -> str:
    return f"{r:g}"


def _line_phrase(settings: Settings, year: int | None) -> str:
    """“2020 年 4000 元”；没有年份或没有配置时如实说明。"""
    if year is None:
        return "按核算年度"
    line = settings.line(year)
    return f"{year} 年 {amount_text(line)} 元" if line is not None else f"{year} 年未配置贫困线"


def _monitor_phrase(settings: Settings, year: int | None) -> str:
    line = settings.line(year) if year is not None else None
    if line is None:
        return ""
    return f"{year} 年 {amount_text(line * settings.monitor_ratio)} 元，"


def income_legend(settings: Settings, year: int | None) -> list[str]:
    """收入各项口径（一条一项），全县汇总与户档说明共用。"""
    ratio = ratio_text(settings.monitor_ratio)
    return [
        ("人均纯收入：（工资性收入 + 生产经营性收入 + 财产性收入 + 转移性收入 − 生产经营性支出）÷ 家庭人口数；"
        "一次性收入、帮扶物资等不计入。"),
        (f"收入是否达标：人均纯收入不低于当年贫困线（{_line_phrase(settings, year)}）；没有收入数据或当年未配置贫困线的记“否”，"
        "原因写在“收入未达标原因”。"),
        (f"是否低于监测线：人均纯收入低于贫困线的 {ratio} 倍（{_monitor_phrase(settings, year)}含低于贫困线的户）；"
        "“—”为没有收入数据或未配置贫困线，无法判断。"),
    ]


def assurance_legend(settings: Settings) -> str:
    lo, hi = settings.school_ages
    return (f"两不愁三保障是否达标：不愁吃、不愁穿、义务教育（{lo}–{hi} 周岁）、基本医疗、住房安全、饮水安全都没有不达标项；"
            "“否”的项目与原因写在“未达标项及原因”；没有住房饮水数据的户，住房安全与饮水安全记“没有住房饮水数据，未检查”，不算达标。")


EXIT_LEGEND = "是否达到退出标准：收入达标且两不愁三保障达标；“否”的原因写在“未达到退出标准原因”。"


def _reference_phrase(reference: dt.date | None) -> str:
    if reference is None:
        return "核算年度为基准日期所在年及以前最近一年有收入数据的年份。"
    return f"基准日期 {format_date(reference)}（年龄按此日计算）；核算年度为 {reference.year} 年及以前最近一年有收入数据的年份。"


# ---------------------------------------------------------------- 工作簿与工作表

def _wb(write_only: bool = False):
    """台账工作簿与其命名样式。`write_only` 时逐行写出（全县汇总有几万行，不在内存里建单元格）。"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    wb = Workbook(write_only=write_only)
    side = Side(style="thin", color="000000")
    border = Border(left=side, right=side, top=side, bottom=side)
    for name, font, fill, align in (
        ("台账表头", Font(name="黑体", size=11, bold=False), PatternFill("solid", fgColor="DDEBF7"),
         Alignment(horizontal="center", vertical="center", wrap_text=True)),
        ("台账正文", Font(name="仿宋_GB2312", size=11), None, Alignment(vertical="center", wrap_text=True)),
        ("台账标题", Font(name="方正小标宋简体", size=16), None, Alignment(horizontal="center", vertical="center")),
        ("台账说明", Font(name="仿宋_GB2312", size=10), None, Alignment(horizontal="left", vertical="center", wrap_text=True)),
    ):
        ns = NamedStyle(name=name, font=font, alignment=align)
        if name in ("台账表头", "台账正文"):
            ns.border = border
        if fill is not None:
            ns.fill = fill
        wb.add_named_style(ns)
    if not write_only:
        wb.remove(wb.active)
    return wb


def _number_format(v) -> str | None:
    if isinstance(v, (dt.date, dt.datetime)):
        return "yyyy-mm-dd"
    if isinstance(v, float):
        return "0.00"
    return None


def _legend_height(text: str, width: float) -> float:
    """口径说明行的行高（合并单元格 Excel 不会自动调行高）：按 10 号字每个汉字约 1.9 个列宽单位估算。"""
    per_line = max(1.0, width / 1.9)
    return 14.0 * max(1, math.ceil(len(text) / per_line)) + 2


def _sheet(wb, title: str, heading: str, headers: list[str], rows: Iterable[list], widths: list[float],
           legend: Iterable[str] = ()):
    """一张台账：第 1 行标题（合并），其下逐行写口径说明（每行一项，合并），然后是表头与数据；冻结到表头、
    筛选从表头起、A4 横排打印适应页宽、每页重复表头。返回 (工作表, 第一数据行, 最后数据行)。
    `rows` 可以是生成器：只写工作簿（write_only）时逐行写出，不留在内存里。"""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    legend = [t for t in legend if t]
    ncol = len(headers)
    end = get_column_letter(ncol)
    head_row = 2 + len(legend)
    first = head_row + 1
    ws = wb.create_sheet(title)
    for c in range(1, ncol + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]
    ws.row_dimensions[1].height = 30
    for i, text in enumerate(legend, start=2):
        ws.row_dimensions[i].height = _legend_height(text, sum(widths))
    ws.freeze_panes = f"A{first}"
    n = 0
    if wb.write_only:
        protos: dict = {}  # (样式, 数字格式) → 已设好样式的单元格；其余单元格复制它的样式数组（逐格按名字设样式要慢一倍）

        def cell(v, style):
            fmt = _number_format(v) if style == "台账正文" else None
            x = literal(WriteOnlyCell(ws, v))
            proto = protos.get((style, fmt))
            if proto is None:
                x.style = style
                if fmt:
                    x.number_format = fmt
                protos[(style, fmt)] = x
            else:
                x._style = copy(proto._style)
            return x

        ws.append([cell(heading, "台账标题")])
        for text in legend:
            ws.append([cell(text, "台账说明")])
        ws.append([cell(h, "台账表头") for h in headers])
        for n, row in enumerate(rows, start=1):
            ws.append([cell(v, "台账正文") for v in row])
        ws.merged_cells.add(f"A1:{end}1")
        for r in range(2, head_row):
            ws.merged_cells.add(f"A{r}:{end}{r}")
    else:
        literal(ws.cell(1, 1, heading)).style = "台账标题"
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        for r, text in enumerate(legend, start=2):
            literal(ws.cell(r, 1, text)).style = "台账说明"
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        for c, h in enumerate(headers, start=1):
            ws.cell(head_row, c, h).style = "台账表头"
        for n, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                x = literal(ws.cell(head_row + n, c, v))
                x.style = "台账正文"
                fmt = _number_format(v)
                if fmt:
                    x.number_format = fmt
    last = max(first, head_row + n)  # 没有数据时也留一行空白，下拉列表与条件格式才有区域
    ws.auto_filter.ref = f"A{head_row}:{end}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    return ws, first, last


def _list_validation(ws, col: str, first: int, last: int, values: tuple[str, ...], title: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, showErrorMessage=True,
                        errorTitle=title, error="请从列表中选择：" + "、".join(values))
    dv.add(f"{col}{first}:{col}{max(first, last)}")
    ws.add_data_validation(dv)


def _red_rule(ws, rng: str, formula: str) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill

    ws.conditional_formatting.add(rng, FormulaRule(formula=[formula], fill=PatternFill("solid", fgColor="FFC7CE"),
                                                   font=Font(color="9C0006")))


def _save(wb, path: Path) -> None:
    from docgen.render.ooxml import save_workbook

    wb.properties.creator = wb.properties.lastModifiedBy = "docgen"
    with atomic_writer(path) as fh:
        save_workbook(wb, fh, STAMP)


# ---------------------------------------------------------------- 村台账

def village_ledger(village: str, code: str, assessments: list[Assessment], problems: Iterable[Problem], settings: Settings,
                   report_date: dt.date, path: Path) -> None:
    """一村的台账工作簿。`report_date` 为基准日期（逾期判断、年龄都按它算，不读今天的日期）。
    问题归村：填了涉及户的按户编号的村代码归（同名的村不会混），没填涉及户的按“村”栏的村名归。"""
    wb = _wb()
    probs = [p for p in problems
             if any(h.startswith(code) for h in p.households) or (not p.households and p.village == village)]
    rows = [[i, p.source, p.category, p.description, "、".join(p.households), p.measure, p.owner, p.deadline, p.status,
             p.closed_on] for i, p in enumerate(probs, start=1)]
    ws, first, last = _sheet(wb, "问题整改台账", f"{village}问题整改台账",
                             ["序号", "问题来源", "问题类别", "问题描述", "涉及户", "整改措施", "责任单位", "整改时限", "状态",
                              "销号日期"],
                             rows, [6, 14, 12, 30, 18, 20, 14, 12, 12, 12])
    _list_validation(ws, "I", first, last, PROBLEM_STATUS, "状态")
    ws["L1"] = "报告日期"
    ws["M1"] = report_date
    ws["M1"].number_format = "yyyy-mm-dd"
    _red_rule(ws, f"A{first}:J{last}", f'AND($H{first}<>"",$H{first}<$M$1,$I{first}<>"已销号",$I{first}<>"长期坚持")')

    house = []
    for a in assessments:
        hs = a.household.housing
        if hs is None:
            continue
        house.append([a.household.hh_id, a.household.head.name, a.household.size, hs.area, hs.grade or "", hs.dangerous,
                      hs.renovated, "安全" if "住房安全" not in a.failures else "不安全",
                      "；".join(a.failures.get("住房安全", [])), ""])
    ws, first, last = _sheet(wb, "住房安全动态监测台账", f"{village}住房安全动态监测台账",
                             ["户编号", "户主", "家庭人口", "住房面积", "鉴定等级", "是否危房户", "是否已改造", "住房安全",
                              "不安全原因", "动态核查日期"],
                             house, [20, 14, 10, 10, 10, 12, 12, 10, 28, 14],
                             legend=[("住房安全：鉴定为 C 级（局部危房）、D 级（整幢危房），或登记为危房户（未鉴定为 A、B 级）且尚未改造的为"
                                     "“不安全”（与全县汇总、户情卡的两不愁三保障口径相同）；没有住房饮水数据的户不列入本表。")])
    _list_validation(ws, "E", first, last, ("A", "B", "C", "D"), "鉴定等级")
    _red_rule(ws, f"A{first}:J{last}", f'$H{first}="不安全"')

    jobs, trainees, monitored = [], [], []
    for a in assessments:
        h = a.household
        for m in h.members:
            if m.work:
                jobs.append([h.hh_id, m.name, mask_id(m.id_number, settings), m.labour, m.work, m.work_months, "", ""])
            age = m.age_on(report_date)
            if age is not None and 18 <= age <= 55 and m.labour in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力"):
                trainees.append([h.hh_id, m.name, mask_id(m.id_number, settings), age, m.labour, "", "", "", ""])
        why = _monitor_reasons(a)
        if why:
            v, r = verdicts(a), a.income
            monitored.append([h.hh_id, h.head.name, h.size, round(r.per_capita, 2), r.line,
                              round(a.monitor_line, 2) if a.monitor_line is not None else None, v.income, v.monitor,
                              "、".join(why), a.assurance_reason, "", "否"])
    ws, first, last = _sheet(wb, "就业帮扶台账", f"{village}就业帮扶台账",
                             ["户编号", "姓名", "证件号码", "劳动技能", "务工状况", "务工时间（月）", "就业渠道", "公益性岗位类型"],
                             jobs, [20, 12, 22, 16, 18, 12, 14, 14])
    _list_validation(ws, "G", first, last, ("自主", "劳务输出", "扶贫车间", "公益性岗位", "其他"), "就业渠道")
    ws, first, last = _sheet(wb, "技能培训台账", f"{village}技能培训台账（18–55 岁有劳动能力者）",
                             ["户编号", "姓名", "证件号码", "年龄", "劳动技能", "培训类型", "培训工种", "是否取得证书",
                              "培训后就业情况"],
                             trainees, [20, 12, 22, 8, 16, 16, 14, 12, 16])
    _list_validation(ws, "F", first, last, ("劳动预备制", "岗前", "订单", "岗位技能提升", "创业", "农业实用技术", "雨露计划"),
                     "培训类型")
    _list_validation(ws, "H", first, last, ("是", "否"), "是否取得证书")
    ratio = ratio_text(settings.monitor_ratio)
    year = report_date.year
    ws, first, last = _sheet(wb, "监测对象台账", f"{village}监测对象台账",
                             ["户编号", "户主", "家庭人口", "人均纯收入", "贫困线", "监测线", "收入是否达标", "是否低于监测线",
                              "纳入监测原因", "两不愁三保障未达标项及原因", "帮扶措施", "风险是否已消除"],
                             monitored, [20, 12, 10, 12, 10, 10, 12, 12, 24, 30, 20, 12],
                             legend=[
                                 (f"纳入范围：人均纯收入低于监测线（贫困线的 {ratio} 倍，{_monitor_phrase(settings, year)}"
                                 f"含低于贫困线的户），或人均纯收入比上一年下降，或刚性支出（自付医疗、义务教育等）超过纯收入的 "
                                 f"{ratio_text(settings.hard_expense_ratio)} 倍。"),
                                 (f"收入是否达标：人均纯收入不低于当年贫困线（{_line_phrase(settings, year)}）。"
                                 f"是否低于监测线：人均纯收入低于贫困线的 {ratio} 倍（含低于贫困线的户）。口径与全县汇总、户情卡相同。"),
                             ])
    _list_validation(ws, "L", first, last, ("是", "否"), "风险是否已消除")
    _red_rule(ws, f"A{first}:L{last}", f'$G{first}="否"')
    _save(wb, path)


def _monitor_reasons(a: Assessment) -> list[str]:
    """纳入监测的原因（与监测线口径一致；没有收入数据的户无从判断，不列入）。"""
    if a.income is None:
        return []
    why = []
    if a.below_line:
        why.append("低于贫困线")
    elif a.below_monitor:
        why.append("低于监测线")
    if "收入下降" in a.flags:
        why.append("收入下降")
    if "刚性支出过大" in a.flags:
        why.append("刚性支出过大")
    return why


# ---------------------------------------------------------------- 全县汇总

SUMMARY_HEADERS = ["户编号", "户主姓名", "村", "组", "家庭人口数", "核算年度", "年收入", "纯收入", "人均纯收入", "贫困线", "监测线",
                   "收入是否达标", "收入未达标原因", "是否低于监测线", "收入是否下降", "两不愁三保障是否达标", "未达标项及原因",
                   "是否达到退出标准", "未达到退出标准原因", "备注"]
SUMMARY_WIDTHS = [20, 10, 12, 8, 8, 8, 12, 12, 12, 10, 10, 10, 30, 10, 10, 12, 36, 10, 30, 30]
VILLAGE_HEADERS = ["村", "村代码", "户数", "人数", "收入未达标户数", "低于监测线户数", "两不愁三保障未达标户数", "达到退出标准户数",
                   "问题数", "已销号", "未销号"]
VILLAGE_WIDTHS = [14, 15, 8, 8, 10, 10, 12, 10, 8, 8, 8]


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """全县汇总里的一户：汇总表的一行（:data:`SUMMARY_HEADERS`）与各村统计要用的数（批处理存在分拣结果里，
    汇总时不必解开核算结果）。只放基本类型，可以 pickle。"""

    row: tuple
    village: str
    code: str
    members: int
    income_ok: bool
    below_monitor: bool
    assurance_ok: bool
    passes: bool
    reference: dt.date | None = None


def summary_line(a: Assessment) -> SummaryLine:
    h, r, v = a.household, a.income, verdicts(a)
    money = (lambda x: round(x, 2) if r is not None and x is not None else None)
    row = (h.hh_id, h.head.name, h.village, h.group, h.size, r.year if r else None, money(r.gross if r else None),
           money(r.net if r else None), money(r.per_capita if r else None), r.line if r else None, money(a.monitor_line),
           v.income, v.income_reason, v.monitor, v.decline, v.assurance, v.assurance_reason, v.exit, v.exit_reason,
           "；".join(remarks(a)))
    return SummaryLine(row, h.village, h.village_code, len(h.members), a.income_ok, a.below_monitor, a.assurance_ok,
                       a.passes, a.reference)


def summary_legend(settings: Settings, reference: dt.date | None) -> list[str]:
    """户收入核算表的口径说明（每行一项）。"""
    year = reference.year if reference else None
    return [_reference_phrase(reference), *income_legend(settings, year),
            "收入是否下降：人均纯收入低于上一年；“—”为没有上一年收入数据。", assurance_legend(settings), EXIT_LEGEND]


def village_legend(settings: Settings, reference: dt.date | None) -> list[str]:
    """各村统计的口径说明（每行一项），与户收入核算表、户情卡相同。"""
    year = reference.year if reference else None
    ratio = ratio_text(settings.monitor_ratio)
    return [
        "统计口径与“户收入核算”表、户情卡相同；" + _reference_phrase(reference) + "同名的村按村代码分行统计。",
        (f"收入未达标户数：“收入是否达标”为“否”的户数——人均纯收入低于当年贫困线（{_line_phrase(settings, year)}），"
        "或没有收入数据、未配置贫困线。"),
        f"低于监测线户数：人均纯收入低于贫困线的 {ratio} 倍（{_monitor_phrase(settings, year)}含低于贫困线的户）的户数。",
        "两不愁三保障未达标户数：不愁吃、不愁穿、义务教育、基本医疗、住房安全、饮水安全有一项以上不达标的户数。",
        "达到退出标准户数：收入达标且两不愁三保障达标的户数。",
        ("问题数、已销号、未销号：问题整改台账中归到该村的问题——填了涉及户的按第一户的村代码归，没填的按村名归；"
        f"未销号 = 问题数 − 已销号（含长期坚持）。村代码为“{UNKNOWN_CODE}”的行：未能归到某个村（村名对不上或有同名的村）。"),
    ]


def county_summary(lines: Iterable[Assessment | SummaryLine], problems: Iterable[Problem], path: Path,
                   village_of: dict[str, str] | None = None, settings: Settings | None = None) -> None:
    """全县汇总。`lines`（核算结果或 :class:`SummaryLine`）可以是生成器（逐村读出）：户收入核算表逐行写出，
    内存与户数无关。各村统计按村代码分组（同名不同代码的村分行），村名优先取 `village_of`（村代码 → 村名）。
    问题归村：填了涉及户的按第一户的村代码，没填的按“村”栏的村名（村名唯一时）；都归不上的单列一行。
    `settings` 给出口径说明中的贫困线、监测线倍数（应与核算时所用的相同）；基准日期取 `settings.reference_date`，
    没有时取第一户核算时的基准日期。"""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import AxDataSource, MultiLevelStrRef

    settings = settings or Settings()
    wb = _wb(write_only=True)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = dict(village_of or {})

    it = (x if isinstance(x, SummaryLine) else summary_line(x) for x in lines)
    head = next(it, None)
    reference = settings.reference_date or (head.reference if head is not None else None)

    def rows():
        for line in chain([head] if head is not None else [], it):
            s = stats[line.code]
            s["户数"] += 1
            s["人数"] += line.members
            s["收入未达标"] += not line.income_ok
            s["低于监测线"] += line.below_monitor
            s["两不愁三保障未达标"] += not line.assurance_ok
            s["达到退出标准"] += line.passes
            names.setdefault(line.code, line.village)
            yield list(line.row)

    ws, first, last = _sheet(wb, "户收入核算", "建档立卡户收入核算与退出标准汇总", SUMMARY_HEADERS, rows(), SUMMARY_WIDTHS,
                             legend=summary_legend(settings, reference))
    for h in ("收入是否达标", "两不愁三保障是否达标", "是否达到退出标准"):
        col = _col(SUMMARY_HEADERS, h)
        _red_rule(ws, f"{col}{first}:{col}{last}", f'{col}{first}="否"')
    col = _col(SUMMARY_HEADERS, "是否低于监测线")
    _red_rule(ws, f"{col}{first}:{col}{last}", f'{col}{first}="是"')

    by_name: dict[str, set[str]] = defaultdict(set)
    for code, name in names.items():
        by_name[name].add(code)
    unknown: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in problems:
        code = problem_code(p, names, by_name)
        s = stats[code] if code is not None else unknown[p.village or "（未注明村）"]
        s["问题"] += 1
        s["已销号"] += p.status == "已销号"

    def vrow(name, code, s):
        return [name, code, s["户数"], s["人数"], s["收入未达标"], s["低于监测线"], s["两不愁三保障未达标"], s["达到退出标准"],
                s["问题"], s["已销号"], s["问题"] - s["已销号"]]

    vrows = [vrow(names.get(code, ""), code, s) for code, s in sorted(stats.items())]
    vrows += [vrow(name, UNKNOWN_CODE, s) for name, s in sorted(unknown.items())]
    ws, first, last = _sheet(wb, "各村统计", "各村退出标准与问题清零进度", VILLAGE_HEADERS, vrows, VILLAGE_WIDTHS,
                             legend=village_legend(settings, reference))
    head_row = first - 1
    # 分类轴两级：村名、村代码（同名的村也分得开）
    cats = f"'各村统计'!$A${first}:$B${last}"

    def categories(chart):
        for s in chart.ser:
            s.cat = AxDataSource(multiLvlStrRef=MultiLevelStrRef(f=cats))

    # 清零进度：各村问题已销号与未销号（堆积）
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "各村问题清零进度（已销号 / 未销号）"
    chart.y_axis.title = "问题数"
    c1 = VILLAGE_HEADERS.index("已销号") + 1
    chart.add_data(Reference(ws, min_col=c1, max_col=c1 + 1, min_row=head_row, max_row=last), titles_from_data=True)
    categories(chart)
    chart.width, chart.height = 20, 10
    anchor = _col(VILLAGE_HEADERS, "未销号", offset=2)
    ws.add_chart(chart, f"{anchor}{head_row}")
    # 退出标准：户数与达到退出标准户数（同户情卡、户收入核算表的口径）
    chart2 = BarChart()
    chart2.type = "col"
    chart2.title = "各村户数与达到退出标准户数"
    chart2.y_axis.title = "户数"
    for h in ("户数", "达到退出标准户数"):
        c = VILLAGE_HEADERS.index(h) + 1
        chart2.add_data(Reference(ws, min_col=c, max_col=c, min_row=head_row, max_row=last), titles_from_data=True)
    categories(chart2)
    chart2.width, chart2.height = 20, 10
    ws.add_chart(chart2, f"{anchor}{head_row + 22}")
    _save(wb, path)


def _col(headers: list[str], name: str, offset: int = 0) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers.index(name) + 1 + offset)


def problem_code(p: Problem, names: dict[str, str], by_name: dict[str, set[str]]) -> str | None:
    """问题归到哪个村代码：涉及的第一户的村代码（户编号前 12 位）是已知的村时取它；否则按村名（只有一个村叫这个名字时）；
    都不行时返回 None。"""
    if p.households and p.households[0][:12] in names:
        return p.households[0][:12]
    codes = by_name.get(p.village, set()) if p.village else set()
    if len(codes) == 1:
        return next(iter(codes))
    return None
