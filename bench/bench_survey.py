"""八查排查表基准（同一轮里量，比值对照基线）：N 户（默认 50,000）

1. 生成：`make_surveys`（读导出表、校验、核算，每村写一个排查表；2 个进程）；
2. 读回：各村的表都填好（每户八项，约 3% 为“否”）之后，`read_surveys` + 记进问题台账；
基线：openpyxl（read_only）把同样这些排查表的每一行读一遍。目标：生成、读回各 ≤ 60 s（两核）。

    .venv/bin/python bench/bench_survey.py [户数]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baseline import openpyxl_read as _read  # noqa: E402


def openpyxl_read(books):
    return _read(books, "八查")


def fill_all(books: list[Path], rnd: random.Random) -> None:
    from openpyxl import load_workbook

    from docgen.campaign.survey import CHECK_COLS, COLUMNS

    cols = {n: COLUMNS.index(n) + 1 for n in COLUMNS}
    for b in books:
        wb = load_workbook(b)
        ws = wb["八查"]
        for r in range(3, ws.max_row + 1):
            bad = []
            for name in CHECK_COLS:
                c = ws.cell(r, cols[name])
                if c.value == "不适用":
                    continue
                c.value = "否" if rnd.random() < 0.03 else "是"
                if c.value == "否":
                    bad.append(name)
            if bad:
                ws.cell(r, cols["问题说明"], "、".join(bad) + " 有问题")
            ws.cell(r, cols["排查人"], "张三")
            ws.cell(r, cols["排查日期"], dt.date(2020, 4, 10))
        wb.save(b)


def main(n: int = 50_000) -> None:
    from docgen.campaign.problems import ProblemLedger
    from docgen.campaign.survey import make_surveys, read_surveys
    from docgen.households.sample import generate

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(n, 11, d / "data", 0.0, 2020)
        t = time.perf_counter()
        stats = make_surveys([d / "data"], d / "八查", period=(2020, 12), workers=2)
        make_s = time.perf_counter() - t
        books = sorted((d / "八查").glob("*.xlsx"))
        t = time.perf_counter()
        rows = openpyxl_read(books)
        base_blank = time.perf_counter() - t
        fill_all(books, random.Random(5))
        t = time.perf_counter()
        openpyxl_read(books)
        base_filled = time.perf_counter() - t
        t = time.perf_counter()
        result = read_surveys(books)
        led = ProblemLedger(d / "台账")
        ch = led.apply_survey(result, dt.date(2020, 4, 30))
        led.write_xlsx(dt.date(2020, 4, 10))
        led.close()
        read_s = time.perf_counter() - t
    print(f"{stats['households']} 户、{stats['villages']} 个村、{rows} 行；读回 {len(result.rows)} 户、"
          f"“否” {len(result.findings())} 项、台账新增 {len(ch.added)} 条、错误 {len(result.errors)}\n")
    print("| 量的是 | 秒 | 与基线之比 |")
    print("|---|---:|---:|")
    print(f"| 基线：openpyxl（只读）读一遍全部空白排查表 | {base_blank:.2f} | 1.00 |")
    print(f"| 生成排查表（读导出表、校验、核算、写 {stats['villages']} 个工作簿；2 进程） | {make_s:.2f} | {make_s / base_blank:.2f} |")
    print(f"| 基线：openpyxl（只读）读一遍全部填好的排查表 | {base_filled:.2f} | 1.00 |")
    print(f"| 读回（逐格检查）+ 记进问题台账 + 写台账 xlsx | {read_s:.2f} | {read_s / base_filled:.2f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
