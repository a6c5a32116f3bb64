"""工作进程池（docgen/util/procs.py）：spawn 的工作进程真的用上 jemalloc，父进程的环境原样恢复。"""

import os
from pathlib import Path

import pytest

from docgen.util.procs import jemalloc, spawn_pool, worker_environment

needs_jemalloc = pytest.mark.skipif(jemalloc() is None, reason="没装 libjemalloc2（make test 会装）")


@needs_jemalloc
def test_workers_load_jemalloc_and_parent_env_is_restored(monkeypatch):
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    monkeypatch.delenv("DOCGEN_ALLOCATOR", raising=False)
    with spawn_pool(1) as pool:
        maps = pool.apply(Path("/proc/self/maps").read_text)
        assert pool.apply(os.getenv, ("LD_PRELOAD",)) == jemalloc()
    assert "libjemalloc" in maps
    assert "libjemalloc" not in Path("/proc/self/maps").read_text()  # 主进程不受影响
    assert "LD_PRELOAD" not in os.environ


@needs_jemalloc
def test_existing_preload_is_kept_and_system_allocator_can_be_chosen(monkeypatch):
    monkeypatch.setenv("LD_PRELOAD", "/nonexistent/libx.so")
    with worker_environment():
        assert os.environ["LD_PRELOAD"] == f"{jemalloc()}:/nonexistent/libx.so"
    assert os.environ["LD_PRELOAD"] == "/nonexistent/libx.so"
    monkeypatch.delenv("LD_PRELOAD")
    monkeypatch.setenv("DOCGEN_ALLOCATOR", "system")
    assert jemalloc() is None
    with spawn_pool(1) as pool:
        assert "libjemalloc" not in pool.apply(Path("/proc/self/maps").read_text)


@needs_jemalloc
def test_overlapping_pools_keep_jemalloc_until_the_last_one_closes(monkeypatch):
    """工作台的几个任务在不同线程里同时开着进程池：先关的那个不把后面换进程时要用的设置抹掉。"""
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    monkeypatch.delenv("DOCGEN_ALLOCATOR", raising=False)
    a, b = worker_environment(), worker_environment()
    a.__enter__()
    b.__enter__()
    a.__exit__(None, None, None)
    assert os.environ.get("LD_PRELOAD") == jemalloc()
    b.__exit__(None, None, None)
    assert "LD_PRELOAD" not in os.environ
