"""任务清单 → PDF（HTML 中的 rowspan/colspan）、DOCX（单独成文的横排 Word）、XLSX（清单 + 跟踪表）。"""

from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup

from docgen.fonts import FontSet
from docgen.layout import GB9704, break_title, mm, text_width_em, twip
from docgen.model.table import regions
from docgen.model.tasklist import STATUSES, TaskList
from docgen.render.context import table_view
from docgen.render.ooxml import literal, para, run, set_core_properties, workbook_bytes

FIXED_DATE = dt.datetime(2000, 1, 1)  # 清单没有日期时写入文件属性的固定日期（保证同一输入得到相同字节）


def _doc_date(tl: TaskList) -> dt.datetime:
    if tl.report_date:
        return dt.datetime(tl.report_date.year, tl.report_date.month, tl.report_date.day)
    if tl.year:
        return dt.datetime(tl.year, 1, 1)
    return FIXED_DATE


def year_keyword(tl: TaskList) -> str:
    """年度写在文件属性的关键词里，导入时读回（完成时限的年份依据）。"""
    return f"年度:{tl.year}" if tl.year else ""


def render_tasklist_html(tl: TaskList, fonts: FontSet) -> str:
    from docgen.render.env import make_env, templates_dir
    from docgen.render.pdf import _pageno_css, _table_fixer, font_families

    table = tl.as_table()
    env = make_env(str(templates_dir() / "html"))
    return env.get_template("tasklist.html").render(
        g=GB9704, f=font_families(fonts), pageno_css=Markup(_pageno_css(fonts)),
        title=tl.title, title_lines=break_title(tl.title, 28.0) if tl.title else [],
        table=table, rows=table_view(table), fixed_widths=_table_fixer(fonts)(table, True),
        created=_doc_date(tl).date().isoformat())


def render_tasklist_pdf(tl: TaskList, fonts: FontSet) -> bytes:
    from docgen.render.pdf import _layout, _write

    doc = _layout(render_tasklist_html(tl, fonts), _base(), fonts, [])
    return _write(doc, _doc_date(tl).date())


def _base():
    from docgen.render.env import templates_dir

    return templates_dir()


def render_tasklist_docx(tl: TaskList) -> bytes:
    """单独成文的横排 Word：标题 + 表格（表头每页重复、行不跨页、合并按数据计算）。"""
    from docgen.render.docx import _table, open_template, save_docx

    doc, sect = open_template()
    els = []
    if tl.title:
        els.append(para("GWTitle", [run("\n".join(break_title(tl.title, 28.0)))], after=GB9704.line_pitch_twip))
    els.append(_table(tl.as_table(), twip(mm(GB9704.block_h_mm))))
    from docgen.render.docx import write_sections

    write_sections(doc, sect, [("standalone", els)])
    set_core_properties(doc, title=tl.title or "任务清单", author="docgen", keywords=year_keyword(tl), date=_doc_date(tl))
    return save_docx(doc)


# ---------------------------------------------------------------- XLSX

def render_tasklist_xlsx(tl: TaskList) -> bytes:
    """两张表：“任务清单”（合并单元格、折行、冻结表头、A4 横排打印适应页宽、每页重复表头）
    和“跟踪”（每个任务一行：状态下拉、完成日期、备注；超过报告日期未完成的标红）。"""
    from openpyxl import Workbook

    wb = Workbook()
    _add_styles(wb)
    ws = wb.active
    ws.title = "任务清单"
    _list_sheet(ws, tl)
    _tracking_sheet(wb.create_sheet("跟踪"), tl)
    stamp = _doc_date(tl)
    wb.properties.creator = "docgen"
    wb.properties.lastModifiedBy = "docgen"
    wb.properties.title = tl.title or "任务清单"
    wb.properties.keywords = year_keyword(tl)
    return workbook_bytes(wb, stamp)


def _add_styles(wb) -> None:
    """命名样式只登记一次，单元格按名引用（逐格设置字体、边框、对齐在千行清单上要慢十倍）。"""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

    side = Side(style="thin", color="000000")
    border = Border(left=side, right=side, top=side, bottom=side)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    body = Font(name="仿宋_GB2312", size=12)
    specs = {
        "清单表头": (Font(name="黑体", size=12), centre, border, PatternFill("solid", fgColor="F2F2F2")),
        "清单正文": (body, wrap, border, None),
        "清单居中": (body, centre, border, None),
        "清单标题": (Font(name="方正小标宋简体", size=18), centre, None, None),
    }
    for name, (font, align, bd, fill) in specs.items():
        ns = NamedStyle(name=name, font=font, alignment=align)
        if bd is not None:
            ns.border = bd
        if fill is not None:
            ns.fill = fill
        wb.add_named_style(ns)


def _excel_width(em: float) -> float:
    """字数 → Excel 列宽（一个汉字约占 2 个字符宽）。"""
    return round(em * 2 + 1, 1)


