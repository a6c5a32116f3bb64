"""核对的结果：一个报告工作簿（汇总一张、每个项目一张）与每户一份核对单（Word 与 PDF，交给要改的帮扶干部）。

核对单里的身份证号按 docgen.yml 的“身份证打码”打码（核对单要拿到村里去）；报告工作簿是内部台账，写全。
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docgen.crosscheck.compare import COLUMNS, ITEMS, RULES, Result

from docgen.batch.plan import CROSSCHECK_REPORT as REPORT  # noqa: E402 — 输出路径只由批处理计划决定
from docgen.batch.plan import CROSSCHECK_SHEETS as SHEETS_DIR  # noqa: E402
_ID = re.compile(r"\d{17}[\dXx]")


def write_report(res: Result, path: Path, stamp: dt.date) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from docgen.render.ooxml import literal, workbook_bytes
    from docgen.util.fs import atomic_write

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["村代码", "村", "库里户数", "册里户数", "有不一致的户", *ITEMS, "合计"])
    codes = sorted(set(res.households_ku) | set(res.households_ce) | {m.village_code for m in res.mismatches})
    per: dict[str, dict[str, int]] = {c: {k: 0 for k in ITEMS} for c in codes}
    bad: dict[str, set[str]] = {c: set() for c in codes}
    for m in res.mismatches:
        per[m.village_code][m.item] += 1
        bad[m.village_code].add(m.hh_id)
    for c in codes:
        ws.append([c, res.names.get(c, ""), res.households_ku.get(c, 0), res.households_ce.get(c, 0), len(bad[c]),
                   *[per[c][k] for k in ITEMS], sum(per[c].values())])
    ws.append(["合计", "", sum(res.households_ku.values()), sum(res.households_ce.values()),
               sum(len(b) for b in bad.values()), *[sum(p[k] for p in per.values()) for k in ITEMS], len(res.mismatches)])
    for item in ITEMS:
        s = wb.create_sheet(item)
        s.append(list(COLUMNS))
        for m in res.mismatches:
            if m.item == item:
                s.append(m.as_row())
        for i, w in enumerate((12, 18, 8, 8, 7, 26, 18, 30, 6, 18, 30, 30), start=1):
            s.column_dimensions[get_column_letter(i)].width = w
        s.freeze_panes = "C2"
    rules = wb.create_sheet("规则")
    rules.append(["规则", "项目", "说明"])
    for code, (item, text) in RULES.items():
        rules.append([code, item, text])
    if res.issues:
        iss = wb.create_sheet("读册时的问题")
        iss.append(["级别", "位置", "代码", "说明"])
        for i in res.issues:
            iss.append(["错误" if i.severity == "error" else "警告", str(i.location), i.code, i.message])
    for sheet in wb.worksheets:
        for c in sheet[1]:
            c.font = Font(name="黑体", bold=True)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in sheet.iter_rows(min_row=2):
            for c in row:
                literal(c)
    wb.properties.creator = "docgen"
    wb.properties.title = "库册实证说核对"
    atomic_write(path, workbook_bytes(wb, dt.datetime(stamp.year, stamp.month, stamp.day)))
    return path


def _masked(text: str, settings) -> str:
    from docgen.households.compute import mask_id

    return _ID.sub(lambda m: mask_id(m.group(0), settings), text)


def sheet_context(hh_id: str, items: list, settings, stamp: dt.date) -> dict:
    first = items[0]
    return {"hh_id": hh_id, "head": first.head, "village": first.village, "date": f"{stamp.year}年{stamp.month}月{stamp.day}日",
            "rows": [{"item": m.item, "rule": m.rule, "ku": _masked(m.ku, settings), "ku_where": m.ku_where,
                      "source": m.source, "other": _masked(m.other, settings), "other_where": m.other_where,
                      "detail": _masked(m.detail, settings)} for m in items]}


def sheet_docx(ctx: dict) -> bytes:
    """核对单（Word）：python-docx 逐格写文字（不经过模板解释，值里的任何字符都按原文）。"""
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Mm(15))
    doc.core_properties.author = "docgen"
    doc.core_properties.title = f"库册核对单 {ctx['hh_id']}"
    stamp = dt.datetime(2020, 1, 1)
    doc.core_properties.created = doc.core_properties.modified = stamp
    doc.core_properties.last_printed = stamp
    doc.core_properties.revision = 1
    h = doc.add_paragraph()
    r = h.add_run("建档立卡户库册实证说核对单")
    r.font.size = Pt(18)
    r.bold = True
    doc.add_paragraph(f"{ctx['village']}　户编号：{ctx['hh_id']}　户主：{ctx['head']}　核对日期：{ctx['date']}")
    cols = ("项目", "不一致之处", "库（国办系统）", "库的位置", "另一边", "另一边的值", "另一边的位置", "备注")
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    for c, text in zip(t.rows[0].cells, cols):
        c.text = text
    for row in ctx["rows"]:
        cells = t.add_row().cells
        for c, text in zip(cells, (row["item"], row["rule"], row["ku"], row["ku_where"], row["source"], row["other"],
                                   row["other_where"], row["detail"])):
            c.text = str(text)
    for row in t.rows:
        for c in row.cells:
            for p in c.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    doc.add_paragraph()
    doc.add_paragraph("核对人：　　　　　　帮扶责任人：　　　　　　户主签字：　　　　　　改正日期：")
    buf = io.BytesIO()
    doc.save(buf)
    from docgen.render.ooxml import deterministic_zip

    return deterministic_zip(buf.getvalue())


def sheet_targets(res: Result, formats=(".docx", ".pdf")) -> list[tuple[str, list, str]]:
    """各户核对单的 (户编号, 该户的不一致, 相对路径：核对单/村名/户编号-户主.docx|.pdf)，按户编号、格式排。
    写核对单与批处理的 --dry-run 都用它（路径只在这里、由 :func:`docgen.batch.plan.crosscheck_sheet` 定）。"""
    from docgen.batch.plan import crosscheck_sheet, unit_names

    by_hh = res.by_household()
    villages = unit_names([(res.names.get(c, c), c) for c in sorted({m.village_code for m in res.mismatches})])
    out = []
    for hh, items in sorted(by_hh.items()):
        code = items[0].village_code
        unit = villages[(res.names.get(code, code), code)]
        out += [(hh, items, crosscheck_sheet(unit, hh, items[0].head, suffix)) for suffix in (".docx", ".pdf")
                if suffix in formats]
    return out


def write_sheets(res: Result, out: Path, settings, stamp: dt.date, fonts=None, formats=(".docx", ".pdf"),
                 templates: Path | None = None) -> list[Path]:
    """每户一份核对单：out/核对单/村名/户编号-户主.docx|.pdf。PDF 用 Typst（与户档同一个模板目录、同一套字体）。"""
    from docgen.util.fs import atomic_write

    written = []
    forms = None
    ctx = None
    for hh, items, rel in sheet_targets(res, formats):
        if ctx is None or ctx[0] != hh:
            ctx = (hh, sheet_context(hh, items, settings, stamp))
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".docx"):
            atomic_write(target, sheet_docx(ctx[1]), durable=False)
        else:
            if forms is None:
                from docgen.fonts import FontSet
                from docgen.render.env import templates_dir
                from docgen.render.typst_engine import TypstForms

                forms = TypstForms(Path(templates or templates_dir()) / "typst", fonts or FontSet())
            atomic_write(target, forms.render("crosscheck_sheet.typ", ctx[1], stamp), durable=False)
        written.append(target)
    return written
