"""月末批处理上集群的基准（同一轮里量，比值对照基线）：N 户（默认 10,000），户档 Word + PDF。

基线：本机进程池（2 个进程）。对照：两个工作进程（各 1 线程）的 Dask LocalCluster——同样两个核，协调机也在这台机器上。
两次都从空的输出目录开始（分拣缓存各自重建）。目标：集群比本机进程池多花的时间 ≤ 15%。
另外量出扩展模型要的数：每个单元的渲染时间（工作机上）、每户传回的字节数、协调机每个单元的开销（收结果、写文件），
以及只在协调机上做的部分（读表分拣、计划、台账、汇总）的时间，据此估算一百万户一小时内跑完要几台工作机。

    .venv/bin/python bench/bench_cluster.py [户数]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from docgen.util.procs import worker_environment  # noqa: E402


def main(n: int = 10_000) -> None:
    import distributed

    from docgen.batch import cluster as C
    from docgen.batch.runner import run_batch
    from docgen.households.docs import kinds_for
    from docgen.households.sample import generate

    kinds = tuple(kinds_for(["docx", "pdf"]))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        generate(n, 31, d / "data", 0.0, 2020)
        t = time.perf_counter()
        _, local = run_batch([d / "data"], d / "local", period="2020-12", kinds=kinds, workers=2)
        base = time.perf_counter() - t
        # 协调机上固有的部分：同样的数据、全部跳过（只分拣、计划、核对状态）——分拣缓存已在 local 里，换个目录重建
        t = time.perf_counter()
        run_batch([d / "data"], d / "plan-only", period="2020-12", kinds=kinds, workers=2, dry_run=True)
        coordinator_fixed = time.perf_counter() - t

        from docgen.batch import runner as R

        timing = {"finish": 0.0, "submit": 0.0, "wait": 0.0, "units": 0, "bytes": 0}
        orig_finish, orig_submit, orig_wait = R.finish, C.DaskWindow.submit, C.DaskWindow._wait

        def timed_finish(out, results):  # 协调机收回后写文件
            t0 = time.perf_counter()
            rows = orig_finish(out, results)
            timing["finish"] += time.perf_counter() - t0
            timing["units"] += 1
            timing["bytes"] += sum(r[3] for r in rows)
            return rows

        def timed_submit(self, chunk):  # 送出（打包核算结果）；窗口满时的等待另记，不算协调机的开销
            t0 = time.perf_counter()
            orig_submit(self, chunk)
            timing["submit"] += time.perf_counter() - t0

        def timed_wait(self, futures):
            t0 = time.perf_counter()
            orig_wait(self, futures)
            timing["wait"] += time.perf_counter() - t0

        R.finish, C.DaskWindow.submit, C.DaskWindow._wait = timed_finish, timed_submit, timed_wait
        # 工作机与本机进程池一样用 jemalloc 起（README 里 dask worker 的起法；docgen/util/procs.py）
        with worker_environment(), distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                silence_logs=40) as lc, distributed.Client(lc) as client:
            client.run(lambda: None)
            with distributed.get_task_stream(client) as ts:
                t = time.perf_counter()
                _, dist = run_batch([d / "data"], d / "dask", period="2020-12", kinds=kinds, workers=2, cluster=client)
                wall = time.perf_counter() - t
            compute = sum(sum(s["stop"] - s["start"] for s in task.get("startstops", ()) if s.get("action") == "compute")
                          for task in ts.data if str(task.get("key", "")).startswith("docgen-unit-"))
        same = all((d / "dask" / p.relative_to(d / "local")).read_bytes() == p.read_bytes()
                   for p in (d / "local").rglob("*") if p.is_file() and not p.name.startswith(".")
                   and p.name != "批处理报告.json" and ".docgen-cache" not in p.parts)
        units = max(timing["units"], 1)
        per_unit = compute / units
        coord_unit = (timing["finish"] + max(0.0, timing["submit"] - timing["wait"])) / units
        hh_per_unit = n / units
        print(f"{n} 户，{local.done} 个输出；集群与本机的输出{'逐字节相同' if same else '不同！'}；单元 {units} 个（每个约 {hh_per_unit:.1f} 户）")
        print(f"{'项目':<34}{'秒':>9}{'比值':>8}")
        print(f"{'基线 本机进程池（2 进程）':<28}{base:>9.1f}{1:>8.2f}")
        print(f"{'Dask LocalCluster（2 工作进程）':<28}{wall:>9.1f}{wall / base:>8.2f}")
        print(f"目标：多花 ≤ 15% —— {'达到' if wall / base <= 1.15 else '未达到'}（多花 {100 * (wall / base - 1):.1f}%）")
        print("扩展模型要的数：")
        print(f"  每单元渲染（工作机上，计算时间）   {per_unit:.3f} s，每户 {per_unit / hh_per_unit * 1000:.1f} ms")
        print(f"  每户传回的字节                     {timing['bytes'] / n / 1024:.1f} KB")
        print(f"  协调机每单元（送出 + 收回写文件）  {coord_unit * 1000:.1f} ms，每户 {coord_unit / hh_per_unit * 1000:.2f} ms")
        print(f"  协调机固有部分（分拣、计划）       {coordinator_fixed:.1f} s，每户 {coordinator_fixed / n * 1000:.2f} ms")
        million, hour = 1_000_000, 3600.0
        fixed = coordinator_fixed / n * million
        coord = coord_unit / hh_per_unit * million
        render = per_unit / hh_per_unit * million
        room = hour - fixed
        cores = render / (room if room > 0 else float("nan"))
        print(f"  一百万户：协调机固有 {fixed / 60:.0f} 分钟、收结果写文件 {coord / 60:.0f} 分钟；渲染共 {render / 3600:.1f} 核·小时"
              f"——一小时内跑完约需 {cores:.0f} 个工作进程（协调机写文件的 {coord / 60:.0f} 分钟与渲染并行，须 < 60 分钟）")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
