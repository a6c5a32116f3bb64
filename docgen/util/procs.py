"""docgen 的工作进程池：一律用 spawn（不继承父进程里打开的 SQLite、线程与 Typst 编译器），并让工作进程用 jemalloc。

为什么换分配器：户档 PDF 的时间大半在 Typst（Rust）里，它每排一页要分配、释放几十万个小对象；glibc 的 malloc
在这种用法下占 Typst 时间的约一成半（`perf` 量过：_int_malloc、_int_free、unlink_chunk、malloc_consolidate）。
同一台机器上交替量过（`bench/bench_allocator.py`）：每户两份 PDF 用 jemalloc 约少一成 CPU 时间，输出逐字节相同
（分配器不影响排版结果）。装了 Debian 的 ``libjemalloc2`` 时启用（`make demo` 会装）；没装时照常用 glibc，只是慢一些。
只在 docgen 起工作进程的那段时间里设 LD_PRELOAD（它在起进程时才起作用，主进程不受影响）；设了 ``DOCGEN_ALLOCATOR=system``
时不换。
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

_CANDIDATES = ("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
               "/usr/lib64/libjemalloc.so.2", "/usr/lib/libjemalloc.so.2", "/usr/local/lib/libjemalloc.so.2")


def jemalloc() -> str | None:
    """本机 jemalloc 共享库的路径；没装、或设了 DOCGEN_ALLOCATOR=system 时为 None。"""
    if os.environ.get("DOCGEN_ALLOCATOR", "").strip().lower() == "system":
        return None
    return next((p for p in _CANDIDATES if Path(p).is_file()), None)


_LOCK = threading.Lock()
_USERS = 0  # 有几段 worker_environment 正在用（工作台的任务在几个线程里，进程池可能同时开着几个）
_BEFORE: str | None = None


@contextlib.contextmanager
def worker_environment():
    """在这段时间里起的子进程用 jemalloc（LD_PRELOAD 前面加上它）。进程池在 ``with`` 里建、用、关：
    maxtasksperchild 换新进程时也在其中。环境变量是整个进程的：几段同时开着时（工作台的几个任务）按计数，
    最后一段结束才恢复；这期间别的线程起的子进程（如 LibreOffice）也会带上 jemalloc——只影响分配器，不影响结果。"""
    global _USERS, _BEFORE
    lib = jemalloc()
    if lib is None:
        yield
        return
    with _LOCK:
        if _USERS == 0:
            _BEFORE = os.environ.get("LD_PRELOAD")
            if lib not in (_BEFORE or "").split(":"):
                os.environ["LD_PRELOAD"] = f"{lib}:{_BEFORE}" if _BEFORE else lib
        _USERS += 1
    try:
        yield
    finally:
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                if _BEFORE is None:
                    os.environ.pop("LD_PRELOAD", None)
                else:
                    os.environ["LD_PRELOAD"] = _BEFORE


@contextlib.contextmanager
def spawn_pool(workers: int, **kwargs):
    """``with spawn_pool(n) as pool``：spawn 的进程池，工作进程用 jemalloc（见模块说明）；maxtasksperchild 换进程时也一样。"""
    import multiprocessing as mp

    with worker_environment(), mp.get_context("spawn").Pool(workers, **kwargs) as pool:
        yield pool
