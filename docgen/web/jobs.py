"""工作台的任务队列：长时间的工作（校验、生成台账、建档案、批处理）不在请求里做。

每个任务在服务器的工作线程里运行，进度（总数、已完成、说明）随时可查；取消时在下一次报进度时停下
（批处理本身可重跑：停下时已写出的文件都是完整的，没写完的不留下）。任务记录写在各账号工作区的
jobs/ 里：页面刷新、换一个浏览器标签都能接着看；服务器重启时还在运行的任务记为“中断”。
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from docgen.errors import DocgenError, InputError
from docgen.util.fs import atomic_write

STATES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败", "cancelled": "已取消",
          "interrupted": "中断（服务器重启）"}


class JobCancelled(BaseException):
    """用户取消了任务（BaseException：不会被流水线里“某户出错照常继续”的 except Exception 吞掉）。"""


@dataclass
class Job:
    id: str
    user: str
    kind: str
    title: str
    folder: Path  # 任务记录（job.json）所在的文件夹
    ref: str = ""  # 任务所属的东西（如数据集编号）
    state: str = "queued"
    total: int | None = None
    done: int = 0
    message: str = ""
    error: str = ""
    result: dict = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    finished: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    def as_dict(self) -> dict:
        return {"id": self.id, "ref": self.ref, "kind": self.kind, "title": self.title, "state": self.state,
                "state_zh": STATES[self.state], "total": self.total, "done": self.done, "message": self.message,
                "error": self.error, "result": self.result, "created": self.created, "finished": self.finished,
                "active": self.state in ("queued", "running")}

    def save(self) -> None:
        atomic_write(self.folder / "job.json", json.dumps(self.as_dict(), ensure_ascii=False, indent=1).encode("utf-8"),
                     durable=False)


class Progress:
    """交给流水线的进度回调：`total(n)`、`advance()`、`note(文字)`；取消后的下一次回调抛出 JobCancelled。"""

    def __init__(self, job: Job):
        self.job = job
        self._last = 0.0

    def check(self) -> None:
        if self.job.cancel.is_set():
            raise JobCancelled()

    def total(self, n: int) -> None:
        self.job.total = n
        self.check()

    def advance(self, k: int = 1) -> None:
        self.job.done += k
        self.check()

    def note(self, text: str) -> None:
        self.job.message = text
        self.check()


class JobQueue:
    """任务队列：`workers` 个线程（默认 1：重活本身已用满各核，排队比抢 CPU 好）。"""

    def __init__(self, workers: int = 1):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docgen-job")
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()

    def load_history(self, user: str, folder: Path) -> None:
        """读回一个账号以前的任务记录；上次服务器停下时还没结束的记为“中断”。"""
        for f in sorted(folder.glob("*/job.json")):
            try:
                d = json.loads(f.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if d.get("id") in self.jobs:
                continue
            job = Job(d["id"], user, d["kind"], d["title"], f.parent, d.get("ref", ""), d["state"], d.get("total"), d.get("done", 0),
                      d.get("message", ""), d.get("error", ""), d.get("result") or {}, d.get("created", 0.0),
                      d.get("finished"))
            if job.state in ("queued", "running"):
                job.state, job.finished = "interrupted", job.created
                job.save()
            with self.lock:
                self.jobs[job.id] = job

    def submit(self, user: str, kind: str, title: str, folder_root: Path,
               fn: Callable[[Progress, Path], dict], ref: str = "") -> Job:
        """排一个任务：`fn(进度, 任务文件夹)` 返回结果（可下载的文件等，写进任务记录）。"""
        ident = secrets.token_hex(8)
        folder = folder_root / ident
        folder.mkdir(parents=True)
        job = Job(ident, user, kind, title, folder, ref)
        job.save()
        with self.lock:
            self.jobs[ident] = job
        self.pool.submit(self._run, job, fn)
        return job

    def _run(self, job: Job, fn) -> None:
        if job.cancel.is_set():
            job.state, job.finished = "cancelled", time.time()
            job.save()
            return
        job.state = "running"
        job.save()
        try:
            job.result = fn(Progress(job), job.folder) or {}
            job.state = "done"
        except JobCancelled:
            job.state = "cancelled"
        except InputError as exc:
            job.state, job.error = "failed", str(exc)
        except DocgenError as exc:
            job.state, job.error = "failed", str(exc)
        except OSError as exc:
            from docgen.cli import os_error_zh

            job.state, job.error = "failed", os_error_zh(exc)
        except Exception as exc:  # noqa: BLE001 — 内部错误：页面上说一句，详细的写进服务器日志
            traceback.print_exc()
            job.state, job.error = "failed", f"内部错误：{type(exc).__name__}: {exc}"
        job.finished = time.time()
        job.save()

    def get(self, user: str, ident: str) -> Job:
        job = self.jobs.get(ident)
        if job is None or job.user != user:  # 别人的任务：与不存在一样
            raise KeyError(ident)
        return job

    def list(self, user: str, kind: str | None = None) -> list[Job]:
        with self.lock:
            items = [j for j in self.jobs.values() if j.user == user and (kind is None or j.kind == kind)]
        return sorted(items, key=lambda j: j.created, reverse=True)

    def cancel(self, user: str, ident: str) -> Job:
        job = self.get(user, ident)
        job.cancel.set()
        return job

    def shutdown(self) -> None:
        for j in list(self.jobs.values()):
            j.cancel.set()
        self.pool.shutdown(wait=True, cancel_futures=True)
