"""台账（XLSX）：每村一个工作簿（问题整改、住房安全动态监测、就业帮扶、技能培训、监测对象），
全县汇总（户收入核算、各村统计与清零进度图）。样式、冻结表头、筛选、下拉列表、条件格式、A4 打印设置齐全。"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from docgen.households.compute import Assessment, Settings, mask_id
from docgen.households.model import Problem
from docgen.households.validate import PROBLEM_STATUS
from docgen.util.fs import atomic_writer

STAMP = dt.datetime(2020, 1, 1)


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
    ):
        ns = NamedStyle(name=name, font=font, alignment=align)
        if name != "台账标题":
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


def _sheet(wb, title: str, heading: str, headers: list[str], rows: Iterable[list], widths: list[float]):
    """一张台账：第 1 行标题（合并），第 2 行表头，其后数据；冻结表头、筛选、A4 横排打印适应页宽、每页重复表头。
    `rows` 可以是生成器：只写工作簿（write_only）时逐行写出，不留在内存里。"""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    ws = wb.create_sheet(title)
    for c in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A3"
    n = 0
    if wb.write_only:
        protos: dict = {}  # (样式, 数字格式) → 已设好样式的单元格；其余单元格复制它的样式数组（逐格按名字设样式要慢一倍）

        def cell(v, style):
            fmt = _number_format(v) if style == "台账正文" else None
            x = WriteOnlyCell(ws, v)
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
        ws.append([cell(h, "台账表头") for h in headers])
        for n, row in enumerate(rows, start=1):
            ws.append([cell(v, "台账正文") for v in row])
        ws.merged_cells.add(f"A1:{get_column_letter(len(headers))}1")
    else:
        ws.cell(1, 1, heading).style = "台账标题"
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        for c, h in enumerate(headers, start=1):
            ws.cell(2, c, h).style = "台账表头"
        for n, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                x = ws.cell(n + 2, c, v)
                x.style = "台账正文"
                fmt = _number_format(v)
                if fmt:
                    x.number_format = fmt
    last = max(3, n + 2)  # 没有数据时也留一行空白，下拉列表与条件格式才有区域
    ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{last}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "2:2"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    return ws, last


def _list_validation(ws, col: str, last: int, values: tuple[str, ...], title: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, showErrorMessage=True,
                        errorTitle=title, error="请从列表中选择：" + "、".join(values))
    dv.add(f"{col}3:{col}{max(3, last)}")
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


def village_ledger(village: str, code: str, assessments: list[Assessment], problems: Iterable[Problem], settings: Settings,
                   report_date: dt.date, path: Path) -> None:
    wb = _wb()
    probs = [p for p in problems if p.village == village or any(h.startswith(code) for h in p.households)]
    rows = [[i, p.source, p.category, p.description, "、".join(p.households), p.measure, p.owner, p.deadline, p.status,
             p.closed_on] for i, p in enumerate(probs, start=1)]
    ws, last = _sheet(wb, "问题整改台账", f"{village}问题整改台账",
                      ["序号", "问题来源", "问题类别", "问题描述", "涉及户", "整改措施", "责任单位", "整改时限", "状态", "销号日期"],
                      rows, [6, 14, 12, 30, 18, 20, 14, 12, 12, 12])
    _list_validation(ws, "I", last, PROBLEM_STATUS, "状态")
    ws["L1"] = "报告日期"
    ws["M1"] = report_date
    ws["M1"].number_format = "yyyy-mm-dd"
    _red_rule(ws, f"A3:J{last}", 'AND($H3<>"",$H3<$M$1,$I3<>"已销号",$I3<>"长期坚持")')

    house = []
    for a in assessments:
        hs = a.household.housing
        if hs is None:
            continue
        house.append([a.household.hh_id, a.household.head.name, a.household.size, hs.area, hs.grade or "", hs.dangerous,
                      hs.renovated, "安全" if "住房安全" not in a.failures else "不安全", ""])
    ws, last = _sheet(wb, "住房安全动态监测台账", f"{village}住房安全动态监测台账",
                      ["户编号", "户主", "家庭人口", "住房面积", "鉴定等级", "是否危房户", "是否已改造", "住房安全", "动态核查日期"],
                      house, [20, 14, 10, 10, 10, 12, 12, 10, 14])
    _list_validation(ws, "E", last, ("A", "B", "C", "D"), "鉴定等级")
    _red_rule(ws, f"A3:I{last}", '$H3="不安全"')

    jobs, trainees, monitored = [], [], []
    for a in assessments:
        h = a.household
        for m in h.members:
            if m.work:
                jobs.append([h.hh_id, m.name, mask_id(m.id_number, settings), m.labour, m.work, m.work_months, "", ""])
            age = m.age_on(report_date)
            if age is not None and 18 <= age <= 55 and m.labour in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力"):
                trainees.append([h.hh_id, m.name, mask_id(m.id_number, settings), age, m.labour, "", "", "", ""])
        if a.income and a.flags:
            monitored.append([h.hh_id, h.head.name, h.size, round(a.income.per_capita, 2), a.income.line or "",
                              "、".join(a.flags), "、".join(sum(a.failures.values(), [])), "", "否"])
    ws, last = _sheet(wb, "就业帮扶台账", f"{village}就业帮扶台账",
                      ["户编号", "姓名", "证件号码", "劳动技能", "务工状况", "务工时间（月）", "就业渠道", "公益性岗位类型"],
                      jobs, [20, 12, 22, 16, 18, 12, 14, 14])
    _list_validation(ws, "G", last, ("自主", "劳务输出", "扶贫车间", "公益性岗位", "其他"), "就业渠道")
    ws, last = _sheet(wb, "技能培训台账", f"{village}技能培训台账（18–55 岁有劳动能力者）",
                      ["户编号", "姓名", "证件号码", "年龄", "劳动技能", "培训类型", "培训工种", "是否取得证书", "培训后就业情况"],
                      trainees, [20, 12, 22, 8, 16, 16, 14, 12, 16])
    _list_validation(ws, "F", last, ("劳动预备制", "岗前", "订单", "岗位技能提升", "创业", "农业实用技术", "雨露计划"), "培训类型")
    _list_validation(ws, "H", last, ("是", "否"), "是否取得证书")
    ws, last = _sheet(wb, "监测对象台账", f"{village}监测对象台账",
                      ["户编号", "户主", "家庭人口", "人均纯收入", "贫困线", "收入提示", "未达标项", "帮扶措施", "风险是否已消除"],
                      monitored, [20, 12, 10, 12, 10, 22, 30, 20, 12])
    _list_validation(ws, "I", last, ("是", "否"), "风险是否已消除")
    _red_rule(ws, f"A3:I{last}", "AND(ISNUMBER($D3),ISNUMBER($E3),$D3<$E3)")
    _save(wb, path)


@dataclass(frozen=True)
class SummaryLine:
    """全县汇总里的一户：汇总表的一行与各村统计要用的数（批处理存在分拣结果里，汇总时不必解开核算结果）。"""

    row: tuple
    village: str
    code: str
    members: int
    below_line: bool
    passes: bool


def summary_line(a: Assessment) -> SummaryLine:
    h, r = a.household, a.income
    row = (h.hh_id, h.head.name, h.village, h.size, r.gross if r else None, r.net if r else None,
           round(r.per_capita, 2) if r else None, r.line if r else None,
           "是" if a.below_line else "否", "是" if "低于监测线" in a.flags else "否",
           "是" if "收入下降" in a.flags else "否", "是" if a.passes else "否",
           "；".join(f"{k}：{'、'.join(v)}" for k, v in a.failures.items()), "；".join(a.notes))
    return SummaryLine(row, h.village, h.village_code, len(h.members), a.below_line, a.passes)


def county_summary(lines: Iterable[Assessment | SummaryLine], problems: Iterable[Problem], path: Path,
                   village_of: dict[str, str] | None = None) -> None:
    """全县汇总。`lines`（核算结果或 :class:`SummaryLine`）可以是生成器（逐村读出）：户收入核算表逐行写出，
    内存与户数无关。问题按“村”栏归村；没填村的按涉及的第一户的村代码（`village_of`：村代码 → 村名）归。"""
    from openpyxl.chart import BarChart, Reference

    wb = _wb(write_only=True)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = dict(village_of or {})

    def rows():
        for x in lines:
            line = x if isinstance(x, SummaryLine) else summary_line(x)
            s = stats[line.village]
            s["户数"] += 1
            s["人数"] += line.members
            s["低于标准"] += line.below_line
            s["全部达标"] += line.passes
            names.setdefault(line.code, line.village)
            yield list(line.row)

    ws, last = _sheet(wb, "户收入核算", "建档立卡户收入核算汇总",
                      ["户编号", "户主姓名", "村", "家庭人口数", "年收入", "纯收入", "人均纯收入", "贫困线", "是否低于标准",
                       "是否低于监测线", "收入是否下降", "两不愁三保障是否全部达标", "未达标原因", "备注"],
                      rows(), [20, 12, 12, 10, 12, 12, 12, 10, 12, 12, 12, 14, 36, 30])
    _red_rule(ws, f"A3:N{last}", '$I3="是"')
    for p in problems:
        v = p.village or (names.get(p.households[0][:12], "") if p.households else "")
        stats[v]["问题"] += 1
        stats[v]["已销号"] += p.status == "已销号"
    vrows = [[v, s["户数"], s["人数"], s["低于标准"], s["全部达标"], s["问题"], s["已销号"], s["问题"] - s["已销号"]]
             for v, s in sorted(stats.items()) if v]
    ws, last = _sheet(wb, "各村统计", "各村清零进度",
                      ["村", "户数", "人数", "低于标准户数", "全部达标户数", "问题数", "已销号", "未销号"], vrows,
                      [14, 8, 8, 12, 12, 8, 8, 8])
    # 清零进度：各村问题已销号与未销号（堆积）；达标情况：户数与全部达标户数
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "各村问题清零进度"
    chart.y_axis.title = "问题数"
    chart.add_data(Reference(ws, min_col=7, max_col=8, min_row=2, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
    chart.width, chart.height = 20, 10
    ws.add_chart(chart, "J2")
    chart2 = BarChart()
    chart2.type = "col"
    chart2.title = "各村户数与两不愁三保障全部达标户数"
    chart2.add_data(Reference(ws, min_col=2, max_col=2, min_row=2, max_row=last), titles_from_data=True)
    chart2.add_data(Reference(ws, min_col=5, max_col=5, min_row=2, max_row=last), titles_from_data=True)
    chart2.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
    chart2.width, chart2.height = 20, 10
    ws.add_chart(chart2, "J24")
    _save(wb, path)
