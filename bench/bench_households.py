"""建档立卡基准：生成 N 户示例数据，测 校验（check）、核算与检查（compute）、台账（ledgers，不含户档文书）
的耗时与峰值内存；基线为同一轮中只用 openpyxl 把导出表读一遍（不做任何处理）。

    .venv/bin/python bench/bench_households.py [户数]

每个阶段在单独的子进程里跑，峰值内存（ru_maxrss）互不影响。
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STAGES = {
    "baseline": """
import openpyxl
wb = openpyxl.load_workbook(D / "户籍导出.xlsx", read_only=True)
n = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
""",
    "check": """
from docgen.households.load import collect_files
from docgen.households.stage import check_data
from docgen.settings import Settings
r = check_data(collect_files([D / "户籍导出.xlsx", D / "村.yaml", D / "问题.xlsx"]), Settings(), (2020, 12))
assert not r.errors
""",
    "check+compute": """
from docgen.households.stage import staged
with staged([D / "户籍导出.xlsx", D / "村.yaml", D / "问题.xlsx"], period=(2020, 12)) as stg:
    n = sum(1 for _ in stg.all_assessments())
""",
    "check+compute+ledgers": """
from docgen.households.build import build_ledgers
build_ledgers([D / "户籍导出.xlsx", D / "村.yaml", D / "问题.xlsx"], D / "out", period="2020-12", docs=())
""",
}


def run(stage: str, data: Path) -> tuple[float, float]:
    code = ("import resource, time, sys; from pathlib import Path; D = Path(sys.argv[1]); t = time.perf_counter()\n"
            + STAGES[stage] + "\nprint(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, check=True, cwd=ROOT)
    t, mb = out.stdout.split()
    return float(t), float(mb)


def main(n: int = 10000) -> None:
    sys.path.insert(0, str(ROOT))
    from docgen.households.sample import generate

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        t = time.perf_counter()
        stats = generate(n, 2020, d)
        gen = time.perf_counter() - t
        rows = {s: run(s, d) for s in STAGES}
    base = rows["baseline"][0]
    print(f"{stats['households']} 户 {stats['members']} 人 {stats['villages']} 个村；生成示例数据 {gen:.1f} s")
    print(f"{'阶段':<26}{'耗时 s':>9}{'峰值内存 MB':>14}{'与基线之比':>12}")
    for s, (sec, mb) in rows.items():
        print(f"{s:<26}{sec:>9.2f}{mb:>14.0f}{sec / base:>12.2f}")
    print(json.dumps({s: {"seconds": round(v[0], 2), "peak_mb": round(v[1])} for s, v in rows.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
