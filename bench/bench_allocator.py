"""分配器对户档 PDF 的影响（docgen/util/procs.py）：同一段工作（示例数据逐户排户情卡与收入核算表两份 PDF，
单进程）分别在 glibc malloc 与 jemalloc（LD_PRELOAD）的子进程里跑，交替几轮，取每户 CPU 时间的中位数。
机器忙闲不定，所以两种做法轮流跑、比中位数。

    .venv/bin/python bench/bench_allocator.py [每轮户数，默认 150] [轮数，默认 5]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORK = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from docgen.households.compute import Settings
from docgen.households.docs import household_context, HouseholdForms
from docgen.households.stage import staged
with staged([Path({root!r}) / "samples/households/户籍导出.xlsx"], period=(2020, 12)) as stg:
    ctxs = [household_context(a, Settings()) for a in stg.all_assessments()]
forms = HouseholdForms(Path({root!r}) / "templates")
forms.render("户情卡.pdf", ctxs[0])
t = time.process_time()
for i in range({n}):
    c = ctxs[i % len(ctxs)]
    forms.render("户情卡.pdf", c)
    forms.render("收入核算表.pdf", c)
print((time.process_time() - t) / {n} * 1000)
"""


def one(n: int, preload: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    if preload:
        env["LD_PRELOAD"] = preload
    p = subprocess.run([sys.executable, "-c", WORK.format(root=str(ROOT), n=n)], env=env, check=True,
                       capture_output=True, text=True)
    return float(p.stdout.split()[-1])


def main(n: int = 150, rounds: int = 5) -> None:
    from docgen.util.procs import jemalloc

    lib = jemalloc()
    if lib is None:
        sys.exit("没有找到 libjemalloc.so.2（apt-get install libjemalloc2）")
    glibc, jem = [], []
    for _ in range(rounds):
        glibc.append(one(n, None))
        jem.append(one(n, lib))
    g, j = statistics.median(glibc), statistics.median(jem)
    print(f"每户两份 PDF（户情卡、收入核算表），{n} 户 × {rounds} 轮，单进程 CPU 时间的中位数")
    print("| 分配器 | ms/户 | 各轮 | 与 glibc 之比 |")
    print("|---|---:|---|---:|")
    print(f"| glibc malloc（基线） | {g:.1f} | {' '.join(f'{x:.1f}' for x in glibc)} | 1.00 |")
    print(f"| jemalloc（{lib}） | {j:.1f} | {' '.join(f'{x:.1f}' for x in jem)} | {j / g:.2f} |")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
