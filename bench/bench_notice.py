"""公文渲染基准：与同一轮中的基线比（比值），机器噪声大，不看绝对值。

    .venv/bin/python bench/bench_notice.py [次数]

基线：
- PDF：同一份 HTML 只让 WeasyPrint 排一遍、直接写出（docgen 为放置版记要排两遍）；
- DOCX：只生成 Word 文件、不做版记位置测量；以及办公室常用的另一条路——LibreOffice 把 DOCX 转成 PDF。
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.api import load_notice, render_document  # noqa: E402
from docgen.fonts import FontSet  # noqa: E402
from docgen.render.context import build_notice_view  # noqa: E402
from docgen.render.docx import render_notice_docx  # noqa: E402
from docgen.render.pdf import _layout, _write, render_notice_html  # noqa: E402

SAMPLE = ROOT / "samples" / "tongwang-2020-108" / "notice.yaml"


def timeit(fn, n: int) -> float:
    fn()  # 预热（字体加载、模板编译）
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def plain_docx(view) -> bytes:
    """基线：同一份公文的全部文字用 python-docx 逐段写进空白文档（不管版式、不测量）。"""
    import io

    from docx import Document

    doc = Document()
    for line in (*view.header_lines, *view.mark_lines, view.doc_number, *view.title_lines, view.recipients or ""):
        doc.add_paragraph(line)
    for b in (*view.blocks, *view.enclosed_blocks):
        doc.add_paragraph(f"{b.number}{b.text}{b.runin or ''}")
    for a in view.attachments:
        doc.add_paragraph(a.label)
        for part in a.parts:
            for b in part.blocks:
                doc.add_paragraph(b.text)
            if part.table is not None:
                rows = part.rows
                t = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
                for i, r in enumerate(rows):
                    for j, c in enumerate(r):
                        t.cell(i, j).text = str(getattr(c, "text", c))
    for s in (*view.signature, view.date, view.cc or "", view.printer or ""):
        doc.add_paragraph(s)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def main(n: int = 5) -> None:
    fonts = FontSet()
    view = build_notice_view(load_notice(SAMPLE))
    html = render_notice_html(view, fonts)

    def single_pass_pdf():
        return _write(_layout(html, SAMPLE.parent, fonts, []), view.notice.date)

    rows = []
    pdf = timeit(lambda: render_document(SAMPLE, ".pdf", fonts), n)
    base_pdf = timeit(single_pass_pdf, n)
    rows.append(("PDF：docgen（含读取校验、版记定位）", pdf, "WeasyPrint 单遍", base_pdf))
    docx = timeit(lambda: render_document(SAMPLE, ".docx", fonts), n)
    docx_only = timeit(lambda: render_notice_docx(view), n)
    rows.append(("DOCX：docgen（含版记位置测量）", docx, "只生成 DOCX", docx_only))
    rows.append(("DOCX：docgen（含版记位置测量）", docx, "python-docx 直接写同样的文字", timeit(lambda: plain_docx(view), n)))
    soffice = shutil.which("soffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "n.docx"
            src.write_bytes(render_document(SAMPLE, ".docx", fonts))

            def lo():
                subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/p", "--convert-to", "pdf",
                                "--outdir", tmp, str(src)], check=True, capture_output=True)

            lo_t = timeit(lo, max(2, n // 2))
        rows.append(("PDF：docgen", pdf, "LibreOffice 把 DOCX 转 PDF", lo_t))
    size = len(render_document(SAMPLE, ".pdf", fonts))
    print(f"样例：{SAMPLE.relative_to(ROOT)}（10 页），每项取 {n} 次的中位数")
    print(f"{'项目':<34}{'耗时 s':>8}  {'基线':<26}{'基线 s':>8}{'比值':>8}")
    for name, t, bname, bt in rows:
        print(f"{name:<34}{t:>8.3f}  {bname:<26}{bt:>8.3f}{t / bt:>8.2f}")
    print(f"PDF 大小：{size / 1024:.0f} KB（字体子集化）")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
