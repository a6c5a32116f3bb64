"""档案整理基准：N 户（每户两份户档 PDF）加每村台账，同一轮里量：

1. 建档案包（不出目录 PDF，2 进程），基线为只把全部文件复制一遍并算 SHA-256（建包至少要做的工作）；
2. 目录、卷内目录、备考表与盒脊的 PDF 多花的时间（同样建一遍、出 PDF），对照同一轮量出的户档 PDF 速度
   算出的“全部户档 PDF（每户两页）在 2 个核上要多久”；
3. ``archive verify`` 全部包，对照 ``bagit`` 库自己的 ``Bag.validate()`` 核对同样的包。

    .venv/bin/python bench/bench_archive.py [户数]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(n: int = 10000) -> None:
    import pikepdf

    from docgen.archive.build import build_archive
    from docgen.archive.profile import load_profile
    from docgen.archive.verify import verify_archive
    from docgen.households.sample import generate
    from docgen.households.stage import staged

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(n, 2020, d / "gen")
        with staged([d / "gen" / "户籍导出.xlsx"], period=(2020, 12)) as stg:
            households = [a.household for a in stg.all_assessments()]
        one = d / "one.pdf"
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.add_blank_page()
        pdf.save(one, static_id=True)
        blob = one.read_bytes()
        docs = d / "docs"
        (docs / "户档").mkdir(parents=True)
        for h in households:
            for t in ("申请书", "收入核算表"):
                (docs / "户档" / f"{h.hh_id}-{t}.pdf").write_bytes(blob)
        for v in {h.village for h in households}:
            (docs / f"{v}台账.pdf").write_bytes(blob)
        files = sorted(p for p in docs.rglob("*") if p.is_file())
        t = time.perf_counter()
        copy = d / "copy"
        shutil.copytree(docs, copy)
        for p in sorted(copy.rglob("*")):
            if p.is_file():
                hashlib.sha256(p.read_bytes()).hexdigest()
        base = time.perf_counter() - t
        prof = load_profile("default")
        data = [d / "gen" / "户籍导出.xlsx", d / "gen" / "村.yaml"]
        t = time.perf_counter()
        stats = build_archive([docs], d / "arch", prof, year=2020, date=dt.date(2020, 12, 31), data_files=data,
                              pdf=False, workers=2)
        build = time.perf_counter() - t
        t = time.perf_counter()
        build_archive([docs], d / "arch-pdf", prof, year=2020, date=dt.date(2020, 12, 31), data_files=data, pdf=True,
                      workers=2)
        build_pdf = time.perf_counter() - t
        cat_pages = 0
        for p in (d / "arch-pdf").glob("*/data/目录/*.pdf"):
            with pikepdf.open(p) as x:
                cat_pages += len(x.pages)
        hh_rate = household_pdf_rate(households[:60], d)
        hh_seconds = 2 * len(households) / hh_rate / 2  # 每户两页，2 个核
        t = time.perf_counter()
        problems = verify_archive(d / "arch-pdf", prof)
        verify = time.perf_counter() - t
        assert not problems, problems[:5]
        import bagit

        t = time.perf_counter()
        for bag in sorted(p for p in (d / "arch-pdf").iterdir() if (p / "bagit.txt").is_file()):
            bagit.Bag(str(bag)).validate(processes=1)
        bag_validate = time.perf_counter() - t
    print(f"{n} 户，{len(files)} 个文件，{stats['bundles']} 个档案包，{stats['volumes']} 卷，{stats['boxes']} 盒")
    print(f"{'项目':<44}{'耗时 s':>9}{'与基线之比':>12}")
    for name, s, b in (("基线：复制全部文件并算 SHA-256", base, base), ("archive build（不出目录 PDF，2 进程）", build, base)):
        print(f"{name:<44}{s:>9.2f}{s / b:>12.2f}")
    extra = build_pdf - build
    print(f"{'目录等 PDF 多花的时间（' + str(cat_pages) + ' 页，2 进程）':<44}{extra:>9.2f}"
          f"{extra / hh_seconds:>12.2f}  ← 对照：全部户档 PDF（{2 * len(households)} 页，"
          f"{hh_rate:.1f} 页/秒/核）约 {hh_seconds:.1f} s")
    print(f"{'基线：bagit 库 Bag.validate()，全部包':<44}{bag_validate:>9.2f}{1:>12.2f}")
    print(f"{'archive verify，全部包':<44}{verify:>9.2f}{verify / bag_validate:>12.2f}")


def household_pdf_rate(households, d: Path) -> float:
    """同一轮中户情卡 PDF 的单进程速度（页/秒）。"""
    from docgen.households.compute import assess
    from docgen.households.docs import HouseholdForms, household_context
    from docgen.render.env import templates_dir
    from docgen.settings import Settings

    ref = dt.date(2020, 12, 31)
    forms = HouseholdForms(templates_dir())
    ctxs = [household_context(assess(h, Settings(), ref), Settings()) for h in households]
    forms.render("户情卡.pdf", ctxs[0])
    t = time.perf_counter()
    for c in ctxs:
        forms.render("户情卡.pdf", c)
    return len(ctxs) / (time.perf_counter() - t)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
