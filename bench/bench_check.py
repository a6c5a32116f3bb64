"""docgen check 大表基准：成员表至少 ROWS 行（默认 200,000 行，约 60,000 户）的导出表，
`docgen check 导出表 --format json` 的耗时与峰值内存；基线为同一轮中只用 openpyxl（read_only）把导出表每张工作表的每一行读一遍。

    .venv/bin/python bench/bench_check.py [ROWS] [--fresh]

示例数据用 docgen.households.sample.generate 生成（平均每户约 3.3 人），按户数、种子和生成程序（含枚举）的内容缓存在
临时目录（<tmp>/docgen-bench-check/）下，同样大小再跑时不必重新生成；--fresh 重新生成。
每项在单独的子进程里跑，外面套一层包装进程，取它的 RUSAGE_CHILDREN 为峰值内存、在包装进程里计时（不含包装进程自己的启动）。
docgen check 的退出码 0（无错误）和 2（数据有错误）都算跑完；其他退出码按失败报告。
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 2020
MEMBERS_PER_HOUSEHOLD = 3.31  # 示例数据户规模 1–6 人，权重 8/25/22/24/15/6

WRAP = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
        "sys.stderr.buffer.write(r.stderr[-4000:]); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")

BASELINE = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        pass
"""


def measure(cmd: list[str]) -> tuple[float, float, int, str]:
    """在包装进程里运行一次 `cmd`：(秒, 峰值内存 MB, 退出码, 标准错误的末尾)。"""
    p = subprocess.run([sys.executable, "-c", WRAP, *cmd], cwd=ROOT, capture_output=True, text=True, check=True)
    sec, rss, rc = p.stdout.split()
    return float(sec), int(rss) / 1024, int(rc), p.stderr


def _heartbeat(label: str, every: float = 15.0) -> threading.Event:
    """每隔 `every` 秒打印一次已用时间，直到返回的事件被置位。"""
    done = threading.Event()
    t0 = time.perf_counter()

    def beat():
        while not done.wait(every):
            print(f"  ……{label}，已用 {time.perf_counter() - t0:.0f} s", flush=True)

    threading.Thread(target=beat, daemon=True).start()
    return done


def sample_data(rows: int, fresh: bool = False) -> tuple[Path, dict, float | None]:
    """成员表至少 `rows` 行的示例数据目录、生成统计、生成用时（用了缓存时为 None）。"""
    sys.path.insert(0, str(ROOT))
    from docgen.households import enums, sample

    # 生成程序或它用到的枚举改了，缓存就不再适用
    digest = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (sample, enums))).hexdigest()[:12]
    households = math.ceil(rows / MEMBERS_PER_HOUSEHOLD * 1.02) + 10
    cache = Path(tempfile.gettempdir()) / "docgen-bench-check"
    while True:
        d = cache / f"{households}户-种子{SEED}-{digest}"
        done = d / "stats.json"
        if done.is_file() and not fresh:
            stats = json.loads(done.read_text(encoding="utf-8"))
            print(f"沿用缓存的示例数据 {d}")
            gen = None
        else:
            shutil.rmtree(d, ignore_errors=True)
            print(f"正在生成 {households} 户示例数据（约 {households * MEMBERS_PER_HOUSEHOLD:,.0f} 人）→ {d}", flush=True)
            beat = _heartbeat("生成中")
            t = time.perf_counter()
            try:
                stats = sample.generate(households, SEED, d)
            finally:
                beat.set()
            gen = time.perf_counter() - t
            done.write_text(json.dumps(stats, ensure_ascii=False), encoding="utf-8")
            print(f"  生成完毕：{stats['members']} 人，用时 {gen:.1f} s", flush=True)
        if stats["members"] >= rows:
            return d, stats, gen
        households = math.ceil(households * rows / stats["members"]) + 10  # 不够时按实际人户比加户重来


def main(argv: list[str]) -> int:
    fresh = "--fresh" in argv
    nums = [int(a) for a in argv if not a.startswith("--")]
    rows = nums[0] if nums else 200000
    d, stats, gen = sample_data(rows, fresh)
    export = d / "户籍导出.xlsx"
    items = {
        "基线：openpyxl（read_only）把导出表每张工作表的每一行读一遍，不做处理": [sys.executable, "-c", BASELINE, str(export)],
        "`docgen check 导出表 --format json`": [sys.executable, "-m", "docgen", "check", str(export), "--format", "json"],
    }
    results = {}
    for label, cmd in items.items():
        print(f"运行：{label}", flush=True)
        beat = _heartbeat("运行中", 30.0)
        try:
            results[label] = measure(cmd)
        finally:
            beat.set()
    base = results[next(iter(items))][0]
    size = export.stat().st_size / 1024 / 1024
    print()
    print(f"成员表 {stats['members']:,} 行（{stats['households']:,} 户、{stats['villages']} 个村；"
          f"导出表 {size:.1f} MB，另有收入表 {2 * stats['households']:,} 行、住房饮水表 {stats['households']:,} 行）"
          + (f"；生成示例数据 {gen:.1f} s" if gen is not None else "；示例数据取自缓存"))
    print()
    print("| 项目 | 耗时 s | 峰值内存 MB | 与基线之比 |")
    print("|---|---:|---:|---:|")
    for label, (sec, mb, _, _) in results.items():
        print(f"| {label} | {sec:.2f} | {mb:.0f} | {sec / base:.2f} |")
    print()
    failed = False
    base_rc = results[next(iter(items))][2]
    if base_rc != 0:
        failed = True
        print(f"基线退出码 {base_rc}（应为 0）")
    rc, err = results[list(items)[1]][2:]
    if rc in (0, 2):
        print(f"docgen check 退出码 {rc}（{'无错误' if rc == 0 else '数据有错误；示例数据未埋错，应当查看'}）")
    else:
        failed = True
        print(f"docgen check 退出码 {rc}：没有跑完，不能作数")
    if failed:
        print("标准错误的末尾：", *(r[3].strip()[-2000:] for r in results.values() if r[3].strip()), sep="\n")
    print(json.dumps({"rows": stats["members"], "households": stats["households"], "check_exit": rc,
                      **{("baseline" if i == 0 else "check"): {"seconds": round(v[0], 2), "peak_mb": round(v[1])}
                         for i, v in enumerate(results.values())}}, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
