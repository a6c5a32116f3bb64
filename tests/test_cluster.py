"""月末批处理上集群（#19）：两个工作进程的 Dask LocalCluster（只在本机回环地址上）——与本机进程池逐字节相同；
跑到一半杀掉一个工作进程，照样跑完、结果相同；什么都没变时再跑不交给集群任何工作；模板或环境不同的工作机拒绝。"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from docgen.batch.runner import run_batch
from docgen.households.docs import kinds_for
from docgen.households.sample import generate

distributed = pytest.importorskip("distributed")
KINDS = tuple(kinds_for(["docx", "pdf"]))


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            and p.name != "批处理报告.json"}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as lc, distributed.Client(lc) as client:
        yield client


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    d = tmp_path_factory.mktemp("local")
    generate(24, 5, d / "data", 0.0, 2020)
    run_batch([d / "data"], d / "out", period="2020-12", kinds=KINDS, workers=1)
    return d


def units_run(stream) -> int:
    return sum(1 for t in stream.data if str(t.get("key", "")).startswith("docgen-unit-"))


def test_same_bytes_as_the_local_pool_and_a_rerun_does_nothing(cluster, local, tmp_path):
    with distributed.get_task_stream(cluster) as first:
        _, s = run_batch([local / "data"], tmp_path / "out", period="2020-12", kinds=KINDS, workers=2, cluster=cluster)
    assert not s.failed and s.done == s.planned
    assert outputs(tmp_path / "out") == outputs(local / "out")
    assert units_run(first) > 0
    with distributed.get_task_stream(cluster) as again:
        _, s2 = run_batch([local / "data"], tmp_path / "out", period="2020-12", kinds=KINDS, workers=2, cluster=cluster)
    assert s2.done == 0 and s2.skipped == s2.planned
    assert units_run(again) == 0  # 没有交给集群任何单元


def test_a_worker_killed_mid_run_loses_nothing(cluster, local, tmp_path):
    pids = list(cluster.run(os.getpid).values())
    killed = []

    def progress():
        if not killed:  # 第一份结果回来时杀掉一个工作进程（nanny 会再起一个；它手上的单元交给别的工作进程重做）
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    _, s = run_batch([local / "data"], tmp_path / "out", period="2020-12", kinds=KINDS, workers=2, cluster=cluster,
                     progress=progress)
    assert killed and not s.failed and s.done == s.planned
    assert outputs(tmp_path / "out") == outputs(local / "out")


def test_a_worker_with_other_templates_or_fonts_refuses(cluster):
    from docgen.batch.cluster import ClusterRefused, environment_hash, render_unit, templates_payload
    from docgen.render.env import templates_dir
    from docgen.settings import Settings

    h, files = templates_payload(templates_dir())
    with pytest.raises(ClusterRefused, match="字体"):
        cluster.submit(render_unit, {"templates": h, "env": "0" * 64}, files, Settings(), [], pure=False).result()
    changed = dict(files)
    changed["typst/household_card.typ"] = files["typst/household_card.typ"] + b"\n// changed\n"
    with pytest.raises(ClusterRefused, match="模板"):
        cluster.submit(render_unit, {"templates": "f" * 64, "env": environment_hash()}, changed, Settings(), [],
                       pure=False).result()
