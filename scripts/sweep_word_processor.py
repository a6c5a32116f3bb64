"""把版面扫描（tests/test_layout_sweep.py 的 200 份公文）的 DOCX 交给 LibreOffice 排版，与 docgen 的 PDF 逐页比较：
页数、每页文字、正文断行。用法：.venv/bin/python scripts/sweep_word_processor.py [份数] [--show]"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import draw_png
from test_layout_sweep import case
from wp_compare import render_and_compare


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 200
    show = "--show" in sys.argv
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        draw_png(work / "seal.png", 120, 120, circle=True)
        draw_png(work / "stamp.png", 100, 40, circle=False)
        results = render_and_compare({f"n{j}": case(j)[0] for j in range(n)}, work)
        tot = same = pages_ok = texts_ok = numbers_ok = banji_ok = 0
        for j in range(n):
            r = results[f"n{j}"]
            tot += r.lines
            same += r.same_lines
            pages_ok += r.same_pages
            texts_ok += r.same_text
            numbers_ok += r.same_numbers
            banji_ok += r.banji_gap_mm < 0.6 and r.banji_text_gap_mm < 1.5
            if show and (not r.same_pages or not r.same_text or not r.same_numbers or r.banji_gap_mm >= 0.6
                         or r.banji_text_gap_mm >= 1.5
                         or r.same_lines < r.lines):
                print(j, case(j)[1], r)
        print(f"份数 {n}：页数相同 {pages_ok}，每页文字相同 {texts_ok}，每页页码相同 {numbers_ok}，"
              f"版记末条线相差不到 0.6 mm、文字不到 1.5 mm {banji_ok}，正文断行相同 {same}/{tot} 行（{same / tot:.1%}）")


if __name__ == "__main__":
    main()
