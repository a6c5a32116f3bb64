"""档案整理基准：N 户（每户两份户档 PDF）加每村台账，建档案包（不生成目录 PDF）并核对；
基线为同一轮中只把全部文件复制一遍并算 SHA-256（建包至少要做的工作）。

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
        t = time.perf_counter()
        stats = build_archive([docs], d / "arch", prof, year=2020, date=dt.date(2020, 12, 31),
                              data_files=[d / "gen" / "户籍导出.xlsx", d / "gen" / "村.yaml"], pdf=False)
        build = time.perf_counter() - t
        t = time.perf_counter()
        problems = verify_archive(d / "arch", prof)
        verify = time.perf_counter() - t
        assert not problems, problems[:5]
    print(f"{n} 户，{len(files)} 个文件，{stats['bundles']} 个档案包，{stats['volumes']} 卷，{stats['boxes']} 盒")
    print(f"{'项目':<34}{'耗时 s':>9}{'与基线之比':>12}")
    for name, s in (("基线：复制全部文件并算 SHA-256", base), ("archive build（--no-pdf）", build), ("archive verify", verify)):
        print(f"{name:<34}{s:>9.2f}{s / base:>12.2f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
