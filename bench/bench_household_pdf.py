"""户档 PDF 基准：同一轮中比较
- 朴素做法：每户一次 WeasyPrint `HTML(...).write_pdf()`（模板 bench/naive_household_card.html，即改用 Typst 之前的户情卡）；
- 批量路径：Typst，每个进程每个模板只建一次编译器，每户只换数据（templates/typst/household_card.typ、household_income.typ），
  输出收进对象流；
- 两个对照：不收进对象流（Typst 原样输出）、表格正文改用仿宋（FandolFang）——说明为什么这样选。
都在单进程里跑，报 页/秒 与 KB/页（平均与最大）。

    .venv/bin/python bench/bench_household_pdf.py [户数]
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(n: int = 60) -> None:
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from markupsafe import Markup
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from docgen.fonts import FontSet
    from docgen.households.compute import Settings
    from docgen.households.docs import household_context
    from docgen.households.stage import staged
    from docgen.render.pdf import font_families
    from docgen.render.typst_engine import TypstForms

    with staged([ROOT / "samples" / "households" / "户籍导出.xlsx"], period=(2020, 12)) as stg:
        ctxs = [household_context(a, Settings()) for a in stg.all_assessments()][:n]
    fonts = FontSet()
    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(ROOT / "bench")), autoescape=True)
    tpl = env.get_template("naive_household_card.html")
    fam = font_families(fonts)
    fc = FontConfiguration()

    def naive(ctx):
        return HTML(string=tpl.render(c=ctx, f=fam, extra=Markup(""))).write_pdf(font_config=fc)

    import json

    forms = TypstForms(ROOT / "templates" / "typst", fonts)
    raw = TypstForms(ROOT / "templates" / "typst", fonts, compact_pdf=False)
    fang = TypstForms(ROOT / "templates" / "typst", fonts)
    roles = json.loads(fang.fonts_json)
    fang.fonts_json = json.dumps(dict(roles, st=roles["fs"]), ensure_ascii=False)  # 表格正文用仿宋角色的字体
    date = dt.date(2020, 12, 31)
    rows = []
    for name, fn, items in (
            ("朴素：每户一次 WeasyPrint write_pdf（户情卡）", naive, ctxs[:20]),
            ("Typst 户情卡（发布的做法）", lambda c: forms.render("household_card.typ", c, date), ctxs),
            ("Typst 收入核算表（发布的做法）", lambda c: forms.render("household_income.typ", c, date), ctxs),
            ("对照：户情卡不收进对象流", lambda c: raw.render("household_card.typ", c, date), ctxs),
            ("对照：户情卡正文用仿宋", lambda c: fang.render("household_card.typ", c, date), ctxs)):
        fn(items[0])  # 预热：字体加载、模板编译
        t = time.perf_counter()
        sizes = [len(fn(c)) for c in items]
        el = time.perf_counter() - t
        rows.append((name, len(items) / el, sum(sizes) / len(sizes) / 1024, max(sizes) / 1024))
    print(f"{'A4 一页，单进程':<40}{'页/秒':>8}{'KB/页':>8}{'最大 KB':>8}")
    for name, pps, kb, mx in rows:
        print(f"{name:<40}{pps:>8.1f}{kb:>8.1f}{mx:>8.1f}")
    print(f"户情卡：速度为基线的 {rows[1][1] / rows[0][1]:.1f} 倍，大小为基线的 {rows[1][2] / rows[0][2]:.2f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
