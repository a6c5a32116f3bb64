"""批处理基准（同一轮中与朴素做法比）：

1. 户档 DOCX：朴素的 `DocxTemplate(path).render(ctx); save()` 循环 对 模板只编译一次的渲染（单进程）；
2. 户档 PDF：Typst 批量路径的页/秒与每页 KB，对比 LibreOffice 把同样的 DOCX 转成 PDF（一次调用转一批）；
3. `docgen batch`（2 进程）N 户只出 DOCX 与台账的用时、什么都没变时重跑的用时、改一户后重跑的用时，以及峰值内存；
4. 整月（DOCX + PDF + 台账 + 汇总 + 公示名单 + 档案包）N 户的同样三项；
5. 给了第二个户数 M 时：M 户再跑一次整月，与 N 户的整月比较峰值内存（应与户数无关）。

峰值内存：每次运行套一层包装进程，取它的 RUSAGE_CHILDREN（docgen 主进程与各工作进程中最大的那个），各次运行互不影响。

    .venv/bin/python bench/bench_batch.py [户数 N] [户数 M]
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rate(fn, items) -> float:
    t = time.perf_counter()
    for x in items:
        fn(x)
    return len(items) / (time.perf_counter() - t)


WRAP = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")


def batch(args: list[str]) -> tuple[float, float]:
    """运行一次 docgen batch：(秒, 峰值内存 MB)。"""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", WRAP, sys.executable, "-m", "docgen", "batch", *args, "-q"], cwd=ROOT,
                       check=True, capture_output=True, text=True)
    return time.perf_counter() - t, int(p.stdout.split()[-1]) / 1024


def main(n: int = 10000, m: int = 0) -> None:
    import openpyxl
    from docxtpl import DocxTemplate

    from docgen.fonts import FontSet
    from docgen.households.compute import Settings
    from docgen.households.docs import household_context
    from docgen.households.sample import generate
    from docgen.households.stage import staged
    from docgen.render.fastdocx import CompiledDocx

    tpl = ROOT / "templates" / "docx" / "household_card.docx"
    with staged([ROOT / "samples" / "households" / "户籍导出.xlsx"], period=(2020, 12)) as stg:
        ctxs = [household_context(a, Settings()) for a in stg.all_assessments()]

    def naive(ctx):
        t = DocxTemplate(str(tpl))
        t.render(ctx, autoescape=True)
        t.save(io.BytesIO())

    fast = CompiledDocx(tpl)
    r_naive = rate(naive, ctxs[:40])
    r_fast = rate(fast.render, ctxs * 10)
    fonts = FontSet()
    import datetime as dt

    from docgen.render.typst_engine import TypstForms

    forms = TypstForms(ROOT / "templates" / "typst", fonts)
    sizes = []

    def pdf(ctx):
        sizes.append(len(forms.render("household_card.typ", ctx, dt.date(2020, 12, 31))))

    pdf(ctxs[0])
    sizes.clear()
    r_pdf = rate(pdf, ctxs)
    kb = sum(sizes) / len(sizes) / 1024
    lo = None
    soffice = shutil.which("soffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, c in enumerate(ctxs[:20]):
                p = Path(tmp) / f"{i}.docx"
                p.write_bytes(fast.render(c))
                paths.append(str(p))
            t = time.perf_counter()
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/prof", "--convert-to", "pdf",
                            "--outdir", tmp, *paths], check=True, capture_output=True)
            lo = 20 / (time.perf_counter() - t)
    print("户档 DOCX（户情卡，单进程）")
    print(f"  朴素 docxtpl 循环        {r_naive:8.1f} 份/秒")
    print(f"  模板只编译一次            {r_fast:8.1f} 份/秒   比值 {r_fast / r_naive:.1f}")
    print("户档 PDF（户情卡，一页，单进程）")
    print(f"  Typst（编译器复用）       {r_pdf:8.2f} 页/秒   {kb:.0f} KB/页（逐户 WeasyPrint 的对比见 bench_household_pdf.py）")
    if lo:
        print(f"  LibreOffice 转同样的 DOCX {lo:8.2f} 页/秒（一次调用转 20 份）")

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(n, 2020, d / "data")
        out = d / "out"
        args = ["--data", str(d / "data"), "--period", "2020-12", "-o", str(out), "--docs", "docx", "-j", "2"]
        full, rss = batch(args)
        again, _ = batch(args)
        wb = openpyxl.load_workbook(d / "data" / "户籍导出.xlsx")
        ws = wb["贫困户家庭收入"]
        ws.cell(3, 5).value = (ws.cell(3, 5).value or 0) + 1000
        wb.save(d / "data" / "户籍导出.xlsx")
        one, _ = batch(args)
        docs = len(list((out / "户档").rglob("*.docx")))
        out2 = d / "out-full"
        args2 = ["--data", str(d / "data"), "--period", "2020-12", "-o", str(out2), "--docs", "docx,pdf", "-j", "2",
                 "--archive", "default"]
        full2, rss2 = batch(args2)
        pdfs = len(list((out2 / "户档").rglob("*.pdf")))
        again2, _ = batch(args2)
        ws.cell(4, 5).value = (ws.cell(4, 5).value or 0) + 1000
        wb.save(d / "data" / "户籍导出.xlsx")
        one2, _ = batch(args2)
    print(f"docgen batch：{n} 户（{docs} 份 DOCX、各村台账、全县汇总），2 进程")
    print(f"  首次运行                  {full:8.1f} 秒   峰值内存 {rss:.0f} MB")
    print(f"  什么都没变时重跑          {again:8.1f} 秒")
    print(f"  改一户的收入后重跑        {one:8.1f} 秒")
    print(f"整月：{n} 户 DOCX + PDF（{docs} 份 DOCX、{pdfs} 份 PDF）、台账、汇总、档案包，2 进程")
    print(f"  首次运行                  {full2:8.1f} 秒   峰值内存 {rss2:.0f} MB")
    print(f"  什么都没变时重跑          {again2:8.1f} 秒")
    print(f"  改一户的收入后重跑        {one2:8.1f} 秒（只重建该户文书、该村台账与档案包）")
    if m:  # 整月（DOCX + PDF + 台账 + 汇总 + 公示 + 档案包）的峰值内存应与户数无关
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            generate(m, 2020, d / "data")
            sec, mb = batch(["--data", str(d / "data"), "--period", "2020-12", "-o", str(d / "out"), "--docs", "docx,pdf",
                             "-j", "2", "--archive", "default"])
        print("峰值内存与户数：整月（DOCX + PDF + 台账 + 汇总 + 公示名单 + 档案包），2 进程")
        print(f"  {n:>7} 户                {full2:8.1f} 秒   峰值内存 {rss2:.0f} MB")
        print(f"  {m:>7} 户                {sec:8.1f} 秒   峰值内存 {mb:.0f} MB   与 {n} 户之比 {mb / rss2:.2f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