def _list_sheet(ws, tl: TaskList) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.properties import PageSetupProperties

    ncols = len(tl.columns)
    table = tl.as_table()
    widths = table.widths
    scale = 46 / sum(widths)  # A4 横排适应页宽时约 46 个汉字宽（12 pt）
    col_em = [w * scale for w in widths]
    for c, em in enumerate(col_em, start=1):
        ws.column_dimensions[get_column_letter(c)].width = _excel_width(em)
    first = 1
    if tl.title:
        literal(ws.cell(1, 1, tl.title)).style = "清单标题"
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        ws.row_dimensions[1].height = 36
        first = 2
    for c, name in enumerate(tl.columns, start=1):
        ws.cell(first, c, name).style = "清单表头"
    ws.row_dimensions[first].height = 32
    reg = regions(tl.rows)
    resolved = tl.resolved()
    task_col = tl.task_col
    top = first + 1
    for r, row in enumerate(tl.rows):
        height_lines = 1
        for c in range(ncols):
            g = reg[(r, c)]
            cell = ws.cell(top + r, c + 1)
            merged = g.rowspan > 1 or g.colspan > 1
            cell.style = "清单居中" if merged or c != task_col else "清单正文"
            if (g.row, g.col) == (r, c):
                cell.value = resolved[r][c]
                literal(cell)
                if not merged:
                    lines = math.ceil(text_width_em(resolved[r][c]) / max(col_em[c] - 0.5, 1))
                    height_lines = max(height_lines, lines)
        ws.row_dimensions[top + r].height = max(18, 16.5 * height_lines)
    # 直接登记合并区域：每格的边框已由样式给出，不必让 openpyxl 逐个重设（merge_cells 在千行上很慢）
    for g in sorted({g for g in reg.values() if g.rowspan > 1 or g.colspan > 1}, key=lambda g: (g.row, g.col)):
        ws.merged_cells.add(CellRange(min_col=g.col + 1, min_row=top + g.row,
                                      max_col=g.col + g.colspan, max_row=top + g.row + g.rowspan - 1))
    ws.freeze_panes = ws.cell(top, 1)
    _print_setup(ws, f"{first}:{first}")
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _print_setup(ws, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.oddFooter.center.text = "— &P —"
    ws.print_options.horizontalCentered = True


TRACK_COLUMNS = ("序号", "层级", "具体任务", "责任", "完成时限", "截止日期", "状态", "完成日期", "备注")


def _tracking_sheet(ws, tl: TaskList) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties

    ws["A1"] = "报告日期"
    ws["A1"].style = "清单表头"
    if tl.report_date:
        ws["B1"] = tl.report_date
    else:
        ws["B1"] = "=TODAY()"
    ws["B1"].number_format = "yyyy-mm-dd"
    ws["C1"] = "改动报告日期后，截止日期已过而状态不是“已完成”“已销号”的任务自动标红。"
    ws["C1"].font = Font(name="仿宋_GB2312", size=10, color="666666")
    for c, name in enumerate(TRACK_COLUMNS, start=1):
        ws.cell(2, c, name).style = "清单表头"
    tasks = tl.tasks()
    for i, t in enumerate(tasks, start=1):
        r = i + 2
        values = [i, " / ".join(x for x in t["path"] if x), t["task"], t["owner"], t["deadline"], t["due"], t["status"],
                  None, None]
        for c, v in enumerate(values, start=1):
            literal(ws.cell(r, c, v)).style = "清单正文" if c in (2, 3) else "清单居中"
        ws.cell(r, 6).number_format = "yyyy-mm-dd"
        ws.cell(r, 8).number_format = "yyyy-mm-dd"
        ws.row_dimensions[r].height = max(18, 16.5 * math.ceil(text_width_em(t["task"]) / 24))
    last = len(tasks) + 2
    for c, w in enumerate((5, 14, 26, 10, 10, 8, 7, 8, 12), start=1):
        ws.column_dimensions[get_column_letter(c)].width = _excel_width(w)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False,
                        showErrorMessage=True, errorTitle="状态", error="请从列表中选择：" + "、".join(STATUSES))
    dv.add(f"G3:G{last}")
    ws.add_data_validation(dv)
    dd = DataValidation(type="date", operator="greaterThan", formula1="1", showErrorMessage=True,
                        errorTitle="完成日期", error="请填写日期，如 2020-05-31")
    dd.add(f"H3:H{last}")
    ws.add_data_validation(dd)
    red = PatternFill("solid", fgColor="FFC7CE")
    ws.conditional_formatting.add(
        f"A3:I{last}",
        FormulaRule(formula=['AND($F3<>"",$F3<$B$1,$G3<>"已完成",$G3<>"已销号")'], fill=red,
                    font=Font(color="9C0006"), stopIfTrue=False))
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:I{last}"
    _print_setup(ws, "2:2")
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
