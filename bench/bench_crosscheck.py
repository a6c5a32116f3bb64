"""库册核对基准（同一轮里量，比值对照基线）：N 户（默认 10,000）的示例导出表与照它录的帮扶手册（5% 的户埋下不一致）、走访记录。

1. 核对：`run_crosscheck`（读导出表、校验、核算——与 check / batch 同一条流水线，2 个进程；读册；逐户逐项核对；写报告工作簿）；
2. 核对单：有不一致的每户一份 Word 与 PDF（Typst）。
基线：openpyxl（read_only）把导出表与帮扶手册（加走访记录）的每一行读一遍。目标：核对 ≤ 30 s（两核）。

    .venv/bin/python bench/bench_crosscheck.py [户数]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baseline import openpyxl_read  # noqa: E402


def main(n: int = 10_000) -> None:
    from docgen.crosscheck.run import run_crosscheck
    from docgen.crosscheck.sample import write_handbook
    from docgen.households.sample import generate

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(n, 21, d / "data", 0.0, 2020)
        planted = write_handbook(d / "data", d / "册", seed=5, rate=0.05)
        books = [d / "data" / "户籍导出.xlsx", d / "册" / "帮扶手册.xlsx", d / "册" / "走访记录.xlsx"]
        t = time.perf_counter()
        rows = openpyxl_read(books)
        base = time.perf_counter() - t
        t = time.perf_counter()
        res, _ = run_crosscheck([d / "data", d / "册" / "走访记录.xlsx"], [d / "册" / "帮扶手册.xlsx"], d / "out1",
                                period=(2020, 12), sheets=False, workers=2)
        check = time.perf_counter() - t
        t = time.perf_counter()
        _, written = run_crosscheck([d / "data", d / "册" / "走访记录.xlsx"], [d / "册" / "帮扶手册.xlsx"], d / "out2",
                                    period=(2020, 12), sheets=True, workers=2)
        full = time.perf_counter() - t
        ok = {(m.code, m.hh_id) for m in res.mismatches} == {(a["规则"], a["户编号"]) for a in planted}
        print(f"{n} 户，三个工作簿 {rows} 行；埋下 {len(planted)} 处，找到 {len(res.mismatches)} 处（{'一致' if ok else '不一致！'}）")
        print(f"{'项目':<30}{'秒':>8}{'比值':>8}")
        print(f"{'基线 openpyxl 读导出表、手册、走访':<20}{base:>8.2f}{1:>8.2f}")
        print(f"{'核对并写报告工作簿':<26}{check:>8.2f}{check / base:>8.2f}")
        print(f"{'同上，另写核对单（' + str(len(written) - 1) + ' 份）':<23}{full:>8.2f}{full / base:>8.2f}")
        print(f"目标：核对 ≤ 30 s —— {'达到' if check <= 30 else '未达到'}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
