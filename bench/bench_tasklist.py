"""任务清单基准：1,000 行清单渲染为 DOCX 与 XLSX（PDF 另计），并与同一轮中的朴素做法比。

    .venv/bin/python bench/bench_tasklist.py [行数] [基线行数]

基线：
- DOCX：python-docx 逐格 ``table.cell(r, c).text = …``，再用 ``cell.merge()`` 合并（办公脚本的常见写法）。
  它每次取格子都要重建整张表的网格，行数一多就很慢，所以基线在较少的行数上测，比较每行耗时；
- XLSX：openpyxl 只写值与合并区域、不设样式和跟踪表（docgen 多做的那些工作的下限）。
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from docgen.load.tasklist import load_tasklist  # noqa: E402
from docgen.model.table import regions  # noqa: E402
from docgen.render.tasklist import (  # noqa: E402
    render_tasklist_docx,
    render_tasklist_pdf,
    render_tasklist_xlsx,
)


def make_yaml(n: int, path: Path) -> Path:
    """n 行的清单：类别每 100 行、种类每 20 行、项目每 4 行换一次，责任每 2 行合并一次。"""
    rows = []
    for i in range(n):
        rows.append([f"类别{i // 100 + 1}", f"种类{i // 20 + 1}", f"项目{i // 4 + 1}",
                     f"{i % 4 + 1}.对第{i + 1}项工作开展全面排查，建立问题台账，逐项整改到位并长期坚持，做到账账相符、账实相符。",
                     "城乡建设科" if i % 2 == 0 else None, f"{i % 12 + 1}月底前"])
    path.write_text(yaml.safe_dump({"标题": f"{n} 行任务清单", "年度": 2020, "行": rows}, allow_unicode=True),
                    encoding="utf-8")
    return path


def naive_docx(tl) -> None:
    from docx import Document

    doc = Document()
    vals = tl.resolved()
    t = doc.add_table(rows=len(vals) + 1, cols=len(tl.columns))
    for c, h in enumerate(tl.columns):
        t.cell(0, c).text = h
    reg = regions(tl.rows)
    for r, row in enumerate(vals):
        for c, v in enumerate(row):
            if (reg[(r, c)].row, reg[(r, c)].col) == (r, c):
                t.cell(r + 1, c).text = v
    for g in {g for g in reg.values() if g.rowspan > 1}:
        t.cell(g.row + 1, g.col).merge(t.cell(g.row + g.rowspan, g.col))
    doc.save(tempfile.TemporaryFile())


def naive_xlsx(tl) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(tl.columns)
    for row in tl.resolved():
        ws.append(row)
    for g in {g for g in regions(tl.rows).values() if g.rowspan > 1}:
        ws.merge_cells(start_row=g.row + 2, start_column=g.col + 1, end_row=g.row + g.rowspan + 1, end_column=g.col + 1)
    wb.save(tempfile.TemporaryFile())


def t(fn, *a) -> float:
    s = time.perf_counter()
    fn(*a)
    return time.perf_counter() - s


def main(n: int = 1000, base_n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = load_tasklist(make_yaml(n, Path(tmp) / "big.yaml"))
        small = load_tasklist(make_yaml(base_n, Path(tmp) / "small.yaml"))
        t_load = t(load_tasklist, Path(tmp) / "big.yaml")
        rows = [
            (f"读取并校验 YAML（{n} 行）", t_load, None, None),
            (f"DOCX：docgen（{n} 行）", t(render_tasklist_docx, big), None, None),
            (f"DOCX：docgen（{base_n} 行）", t(render_tasklist_docx, small), "python-docx 逐格+merge", t(naive_docx, small)),
            (f"XLSX：docgen（{n} 行，含跟踪表）", t(render_tasklist_xlsx, big), "openpyxl 只写值与合并", t(naive_xlsx, big)),
            (f"PDF：docgen（{base_n} 行）", t(render_tasklist_pdf, small, __import__("docgen.fonts").fonts.FontSet()), None, None),
        ]
    print(f"{'项目':<32}{'耗时 s':>9}  {'基线':<24}{'基线 s':>9}{'比值':>8}")
    for name, a, bname, b in rows:
        extra = f"  {bname:<24}{b:>9.3f}{a / b:>8.2f}" if b else ""
        print(f"{name:<32}{a:>9.3f}{extra}")


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:]))
