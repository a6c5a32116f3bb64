"""月末批处理上集群：Dask distributed（`docgen batch … --cluster tcp://调度机:8786`）。

分工（为什么这样分）：
- **协调的这台机器**（运行 docgen batch 的）保留计划、分拣结果与状态库，写全部输出文件；台账、汇总也在这里写。
- **工作机**只渲染：拿到一个单元（一个村里相邻的几户，及其核算结果）排出各户文书的字节交回，不碰任何文件系统。
  只有“交回字节”这一种方式——没有“工作机直接写共享盘”的开关：网络文件系统上的改名未必原子、各机器的权限与挂载点不同，
  状态库也只有一个写者才不会乱。代价是每户文书的字节要传回来一次（见 docs/benchmarks.md 的每户传输量），可接受。
- **同一单元不会同时跑两次**：Dask 的任务键由单元内各项的内容键算出（同一个键只排一次）；工作机中途死掉时 Dask 把它的
  单元交给别的工作机重做，渲染是确定的，结果与在一台机器上跑逐字节相同。
- **模板、字体按内容核对**：协调机把模板目录（按文件内容的哈希）连同 docgen 版本、字体文件的哈希做成清单；
  模板随任务发给工作机（每台只发一次，缓存在它的临时文件夹里，按哈希取名）；字体各机器自己装，工作机开工前核对自己
  字体与 docgen 版本的哈希，与清单不同就拒绝这个单元（报错，不会排出不一样的字节）。
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from docgen.errors import InputError

ROLE_FILES_CACHE: dict = {}


class ClusterRefused(RuntimeError):
    """工作机的模板、字体或 docgen 版本与协调机不同：拒绝渲染。"""


def templates_payload(templates: Path) -> tuple[str, dict[str, bytes]]:
    """模板目录的全部文件（相对路径 → 字节）与其内容哈希。"""
    files = {}
    for p in sorted(Path(templates).rglob("*")):
        if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts:
            files[p.relative_to(templates).as_posix()] = p.read_bytes()
    h = hashlib.sha256()
    for name, data in files.items():
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest(), files


RENDER_LIBS = ("typst", "python-docx", "docxtpl", "lxml", "openpyxl", "pikepdf", "Jinja2", "pydantic")


def environment_hash() -> str:
    """本机 docgen（版本与全部源文件的内容）、排版用的库的版本、各字体角色解析到的字体文件内容：排出同样字节的前提。"""
    if "env" in ROLE_FILES_CACHE:
        return ROLE_FILES_CACHE["env"]
    from importlib.metadata import PackageNotFoundError, version

    import docgen
    from docgen import __version__
    from docgen.fonts import FontSet

    fonts = FontSet()
    h = hashlib.sha256(__version__.encode())
    root = Path(docgen.__file__).parent
    for src in sorted(root.rglob("*.py")):
        h.update(src.relative_to(root).as_posix().encode() + hashlib.sha256(src.read_bytes()).digest())
    for lib in RENDER_LIBS:
        try:
            h.update(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            h.update(f"{lib}=?".encode())
    for key in sorted(fonts.resolve()):
        path, index = fonts.font_file(key)
        h.update(f"{key}|{index}|".encode() + hashlib.sha256(Path(path).read_bytes()).digest())
    ROLE_FILES_CACHE["env"] = h.hexdigest()
    return ROLE_FILES_CACHE["env"]


_WORKER: dict = {}


def _prepare(manifest: dict, templates: dict[str, bytes], settings) -> None:
    """工作机：核对环境，把模板放进按哈希取名的缓存文件夹，建渲染器（每台工作机每份模板只做一次）。"""
    from docgen.batch import runner

    env = environment_hash()
    if env != manifest["env"]:
        import socket

        raise ClusterRefused(f"工作机 {socket.gethostname()} 的 docgen、排版库的版本或字体与协调机不同（{env[:12]} ≠ "
                             f"{manifest['env'][:12]}）：请在这台工作机上装同一版本的 docgen 与同样的字体，再重启 dask worker")
    key = (manifest["templates"], json.dumps(settings.__dict__, sort_keys=True, default=str))
    if _WORKER.get("key") == key:
        return
    folder = Path(tempfile.gettempdir()) / f"docgen-templates-{manifest['templates'][:16]}"
    if not folder.is_dir():
        staging = Path(tempfile.mkdtemp(prefix="docgen-templates-", dir=tempfile.gettempdir()))
        for name, data in templates.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        got, _ = templates_payload(staging)
        if got != manifest["templates"]:
            raise ClusterRefused("发到工作机的模板与清单的哈希不符")
        try:
            staging.rename(folder)
        except OSError:  # 别的进程先放好了
            pass
    got, _ = templates_payload(folder)
    if got != manifest["templates"]:
        raise ClusterRefused(f"工作机上的模板缓存 {folder} 与清单不符（被改过？删掉它再运行）")
    runner._init_worker(str(folder), settings)
    _WORKER["key"] = key


def _household(blobs: dict, code: str, hh: str):
    """工作机：从村的核算结果字节里取一户（每个工作进程一次只解开一个村，与本机进程池相同）。"""
    import pickle

    if _WORKER.get("village") != code:
        blob = blobs.get(code)
        _WORKER["village"], _WORKER["items"] = code, ({a.household.hh_id: a for a in pickle.loads(blob)} if blob else {})
    return _WORKER["items"][hh]


def render_unit(manifest: dict, templates: dict[str, bytes], settings, tasks: list, blobs: dict | None = None) -> list[tuple]:
    """一个单元（工作机上跑）：[(“户”, (村代码, 户编号), 不一致, [项]) 或 (“公示”, 参数, [项])]，`blobs`：单元里各村的
    核算结果字节（每村 scatter 一次）→ [(输出, 内容键, 字节或 None, 校验值, 页数, 错误)]。"""
    from docgen.batch import runner

    _prepare(manifest, templates, settings)
    out = []
    for kind, payload, extra, jobs in tasks:
        if kind == "公示":
            out += runner.gongshi_outputs(payload, jobs[0])
        else:
            try:
                a = _household(blobs or {}, *payload) if isinstance(payload, tuple) else payload
            except Exception as exc:  # noqa: BLE001
                out += [(j.target, j.key, None, f"{type(exc).__name__}: {exc}") for j in jobs]
                continue
            out += runner.household_outputs(a, extra, jobs)
    return runner.describe(out)  # 校验值与页数在工作机上算


def connect(address: str):
    """连上 Dask 调度机（批处理开始时、写任何文件之前）。连不上时抛出中文的 InputError。"""
    from distributed import Client

    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError):
        raise InputError(f"连不上 Dask 调度机 {address}（20 秒内没有应答）：先在调度机上运行 dask scheduler，"
                         f"在各工作机上运行 dask worker {address}；地址与端口见 README“月末批处理上集群”") from None


RESEND = 5  # 单元因所需数据随工作机丢失而被取消时，最多重送几次


class DaskWindow:
    """与本机进程池的窗口（runner._Window）同样的用法：submit(一批任务)、drain()（已完成的结果）、finish()（等全部完成）。
    任务在这里换成不依赖协调机文件的单元（带上各户的核算结果），结果（字节）由协调机写进输出目录。"""

    def __init__(self, address, templates: Path, settings, village_blob, out: Path, size: int = 0):
        from docgen.batch.runner import finish

        self._finish = finish
        self.client = connect(address) if isinstance(address, str) else address
        self.own = isinstance(address, str)
        workers = self._workers()
        if not workers:
            try:
                self.client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                raise InputError(f"Dask 调度机 {self.client.scheduler.address} 上一台工作机也没有（等了 60 秒）："
                                 "在各工作机上运行 dask worker 调度机地址 --nthreads 1") from None
            workers = self._workers()
        many = sorted(addr for addr, w in workers.items() if w.get("nthreads", 1) > 1)
        if many:  # 渲染器（Typst、Word 模板）是每个进程一份的，不能几个线程同时用
            raise InputError(f"Dask 工作机 {'、'.join(many[:3])} 每个进程开了几个线程：docgen 要求每个工作进程一个线程"
                             "（dask worker 调度机地址 --nworkers auto --nthreads 1）")
        workers = len(workers)
        self.size = size or max(4, 4 * workers)
        thash, files = templates_payload(templates)
        self.manifest = {"templates": thash, "env": environment_hash()}
        self.template_files = files
        self.templates_future = self._scatter(files, broadcast=True, by_content=True)
        self.settings = settings
        self.village_blob = village_blob  # 村代码 → 该村核算结果的字节（协调机从分拣结果原样取出，不解开）
        self.blobs: dict = {}  # 村代码 → 集群上的那份字节（scatter 一次）
        self.out = out
        self.futures: list = []
        self.jobs: dict = {}
        self.sent: dict = {}  # 任务键 → (单元, 村代码, 已重送几次)
        self.submitted = 0

    def _workers(self) -> dict:
        return self.client.scheduler_info().get("workers", {})

    def _wait(self, futures) -> None:
        """等至少一个完成；集群上一台工作机都没有了（任务永远排不上）时不干等，说清楚。"""
        from concurrent.futures import CancelledError

        from distributed import wait

        while True:
            try:
                wait(futures, timeout=120, return_when="FIRST_COMPLETED")
                return
            except CancelledError:  # 有单元被取消了（它要的数据随死掉的工作机丢了）：算“完成”，由 _result 重送
                return
            except TimeoutError:
                if not self._workers():
                    raise InputError("Dask 集群上的工作机都不在了，批处理停在半途（已写出的文件与状态都保留，"
                                     "工作机恢复后再运行一次即可补完）") from None

    def submit(self, chunk: list) -> None:
        units = []
        keys = []
        codes = set()
        for out, key, jobs in chunk:
            if key[0] == "公示":
                units.append(("公示", key[1], None, jobs))
            else:
                _, code, hh, *rest = key
                units.append(("户", (code, hh), rest[0] if rest else None, jobs))
                codes.add(code)
            keys += [j.key for j in jobs]
        for code in codes - set(self.blobs):
            old = [c for c in self.blobs if c not in codes]
            if len(self.blobs) > 4 and old:  # 只留最近几个村的引用（还在用它的任务会留着它）
                self.blobs.pop(old[0])
            self.blobs[code] = self._scatter(self.village_blob(code))
        name = "docgen-unit-" + hashlib.sha256("|".join(keys).encode()).hexdigest()
        if len(self.futures) >= self.size:  # 窗口满了：等一个完成（结果留给 drain 取）
            self._wait(self.futures)
        self.jobs[name] = [j for _, _, jobs in chunk for j in jobs]
        self._send(name, units, sorted(codes), 0)
        self.submitted += 1

    def _scatter(self, data, broadcast: bool = False, by_content: bool = False):
        """把数据（一个村的核算结果，或 broadcast 时的模板）放到集群上。先直接送到工作机；工作机刚死、nanny 正在重起它时，
        送往它的连接会断：稍等再送（最多 5 次）。协调机连不上工作机的端口时（防火墙）后几次经调度机转送。"""
        import time

        for attempt in range(5):
            try:
                [future] = self.client.scatter([data], hash=by_content, broadcast=broadcast, direct=attempt < 2)
                return future
            except OSError:  # distributed 的 CommClosedError 是 OSError
                if attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))

    def _send(self, name: str, units: list, codes: list, tries: int) -> None:
        if self.templates_future.status != "finished":  # 模板也随工作机丢了（如它当时只在那一台上）：再发一次
            self.templates_future = self._scatter(self.template_files, broadcast=True)
        for code in codes:  # 重送时村的核算结果可能已随死掉的工作机丢了：再 scatter 一次
            if code not in self.blobs:
                self.blobs[code] = self._scatter(self.village_blob(code))
        f = self.client.submit(render_unit, self.manifest, self.templates_future, self.settings, units,
                               {c: self.blobs[c] for c in codes}, key=name, pure=False, retries=2)
        self.sent[name] = (units, codes, tries)
        self.futures.append(f)

    def drain(self):
        done, rest = [], []
        for f in self.futures:  # 一遍分开：两遍各问一次 done() 时，中间完成的那个会两边都不在
            (done if f.done() else rest).append(f)
        self.futures = rest
        for f in done:
            yield self._result(f)

    def finish(self):
        while self.futures:
            self._wait(self.futures)
            yield from self.drain()

    def _result(self, f):
        import time
        from concurrent.futures import CancelledError

        try:
            # 结果直接从工作机取（direct）：默认经调度机转一手，一万户约 1.6 GB 的字节要多走一趟、多占调度机的 CPU
            results = self.client.gather(f, direct=True)
        except ClusterRefused as exc:
            raise InputError(str(exc)) from None
        except CancelledError:
            # 单元要用的村核算结果（scatter 上去的数据没有来历可重算）只在死掉的那台工作机上：调度机把单元取消了。
            # 重新 scatter 那几个村、换个任务键再送（最多 RESEND 次）；结果照旧由 drain/finish 取回
            units, codes, tries = self.sent.pop(f.key)
            if tries < RESEND:
                time.sleep(0.2 * tries)  # 工作机刚死时调度机还在收拾：接连重送时稍等
                for code in codes:
                    self.blobs.pop(code, None)
                again = f"{f.key.split('~')[0]}~{tries + 1}"  # 新的任务键：调度机还记着被取消的那个
                self.jobs[again] = self.jobs.pop(f.key, [])
                self._send(again, units, codes, tries + 1)
                return []
            return [(j.target, j.key, "", 0, 0, f"集群上失败：工作机接连死掉，这个单元送了 {RESEND + 1} 次都没排成")
                    for j in self.jobs.pop(f.key, [])]
        except Exception as exc:  # noqa: BLE001 — 单元在几台工作机上都失败了（如 KilledWorker）：记为这些项失败
            self.sent.pop(f.key, None)
            return [(j.target, j.key, "", 0, 0, f"集群上失败：{type(exc).__name__}: {exc}")
                    for j in self.jobs.pop(f.key, [])]
        self.sent.pop(f.key, None)
        self.jobs.pop(f.key, None)
        return self._finish(self.out, results)

    def close(self) -> None:
        for f in self.futures:
            f.cancel()
        if self.own:
            self.client.close()
