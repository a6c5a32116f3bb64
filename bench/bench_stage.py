"""分拣（读表 → 按村分拣 → 逐村校验、核算）两种读表方式的交替对比，同一轮、同一份数据：

- 逐张读：按户的各张表都在主进程里读（数据小于 `PARALLEL_READ_BYTES` 时就是这样）；
- 分开读：每张按户的表交给一个工作进程去读、写进它自己的临时库，最后按表的次序并进来（数据大时的默认做法）。

两种都是 2 个进程做逐村校验；交替跑 R 轮（机器吵，交替才可比），打印每轮的秒数与中位数之比。

    .venv/bin/python bench/bench_stage.py [户数 N（默认 10,000）] [轮数 R（默认 3）]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(n: int = 10_000, rounds: int = 3) -> None:
    from docgen.households import stage
    from docgen.households.load import collect_files
    from docgen.households.sample import generate
    from docgen.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(n, 21, d / "data", 0.0, 2020)
        data = collect_files([d / "data"], (2020, 12))
        size = sum(f.stat().st_size for f in data.files) / 1e6
        times: dict[str, list[float]] = {"逐张读": [], "分开读": []}
        for _ in range(rounds):
            for mode in times:
                stage.PARALLEL_READ_BYTES = 1 << 40 if mode == "逐张读" else 0
                folder = d / "stage"
                t = time.perf_counter()
                stg = stage.Staging.open_or_build(data, Settings(), folder, "bench", (2020, 12), workers=2)
                times[mode].append(time.perf_counter() - t)
                stg.close()
                shutil.rmtree(folder)
    base = statistics.median(times["逐张读"])
    print(f"分拣 {n} 户（导出表 {size:.1f} MB），2 个进程，交替 {rounds} 轮")
    print("| 读表方式 | 各轮（秒） | 中位数 | 与逐张读之比 |")
    print("|---|---|---:|---:|")
    for mode, ts in times.items():
        med = statistics.median(ts)
        print(f"| {mode} | {' / '.join(f'{x:.2f}' for x in ts)} | {med:.2f} | {med / base:.2f} |")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
