"""任务清单：读取（树形/平铺 YAML、Excel、Word）、合并、完成时限、三种输出与导入往返。"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pymupdf
import pytest
from click.testing import CliRunner
from conftest import ROOT
from docx import Document
from lxml import etree

from docgen.api import render_document
from docgen.cli import cli
from docgen.load.tasklist import load_tasklist
from docgen.model.table import regions
from docgen.model.tasklist import parse_deadline

SAMPLE = ROOT / "samples" / "tongwang-2020-108" / "tasklist.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def tl():
    return load_tasklist(SAMPLE)


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


# ------------------------------------------------------------------ 数据


def test_sample_has_whole_table(tl):
    assert tl.columns == ["类别", "种类", "项目", "具体任务", "责任科室（责任人）", "完成时限"]
    assert len(tl.rows) == 24
    vals = tl.resolved()
    assert [v[0] for v in vals].count("三排查三清零") == 13 and [v[0] for v in vals].count("三落实") == 5
    # 责任、时限只在原表合并处合并：就业扶贫第 2、3 项与第 1 项同一责任格
    reg = regions(tl.rows)
    assert reg[(7, 4)] == reg[(6, 4)] and reg[(6, 4)].rowspan == 3
    assert reg[(7, 5)].rowspan == 2 and reg[(6, 5)].rowspan == 1
    # 跨种类的合并（识别精准→帮扶精准，责任“全体帮扶干部、局办公室”占 4 行）
    assert reg[(13, 4)].rowspan == 4


def test_flat_rows_merge_hierarchy_by_value_but_not_other_columns(write_yaml):
    src = write_yaml("""\
        年度: 2020
        行:
          - [甲, 子, 项, 任务一, 科室A, 5月底前]
          - [甲, 子, 项, 任务二, 科室A, 5月底前]
          - [甲, 丑, 项, 任务三, ~, 6月底前]
          - {类别: 乙, 种类: 丑, 项目: 项, 具体任务: 任务四}
        """, "list.yaml")
    t = load_tasklist(src)
    assert t.rows[1][:3] == [None, None, None]  # 同一上级、同样内容：合并
    assert t.rows[2][:3] == [None, "丑", "项"]  # 上级不同：不合并
    assert t.rows[1][4] == "科室A" and t.rows[2][4] is None  # 只有 ~ 才合并
    assert t.rows[3] == ["乙", "丑", "项", "任务四", "", ""]


@pytest.mark.parametrize("text,due", [
    ("11月底前", dt.date(2020, 11, 30)), ("5月底前", dt.date(2020, 5, 31)), ("2月底前", dt.date(2020, 2, 29)),
    ("4月15前完成并长期坚持", dt.date(2020, 4, 15)), ("4月15日前", dt.date(2020, 4, 15)),
    ("5月底之前全面精准达标", dt.date(2020, 5, 31)), ("6月底前整改到位并长期坚持", dt.date(2020, 6, 30)),
    ("4月上旬", dt.date(2020, 4, 10)), ("2021年3月底前", dt.date(2021, 3, 31)), ("2020-06-30", dt.date(2020, 6, 30)),
    ("长期坚持", None), ("及时处置长期坚持", None), ("13月底前", None), ("", None),
])
def test_deadlines(text, due):
    assert parse_deadline(text, 2020) == due


def test_deadline_kept_as_written_and_status(tl):
    tasks = tl.tasks()
    assert [t["deadline"] for t in tasks][:8] == ["11月底前", "5月底前", "6月底前", "长期坚持", "4月底前",
                                               "4月底前完成并长期坚持", "3月底前", "4月15日前完成并长期坚持"]
    assert tasks[3]["due"] is None and tasks[3]["status"] == "长期坚持"
    assert tasks[7]["due"] == dt.date(2020, 4, 15)
    assert tasks[8]["deadline"] == "4月15日前完成并长期坚持"  # 合并格的内容归到每个任务


# ------------------------------------------------------------------ 输出


def docx_grid(data: bytes, table_index: int = 0):
    """独立解析 Word 表格：[(行, 网格列, 跨列, vMerge)]。"""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    tbl = root.findall(f".//{W}tbl")[table_index]
    out = []
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        col = 0
        for tc in tr.findall(f"{W}tc"):
            pr = tc.find(f"{W}tcPr")
            span = pr.find(f"{W}gridSpan")
            span = int(span.get(f"{W}val")) if span is not None else 1
            vm = pr.find(f"{W}vMerge")
            vm = None if vm is None else (vm.get(f"{W}val") or "continue")
            out.append((r, col, span, vm))
            col += span
    return tbl, out


def expected_merges(t):
    reg = regions(t.rows)
    exp = []
    for r in range(len(t.rows)):
        for c in range(len(t.columns)):
            g = reg[(r, c)]
            if c != g.col:
                continue
            vm = None if g.rowspan == 1 else ("restart" if r == g.row else "continue")
            exp.append((r + 1, c, g.colspan, vm))
    return exp


def test_docx_merges_match_data(tl):
    data = render_document(SAMPLE, ".docx")
    tbl, cells = docx_grid(data)
    assert [c for c in cells if c[0] > 0] == expected_merges(tl)
    rows = tbl.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # 表头每页重复
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)  # 行不跨页
    grid = [int(g.get(f"{W}w")) for g in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    assert abs(sum(grid) - round(225 / 25.4 * 1440)) <= 2  # 适应 A4 横排版心宽 225 mm
    assert grid[3] == max(grid)  # 具体任务最宽
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    sz = root.find(f".//{W}sectPr/{W}pgSz")
    assert sz.get(f"{W}orient") == "landscape" and sz.get(f"{W}w") == "16838"


def test_xlsx_list_sheet(tl):
    wb = openpyxl.load_workbook(io.BytesIO(render_document(SAMPLE, ".xlsx")))
    ws = wb["任务清单"]
    assert ws["A1"].value == tl.title and "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(2, c).value for c in range(1, 7)] == tl.columns
    got = {str(r) for r in ws.merged_cells.ranges} - {"A1:F1"}
    from openpyxl.utils import get_column_letter

    exp = set()
    for g in set(regions(tl.rows).values()):
        if g.rowspan > 1 or g.colspan > 1:
            exp.add(f"{get_column_letter(g.col + 1)}{g.row + 3}:{get_column_letter(g.col + g.colspan)}{g.row + g.rowspan + 2}")
    assert got == exp
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$2:$2"  # 每页重复表头
    assert ws.cell(4, 4).alignment.wrap_text
    assert ws.cell(3, 1).value == "三排查三清零" and ws.cell(4, 1).value is None


def test_xlsx_tracking_sheet(tl, write_yaml):
    wb = openpyxl.load_workbook(io.BytesIO(render_document(SAMPLE, ".xlsx")))
    ws = wb["跟踪"]
    assert ws["B1"].value == "=TODAY()"  # 没写报告日期时按当天判断
    assert [ws.cell(2, c).value for c in range(1, 10)] == ["序号", "层级", "具体任务", "责任", "完成时限", "截止日期",
                                                           "状态", "完成日期", "备注"]
    assert ws.max_row == 2 + 24
    assert ws["F3"].value == dt.datetime(2020, 11, 30) and ws["E3"].value == "11月底前"
    assert ws["G6"].value == "长期坚持" and ws["F6"].value is None
    dv = [d for d in ws.data_validations.dataValidation if d.type == "list"][0]
    assert dv.formula1 == '"未开始,进行中,已完成,已销号,长期坚持"' and "G3:G26" in str(dv.sqref)
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert any("$F3<$B$1" in f for r in rules for f in r.formula)
    # 写了报告日期就用它
    text = SAMPLE.read_text(encoding="utf-8").replace("年度: 2020\n", "年度: 2020\n报告日期: 2020-05-01\n")
    wb2 = openpyxl.load_workbook(io.BytesIO(render_document(write_yaml(text, "t.yaml"), ".xlsx")))
    assert wb2["跟踪"]["B1"].value == dt.datetime(2020, 5, 1)


def test_pdf_landscape_with_repeated_header(tl):
    pdf = pymupdf.open(stream=render_document(SAMPLE, ".pdf"), filetype="pdf")
    assert len(pdf) >= 3
    text = ""
    for page in pdf:
        assert page.rect.width > page.rect.height  # A4 横排
        t = page.get_text()
        assert "具体任务" in t and "完成时限" in t  # 表头每页重复
        text += t
    flat = text.replace("\n", "")
    table_text = flat.split("完成时限", 1)[1]
    assert table_text.count("三排查三清零") == 1  # 合并格只出现一次（标题中的不算）
    for row in tl.resolved():
        assert row[3] in flat


def test_same_bytes_twice():
    for fmt in (".docx", ".xlsx", ".pdf"):
        assert render_document(SAMPLE, fmt) == render_document(SAMPLE, fmt), fmt


# ------------------------------------------------------------------ 导入与往返


@pytest.mark.parametrize("fmt", [".docx", ".xlsx"])
def test_roundtrip_of_docgen_output(tl, tmp_path, fmt):
    out = tmp_path / f"清单{fmt}"
    assert invoke("render", SAMPLE, "-o", out, "-q").exit_code == 0
    y = tmp_path / "back.yaml"
    res = invoke("import", out, "-o", y)
    assert res.exit_code == 0, res.stderr
    back = load_tasklist(y)
    assert back.same_data(tl)
    # 再渲染、再导入，数据不变
    out2 = tmp_path / f"again{fmt}"
    assert invoke("render", y, "-o", out2, "-q").exit_code == 0
    y2 = tmp_path / "back2.yaml"
    assert invoke("import", out2, "-o", y2, "-q").exit_code == 0
    assert y2.read_text(encoding="utf-8").split("\n", 2)[2] == y.read_text(encoding="utf-8").split("\n", 2)[2]


def hand_made_docx(path):
    """办公室手工做的 Word 表：python-docx 合并单元格，表头写法不同，另有一列“备注”。"""
    d = Document()
    d.add_paragraph("某某镇危房改造任务清单（2021年）")
    t = d.add_table(rows=5, cols=6)
    data = [["类别", "项目", "工作任务", "责任单位", "完成时间", "备注"],
            ["危房改造", "排查", "逐户排查", "村建办", "3月底前", ""],
            ["", "", "建立台账", "", "", "每月更新"],
            ["", "改造", "完成改造", "村建办", "6月底前", ""],
            ["资金", "发放", "资金发放到户", "财政所", "7月15日前", ""]]
    for r, row in enumerate(data):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    t.cell(1, 0).merge(t.cell(3, 0)).text = "危房改造"  # 纵向合并 3 行
    t.cell(1, 1).merge(t.cell(2, 1)).text = "排查"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "村建办"
    t.cell(1, 4).merge(t.cell(2, 4)).text = "3月底前"
    t.cell(4, 4).merge(t.cell(4, 5)).text = "7月15日前"  # 横向合并
    d.save(path)


def hand_made_xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append(["某某镇危房改造任务清单（2021年）"])
    ws.append(["类别", "项目", "工作任务", "责任单位", "完成时间", "备注"])
    ws.append(["危房改造", "排查", "逐户排查", "村建办", "3月底前", None])
    ws.append([None, None, "建立台账", None, None, "每月更新"])
    ws.append([None, "改造", "完成改造", "村建办", "6月底前", None])
    ws.append(["资金", "发放", "资金发放到户", "财政所", "7月15日前", None])
    for rng in ("A3:A5", "B3:B4", "D3:D4", "E3:E4", "E6:F6"):
        ws.merge_cells(rng)
    wb.save(path)


@pytest.mark.parametrize("maker,name", [(hand_made_docx, "手工.docx"), (hand_made_xlsx, "手工.xlsx")])
def test_roundtrip_of_hand_made_tables(tmp_path, maker, name):
    src = tmp_path / name
    maker(src)
    y = tmp_path / "a.yaml"
    res = invoke("import", src, "-o", y)
    assert res.exit_code == 0, res.stderr
    t = load_tasklist(y)
    assert t.columns == ["类别", "项目", "工作任务", "责任单位", "完成时间", "备注"]
    assert t.year == 2021 and t.title == "某某镇危房改造任务清单（2021年）"
    assert t.rows[1] == [None, None, "建立台账", None, None, "每月更新"]
    assert t.rows[3][4:] == ["7月15日前", "<"]  # 横向合并
    reg = regions(t.rows)
    assert reg[(0, 0)].rowspan == 3 and reg[(3, 4)].colspan == 2
    tasks = t.tasks()
    assert tasks[1]["owner"] == "村建办" and tasks[1]["due"] == dt.date(2021, 3, 31)
    assert tasks[3]["due"] == dt.date(2021, 7, 15) and tasks[1]["extra"] == {"备注": "每月更新"}
    for fmt in (".docx", ".xlsx"):
        out = tmp_path / f"r{fmt}"
        assert invoke("render", y, "-o", out, "-q").exit_code == 0
        y2 = tmp_path / f"b{fmt}.yaml"
        assert invoke("import", out, "-o", y2, "-q").exit_code == 0
        assert load_tasklist(y2).same_data(t), fmt
    # 横向合并在输出中也是合并
    _, cells = docx_grid((tmp_path / "r.docx").read_bytes())
    assert (4, 4, 2, None) in cells


# ------------------------------------------------------------------ 错误输入


def test_excel_without_task_column(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "清单"
    wb.active.append(["类别", "项目", "责任单位"])
    wb.active.append(["甲", "乙", "丙"])
    src = tmp_path / "户籍.xlsx"
    wb.save(src)
    for args in (("render", src, "-o", tmp_path / "o.docx"), ("import", src, "-o", tmp_path / "o.yaml")):
        res = invoke(*args)
        assert res.exit_code == 2
        assert "户籍.xlsx:清单:1:具体任务" in res.stderr and "找不到“具体任务”列" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["户籍.xlsx"]


def test_excel_row_without_task(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "清单"
    ws.append(["类别", "具体任务", "责任单位"])
    ws.append(["甲", "任务一", "丙"])
    ws.append(["甲", None, "丁"])
    src = tmp_path / "清单.xlsx"
    wb.save(src)
    res = invoke("render", src, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 2 and "清单.xlsx:清单:3:具体任务" in res.stderr and "没有具体任务内容" in res.stderr
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.parametrize("text,where,fragment", [
    ("年度: 2020\n清单:\n  甲:\n    乙:\n      丙:\n        - 任务: 一\n          时限: [5月, 6月]\n", "t.yaml:7:清单.甲.乙.丙[1].时限", "应为文字"),
    ("年度: 2020\n清单:\n  甲:\n    乙:\n      丙:\n        - 任务: 一\n          颜色: 红\n", "t.yaml:7", "未知的键“颜色”"),
    ("年度: 2020\n清单:\n  甲:\n    乙: [x]\n", "t.yaml:4", "映射"),
    ("年度: 2020\n行:\n  - [甲, 乙, 丙, 任务, 科, 5月底前]\n  - [甲, 乙, 丙, [坏], 科, 5月底前]\n", "t.yaml:4:具体任务", "应为文字"),
    ("年度: 2020\n行:\n  - [甲, 乙, 丙, 任务, 科, 5月底前]\n  - [甲, 乙, 丙, '', 科, 5月底前]\n", "t.yaml:4:具体任务", "没有具体任务内容"),
    ("年度: 2020\n行:\n  - [甲, 乙, 丙, 任务, 科]\n", "t.yaml:3", "应与列数 6 相同"),
    ("年度: 二〇二〇\n行:\n  - [甲, 乙, 丙, 任务, 科, 时]\n", "t.yaml:年度", "整数"),
    ("年度: 2020\n列: [类别, 内容]\n行:\n  - [甲, 乙]\n", "t.yaml:列", "缺少“具体任务”列"),
])
def test_yaml_errors(write_yaml, tmp_path, text, where, fragment):
    src = write_yaml(text, "t.yaml")
    out = tmp_path / "o.pdf"
    res = invoke("render", src, "-o", out)
    assert res.exit_code == 2, res.stderr
    assert where in res.stderr and fragment in res.stderr, res.stderr
    assert not out.exists()


def test_notice_attachment_from_excel_tasklist(write_yaml, tmp_path):
    from conftest import MINIMAL

    hand_made_xlsx(tmp_path / "清单.xlsx")
    src = write_yaml(MINIMAL + "附件:\n  - 名称: 危房改造任务清单\n    文件: 清单.xlsx\n")
    pdf = pymupdf.open(stream=render_document(src, ".pdf"), filetype="pdf")
    land = [p for p in pdf if p.rect.width > p.rect.height]
    assert land and "资金发放到户" in "".join(p.get_text() for p in land)


def test_import_errors(tmp_path):
    res = invoke("import", tmp_path / "x.pdf", "-o", tmp_path / "o.yaml")
    assert res.exit_code == 2 and "只能导入 .docx 或 .xlsx" in res.stderr
    (tmp_path / "坏.xlsx").write_bytes(b"nope")
    res = invoke("import", tmp_path / "坏.xlsx", "-o", tmp_path / "o.yaml")
    assert res.exit_code == 2 and "不是有效的Excel 工作簿" in res.stderr and "Error" not in res.stderr
    assert not (tmp_path / "o.yaml").exists()
