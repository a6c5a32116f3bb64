"""执行计划：多进程渲染（每个进程只编译一次模板、加载一次字体，处理一定数量后换新进程以免内存增长），
按内容键跳过没变的输出，逐项记入 SQLite；某户出错不影响其他户，最后汇总。"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from docgen.batch.plan import Job, iter_plan
from docgen.errors import InputError
from docgen.util.fs import atomic_write, flush_to_disk
from docgen.util.procs import spawn_pool

STATE = ".docgen-state.sqlite"
CACHE = ".docgen-cache"


@dataclass
class Summary:
    planned: int = 0
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    warnings: int = 0  # 数据的警告（不挡批处理；docgen check 逐条列出）
    notes: list[str] = field(default_factory=list)  # 跳过的文件等说明

    def as_dict(self) -> dict:
        return {"计划": self.planned, "完成": self.done, "跳过": self.skipped, "失败": len(self.failed),
                "数据警告": self.warnings, "说明": self.notes,
                "失败明细": [{"输出": t, "原因": e} for t, e in self.failed], "耗时（秒）": round(self.seconds, 2)}


class State:
    """每个输出的内容键与校验值（SQLite，放在输出目录中）。"""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS outputs (target TEXT PRIMARY KEY, key TEXT, sha256 TEXT, size INTEGER, "
                        "pages INTEGER)")
        if "pages" not in {r[1] for r in self.db.execute("PRAGMA table_info(outputs)")}:  # 旧版的状态库
            self.db.execute("ALTER TABLE outputs ADD COLUMN pages INTEGER")

    def get(self, target: str) -> tuple[str, int] | None:
        return self.db.execute("SELECT key, size FROM outputs WHERE target=?", (target,)).fetchone()

    def record(self, rows: list[tuple[str, str, str, int, int]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)", rows)
        self.db.commit()

    def close(self) -> None:
        self.db.close()


# ---------------------------------------------------------------- 工作进程

_W: dict = {}
UNIT_HOUSEHOLDS = 16  # 一个单元（送给一个工作进程或集群工作机的一批）最多几户：同一个村里相邻的几户


def _init_worker(templates: str, settings) -> None:
    """每个工作进程：每种 Word 模板只编译一次；PDF 字体在第一次用到时加载一次。"""
    from docgen.households.docs import HouseholdForms

    os.environ["DOCGEN_TEMPLATES"] = templates
    _W.clear()
    _W["settings"] = settings
    _W["forms"] = HouseholdForms(Path(templates))


def _render_chunk(tasks) -> list[tuple]:
    """一批任务：(输出目录, (分拣结果, 村代码, 户编号), 该户各项) 是一户的文书；(输出目录, ("公示", 参数), [项]) 是一份公示名单。"""
    out = []
    for t in tasks:
        out += _render_gongshi(t) if t[1][0] == "公示" else _render_household(t)
    return out


def _render_gongshi(task) -> list[tuple]:
    """公示名单（Word 或 PDF）也在工作进程里排：Typst 与字体在工作进程里已经加载，主进程不必再加载一份。"""
    out, (_, kwargs), (j,) = task
    return finish(out, gongshi_outputs(kwargs, j))


def gongshi_outputs(kwargs: dict, j) -> list[tuple]:
    """一份公示名单的字节：[(输出, 内容键, 字节或 None, 错误)]。本机的进程池与集群的工作机都用它。"""
    from docgen.households.docs import gongshi_document

    try:
        return [(j.target, j.key, gongshi_document(j.target.rsplit(".", 1)[1], **kwargs), "")]
    except Exception as exc:
        return [(j.target, j.key, None, f"{type(exc).__name__}: {exc}")]


def describe(results: list[tuple]) -> list[tuple]:
    """渲染出的字节配上校验值与页数：[(输出, 内容键, 字节或 None, 校验值, 页数, 错误)]。在渲染的那个进程里算
    （集群上是工作机：协调机只管写文件）。"""
    return [(target, key, data, hashlib.sha256(data).hexdigest() if data is not None else "",
             _pages(target, data) if data is not None else 0, error) for target, key, data, error in results]


def finish(out, results: list[tuple]) -> list[tuple]:
    """把 :func:`describe` 过的字节写进输出目录（临时文件 + 改名），返回 (输出, 内容键, 校验值, 大小, 页数, 错误)。
    本机进程池里由工作进程自己写；集群上由协调的这台机器写（工作机只交回字节）。"""
    if results and len(results[0]) == 4:
        results = describe(results)
    rows = []
    for target, key, data, sha, pages, error in results:
        if error:
            rows.append((target, key, "", 0, 0, error))
            continue
        atomic_write(Path(out) / target, data, durable=False)  # 结束时统一写盘（flush_to_disk）
        rows.append((target, key, sha, len(data), pages, ""))
    return rows


def _pages(target: str, data: bytes) -> int:
    """PDF 的页数（交给档案整理，不必再打开文件数）；其他格式记 0（档案整理时再数）。"""
    if not target.endswith(".pdf"):
        return 0
    from docgen.render.typst_engine import page_count

    return page_count(data)


def _assessment(staging: str, code: str, hh: str):
    """工作进程自己从分拣结果（只读）取一户的核算结果，一次解开一个村：主进程不必为每户解开、再打包送过来。
    任务按村的顺序送出，所以每个工作进程每村一般只解开一次。"""
    if _W.get("village") != (staging, code):
        from docgen.households.stage import village_assessments

        _W["village"], _W["items"] = (staging, code), {a.household.hh_id: a for a in village_assessments(staging, code)}
    return _W["items"][hh]


def _render_household(task) -> list[tuple]:
    """渲染一户的各种文书并写出；返回 (输出, 内容键, 校验值, 大小, 页数, 错误)。"""
    out, (staging, code, hh, *rest), jobs = task
    try:
        a = _assessment(staging, code, hh)
    except Exception as exc:
        return [(j.target, j.key, "", 0, 0, f"{type(exc).__name__}: {exc}") for j in jobs]
    return finish(out, household_outputs(a, rest[0] if rest else None, jobs))


def household_outputs(a, mismatches, jobs) -> list[tuple]:
    """一户各种文书的字节：[(输出, 内容键, 字节或 None, 错误)]。本机的进程池与集群的工作机都用它。"""
    from docgen.households.docs import household_context

    try:
        ctx = household_context(a, _W["settings"], public=False, mismatches=mismatches)
    except Exception as exc:  # 数据与模板不合
        return [(j.target, j.key, None, f"{type(exc).__name__}: {exc}") for j in jobs]
    results = []
    for j in jobs:
        try:
            results.append((j.target, j.key, _W["forms"].render(j.kind, ctx), ""))
        except Exception as exc:
            results.append((j.target, j.key, None, f"{type(exc).__name__}: {exc}"))
    return results


# ---------------------------------------------------------------- 主流程


def run_batch(data, out: Path, *, period: str, kinds: tuple[str, ...], workers: int, force: bool = False,
              dry_run: bool = False, templates: Path | None = None, settings=None, recycle: int = 2000,
              progress=None, log=None, archive_profile: str | None = None,
              on_total=None, on_decision=None, handbooks: tuple[Path, ...] = (),
              cluster=None) -> tuple[list[tuple[Job, str]], Summary]:
    """运行（或只计划）批处理。`data`：:class:`~docgen.households.load.DataFiles`（或文件、文件夹的列表）；
    `period`：YYYY-MM。返回 汇总，以及 --dry-run 时的 [(项, 动作)]（动作为“生成”或“跳过”）；
    给了 `on_decision(项, 动作)` 时逐项交给它而不攒成列表（几万户的计划也不占内存）。

    内存与户数无关：导出表先按村分拣进 SQLite（:mod:`docgen.households.stage`），计划、渲染、台账、汇总都逐村进行；
    任务按窗口送进进程池，主进程在工作进程渲染时写本村台账。`cluster`：Dask 调度机的地址（tcp://…）或已连上的
    distributed.Client——各户文书交给集群的工作机排（见 :mod:`docgen.batch.cluster`），其余照旧。"""
    from docgen import __version__
    from docgen.households.load import DataFiles, collect_files
    from docgen.households.stage import Staging
    from docgen.render.env import templates_dir
    from docgen.settings import Settings

    settings = settings or Settings()
    ym = (int(period[:4]), int(period[5:7])) if period else None
    if not isinstance(data, DataFiles):
        data = collect_files(list(data), ym)
    templates = Path(templates or templates_dir()).resolve()
    from docgen.households.docs import missing_templates

    gone = missing_templates(templates, kinds)
    if gone:  # 在建缓存、状态库之前就停
        raise InputError(f"{templates}: 模板目录里缺少 {'、'.join(gone)}（可从 docgen 自带的 templates/ 复制后再改）")
    t0 = time.perf_counter()
    profile = None
    if archive_profile is not None:  # 方案有错时在渲染之前就报
        from docgen.archive.profile import load_profile

        profile = load_profile(archive_profile)
    from docgen.households.load import check_output_apart

    check_output_apart(data.files, out)
    client = None
    if isinstance(cluster, str) and not dry_run:  # 先连上调度机：连不上时什么都还没写
        from docgen.batch.cluster import connect

        client = cluster = connect(cluster)
    handbook = None
    if handbooks:  # 册有错时在渲染之前就报（什么都还没写）
        from docgen.crosscheck.handbook import read_handbooks

        handbook = read_handbooks(list(handbooks))
        errors = [i for i in handbook.issues if i.severity == "error"]
        if errors:
            raise InputError(f"帮扶手册录入表有 {len(errors)} 处错误，批处理没有开始（改好后再运行）", errors)
    fresh_dir = not out.exists()
    scratch = None
    if dry_run:  # 只计划：什么都不写进输出目录——分拣缓存放在临时目录，上次的状态库只读
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="docgen-dry-")
        cache, state_path = Path(scratch.name) / CACHE, Path(scratch.name) / STATE
        if (out / STATE).is_file():  # 用 SQLite 的备份接口复制：连同 WAL 里（上次被杀时）还没并进来的记录
            src = sqlite3.connect(f"file:{out / STATE}?mode=ro", uri=True)
            dst = sqlite3.connect(state_path)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
    else:
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.rglob(".*.part"):  # 上次运行被杀时可能留下的临时文件（从未改名成正式输出）
            stale.unlink(missing_ok=True)
        cache, state_path = out / CACHE, out / STATE
    try:
        stg = Staging.open_or_build(data, settings, cache, __version__, ym, workers=workers)
    except BaseException:
        if fresh_dir and not dry_run:  # 数据有错：这次新建的输出目录（里面只有空的缓存目录）不留下
            shutil.rmtree(out, ignore_errors=True)
        if scratch is not None:
            scratch.cleanup()
        raise
    period = period or stg.reference.strftime("%Y-%m")  # ledger 不给期别时：由基准日期定
    state = State(state_path)
    try:
        extra = hashlib.sha256(json.dumps([p.model_dump(mode="json") for p in stg.context.problems], ensure_ascii=False,
                                          sort_keys=True).encode()).hexdigest()

        cross = per_hh = None
        if handbook is not None:  # 库册核对：未解决的不一致写在户情卡上（算进该户文书的内容键），报告与核对单在最后写
            from docgen.crosscheck.compare import crosscheck_staging

            cross = crosscheck_staging(stg, handbook, settings)
            per_hh = {hh: [{"item": m.item, "rule": m.rule, "ku": m.ku, "other": m.other, "source": m.source,
                            "detail": m.detail} for m in items] for hh, items in cross.by_household().items()}
            digests = {hh: hashlib.sha256(json.dumps(v, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
                       for hh, v in per_hh.items()}

        def plan():
            return iter_plan(stg, settings, templates, kinds, period, extra, digests if cross is not None else None)

        def action(j: Job) -> str:
            if force:
                return "生成"
            prev = state.get(j.target)
            if prev is None or prev[0] != j.key:
                return "生成"
            try:
                return "跳过" if (out / j.target).stat().st_size == prev[1] else "生成"
            except OSError:
                return "生成"

        s = Summary(warnings=len(stg.warnings), notes=list(stg.intake.notes))
        decisions = []
        noted: set[str] = set(s.notes)
        for j in plan():  # 第一遍：只数（给进度条总数）；--dry-run 时记下每一项
            a = action(j)
            if j.note and j.note not in noted:
                noted.add(j.note)
                s.notes.append(j.note)
            s.planned += 1
            s.skipped += a == "跳过"
            if dry_run and on_decision is not None:
                on_decision(j, a)
            elif dry_run:
                decisions.append((j, a))
        if dry_run and cross is not None:  # 库册核对的报告与核对单也在计划里（与真跑时同一个内容键判断）
            xjobs = _crosscheck_jobs(cross, handbooks, settings, kinds, templates)
            same = _crosscheck_unchanged(xjobs, state, out, force)
            for j in xjobs:
                s.planned += 1
                s.skipped += same
                if on_decision is not None:
                    on_decision(j, "跳过" if same else "生成")
                else:
                    decisions.append((j, "跳过" if same else "生成"))
        if dry_run:
            return decisions, s
        if on_total:
            on_total(s.planned - s.skipped)
        todo = s.planned - s.skipped
        # 要做的很少（如只改了几户）时不值得起进程池（每个进程要导入、编译模板，约 1–2 秒）
        _execute(stg, plan(), action, state, s, out=out, templates=templates, settings=settings,
                 workers=workers if todo > 16 * workers else 1,
                 recycle=recycle, period=period, progress=progress, log=log,
                 mismatches=per_hh if cross is not None else None, cluster=cluster if todo else None)
        if cross is not None:
            _crosscheck_outputs(out, cross, handbooks, state, s, settings, kinds, force, templates)
        if profile is not None:
            _archive(out, stg, plan(), state, period, profile, force, workers)
    finally:
        state.close()
        stg.close()
        if scratch is not None:
            scratch.cleanup()
        if client is not None:
            client.close()
    flush_to_disk(out)  # 户档逐个写时没有 fsync：报告成功之前一次写到磁盘
    s.seconds = time.perf_counter() - t0
    atomic_write(out / "批处理报告.json", json.dumps(s.as_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return [], s


def _crosscheck_jobs(cross, handbooks, settings, kinds, templates: Path) -> list[Job]:
    """库册核对的输出（路径由批处理计划定：核对/库册核对.xlsx 与 核对/核对单/…）：一个内容键管报告与全部核对单
    （册、核对结果、模板、配置、docgen 版本都没变时一起跳过）。第一项是报告。"""
    from docgen import __version__
    from docgen.batch.plan import CROSSCHECK_DIR, CROSSCHECK_REPORT, file_hash
    from docgen.crosscheck.outputs import sheet_targets

    key = hashlib.sha256(json.dumps([[m.as_row() for m in cross.mismatches], [file_hash(Path(h)) for h in handbooks],
                                     sorted(cross.households_ku.items()), str(cross.reference), kinds,
                                     settings.__dict__, file_hash(Path(templates) / "typst" / "crosscheck_sheet.typ"),
                                     __version__], ensure_ascii=False, default=str, sort_keys=True).encode()).hexdigest()
    jobs = [Job("库册核对", f"{CROSSCHECK_DIR}/{CROSSCHECK_REPORT}", key)]
    for hh, items, rel in sheet_targets(cross, _sheet_formats(kinds)):
        jobs.append(Job("核对单", f"{CROSSCHECK_DIR}/{rel}", key, household=hh, village=items[0].village,
                        code=items[0].village_code))
    return jobs


def _crosscheck_unchanged(jobs: list[Job], state: State, out: Path, force: bool) -> bool:
    """报告的内容键与上次相同、报告与各份核对单都还在：这次跳过（真跑与 --dry-run 同一个判断）。"""
    prev = state.get(jobs[0].target)
    return not force and prev is not None and prev[0] == jobs[0].key and all((out / j.target).is_file() for j in jobs)


def _sheet_formats(kinds) -> tuple[str, ...]:
    return tuple(sorted({"." + k.rsplit(".", 1)[1] for k in kinds})) or (".docx",)


def _crosscheck_outputs(out: Path, cross, handbooks, state: State, s: Summary, settings, kinds, force: bool,
                        templates: Path) -> None:
    """写库册核对的报告工作簿与各户核对单（:func:`_crosscheck_jobs`）。报告的内容键没变、文件还在时一起跳过。"""
    from docgen.batch.plan import CROSSCHECK_DIR, CROSSCHECK_SHEETS
    from docgen.crosscheck.outputs import write_report, write_sheets

    jobs = _crosscheck_jobs(cross, handbooks, settings, kinds, templates)
    report = jobs[0]
    s.planned += len(jobs)
    s.notes.append(f"库册核对：不一致 {len(cross.mismatches)} 处（{len(cross.by_household())} 户），见 {report.target}")
    if _crosscheck_unchanged(jobs, state, out, force):
        s.skipped += len(jobs)
        return
    folder = out / CROSSCHECK_DIR
    if (folder / CROSSCHECK_SHEETS).is_dir():  # 上次的核对单：改好了的户不该还留着单子
        shutil.rmtree(folder / CROSSCHECK_SHEETS)
    path = write_report(cross, out / report.target, cross.reference)
    write_sheets(cross, folder, settings, cross.reference, formats=_sheet_formats(kinds), templates=templates)
    data = path.read_bytes()
    state.record([(report.target, report.key, hashlib.sha256(data).hexdigest(), len(data), 0)])
    s.done += len(jobs)


class _Window:
    """送进进程池的任务最多 `size` 批在途：主进程不会把全县的任务一下子塞进队列。"""

    def __init__(self, pool, size: int):
        self.pool, self.sem, self.results = pool, threading.BoundedSemaphore(size), queue.SimpleQueue()

    def submit(self, chunk: list) -> None:
        self.sem.acquire()

        def done(r):
            self.results.put(r)
            self.sem.release()

        def fail(exc):  # 工作进程本身出错（渲染错误已在 _render_household 里按户收集）
            self.results.put([(j.target, j.key, "", 0, 0, f"{type(exc).__name__}: {exc}") for _, _, jobs in chunk
                              for j in jobs])
            self.sem.release()

        self.pool.apply_async(_render_chunk, (chunk,), callback=done, error_callback=fail)

    def drain(self):
        while True:
            try:
                yield self.results.get_nowait()
            except queue.Empty:
                return


def _execute(stg, plan, action, state: State, s: Summary, *, out: Path, templates: Path, settings, workers: int,
             recycle: int, period: str, progress, log, mismatches: dict | None = None, cluster=None) -> None:
    """按计划生成。"""
    from docgen.households.ledger import county_summary, village_ledger

    pending: list[tuple] = []

    def take(results):
        for target, key, sha, size, pages, error in results:
            if error:
                s.failed.append((target, error))
                if log:
                    log(f"失败 {target}：{error}")
            else:
                s.done += 1
                pending.append((target, key, sha, size, pages))
            if progress:
                progress()
        if len(pending) >= 200:
            state.record(pending)
            pending.clear()

    def written(j: Job):
        f = out / j.target
        data = f.read_bytes()
        return [(j.target, j.key, hashlib.sha256(data).hexdigest(), len(data), _pages(j.target, data), "")]

    from docgen.households.docs import gongshi_rows

    report_date = stg.reference
    names = stg.village_names()
    cache: dict = {"code": None, "items": None}

    def assessments(code: str) -> dict:
        if cache["code"] != code:  # 一次只解开一个村
            cache["code"], cache["items"] = code, {a.household.hh_id: a for a in stg.assessments(code)}
        return cache["items"]

    pool = window = None
    env = contextlib.ExitStack()
    if cluster is not None:  # 集群：各户文书交给 Dask 的工作机排，字节传回来在这里写（docgen/batch/cluster.py）
        from docgen.batch.cluster import DaskWindow

        window = DaskWindow(cluster, templates, settings, stg.village_blob, out)
    elif workers > 1:
        # 渲染进程用 jemalloc（docgen/util/procs.py），换进程时也是；出错时由 env.close() 结束进程池
        pool = env.enter_context(spawn_pool(workers, initializer=_init_worker, initargs=(str(templates), settings),
                                            maxtasksperchild=recycle))
        window = _Window(pool, size=workers * 4)
    saved = os.environ.get("DOCGEN_TEMPLATES")
    if window is None:
        _init_worker(str(templates), settings)
    try:
        chunk: list = []
        hh_jobs: list[Job] = []

        def flush_household():
            if hh_jobs:
                hh = hh_jobs[0].household
                key = (str(stg.path), hh_jobs[0].code, hh) + ((mismatches.get(hh, []),) if mismatches is not None else ())
                chunk.append((str(out), key, list(hh_jobs)))
                hh_jobs.clear()

        def flush_chunk():
            if not chunk:
                return
            if window is None:
                take(_render_chunk(chunk))
            else:
                for r in window.drain():
                    take(r)
                window.submit(list(chunk))
            chunk.clear()

        summary_job = None
        county_jobs: list[Job] = []
        for j in plan:
            if hh_jobs and j.household != hh_jobs[0].household:
                flush_household()
                if len(chunk) >= UNIT_HOUSEHOLDS:
                    flush_chunk()
            if action(j) != "生成":
                continue
            if j.household:
                hh_jobs.append(j)
            elif j.kind == "台账":  # 工作进程渲染本村各户时，主进程写本村台账
                flush_household()
                flush_chunk()
                try:
                    items = [a for a in assessments(j.code).values() if a.household.village == j.village]
                    village_ledger(j.village, j.code, items, stg.context.problems, settings, report_date, out / j.target)
                    take(written(j))
                except Exception as exc:
                    take([(j.target, j.key, "", 0, 0, f"{type(exc).__name__}: {exc}")])
            elif j.kind == "公示" and j.code:  # 本村的公示名单：交给工作进程排
                flush_household()
                items = [a for a in assessments(j.code).values() if a.household.village == j.village]
                chunk.append((str(out), ("公示", _gongshi_args(items, settings, report_date, village=j.village)), [j]))
            elif j.kind == "公示":
                county_jobs.append(j)
            elif j.kind == "汇总":
                summary_job = j
        flush_household()
        if county_jobs:  # 全县公示名单：逐村取拟退出户（一次只解开一个村），按村代码、组排好
            rows, first = [], None
            for code in stg.codes():
                items = stg.assessments(code)
                first = first or (items[0] if items else None)
                rows += gongshi_rows(items, settings)
            args = _gongshi_args([first] if first else [], settings, report_date, rows=rows)
            chunk += [(str(out), ("公示", args), [j]) for j in county_jobs]
        flush_chunk()
        if pool is not None:
            pool.close()
            pool.join()
            for r in window.drain():
                take(r)
        elif window is not None:
            for r in window.finish():
                take(r)
        if summary_job is not None:
            try:
                county_summary(stg.summary_lines(), stg.context.problems, out / summary_job.target, names, settings)
                take(written(summary_job))
            except Exception as exc:
                take([(summary_job.target, summary_job.key, "", 0, 0, f"{type(exc).__name__}: {exc}")])
    finally:
        if pool is not None:
            pass  # 本机进程池：由下面的 env.close() 结束（spawn_pool 退出时 terminate）
        elif window is not None:
            window.close()
        elif saved is None:  # 在本进程里跑时不把模板目录留在环境变量里
            os.environ.pop("DOCGEN_TEMPLATES", None)
        else:
            os.environ["DOCGEN_TEMPLATES"] = saved
        env.close()
        state.record(pending)


def _gongshi_args(items: list, settings, reference, *, village: str = "", rows: list | None = None) -> dict:
    """一份公示名单的内容（村级：`items` 为该村的核算结果；全县：`rows` 为全县的名单行）。公示期、发布单位、日期
    都来自配置与基准日期；身份证号在 gongshi_rows 里已按配置打码。"""
    from docgen.households.docs import gongshi_period, gongshi_rows, gongshi_title, publishing_unit

    county = rows is not None
    rows = rows if county else gongshi_rows(items, settings)
    h = items[0].household if items else None
    ref = reference
    start, end = gongshi_period(settings, ref)
    village, township, county_name = (h.village, h.township, h.county) if h else (village, "", "")
    unit = publishing_unit(settings.gongshi_county_unit if county else settings.gongshi_unit, village, township,
                           county_name)
    title = gongshi_title(county_name or "全县" if county else village, ref.year)
    return {"title": title, "unit": unit, "start": start, "end": end, "date": start, "rows": rows, "county": county}


def _archive(out: Path, stg, plan, state: State, period: str, profile, force: bool, workers: int = 1) -> None:
    """把这次的输出整理成档案包（输出目录下的“档案”），逐村进行，最后是县级的包（全县汇总、全县公示名单）。
    批处理把它已知的每份文书（户、村、种类、题名、页数、校验值）直接交给档案整理，不再按文件名与 PDF 关键词去认；
    与 ``docgen archive build 户档 台账 公示 全县汇总.xlsx`` 走同一个 :func:`~docgen.archive.build.build_villages`，
    得到同样的包。每村的来源指纹 = 该村各输出的路径与校验值 + 方案 + 期别；没变且包在的村跳过。"""
    from docgen.archive.build import VillageJob, build_villages
    from docgen.archive.collect import FORMAT_RANK, count_pages, doc_title, make_doc
    from docgen.archive.model import COUNTY
    from docgen.households.docs import DOC_KINDS

    conf = json.dumps(profile.data, ensure_ascii=False, sort_keys=True, default=str)
    names = stg.village_names()
    labels = {k: v[1].rsplit(".", 1)[0] for k, v in DOC_KINDS.items()}  # 户情卡.pdf → 户情卡

    def village_job(code: str, jobs: list[Job]) -> VillageJob:
        h = hashlib.sha256(f"{conf}|{period}".encode())
        known = stg.household_index(code) if code != COUNTY else {}
        best: dict[str, Job] = {}  # 同一文书的几种格式只归档一份（PDF 优先，与清点文件夹时相同）
        for j in jobs:
            stem = j.target.rsplit(".", 1)[0]
            if stem not in best or FORMAT_RANK.get("." + j.target.rsplit(".", 1)[1], 9) < \
                    FORMAT_RANK.get("." + best[stem].target.rsplit(".", 1)[1], 9):
                best[stem] = j
        docs = []
        for j in jobs:
            row = state.db.execute("SELECT sha256, pages FROM outputs WHERE target=?", (j.target,)).fetchone()
            h.update(f"\n{j.target}\t{row[0] if row else ''}".encode())
            if best[j.target.rsplit(".", 1)[0]] is not j or row is None:
                continue
            src = out / j.target
            stem = src.stem
            if j.household:
                doc_type = profile.classify(labels.get(j.kind, stem))
                title = doc_title(stem, doc_type or "", known.get(j.household, {}).get("head", ""), True)
            else:
                doc_type = profile.classify({"台账": "台账", "汇总": "汇总", "公示": "公示名单"}.get(j.kind, stem)) \
                    or profile.classify(stem)
                title = doc_title(stem, doc_type or "")
            if doc_type is None:  # 方案里没有这类文书（如方案不收台账）：照常报在完整性报告里
                continue
            pdf = src.suffix == ".pdf"
            docs.append(make_doc(profile, src, j.target, doc_type, j.code, j.household, title, stg.reference,
                                 row[1] or count_pages(src), pdf, pdf, sha256=row[0]))
        return VillageJob(code, names.get(code, "") if code != COUNTY else "", known, docs, h.hexdigest())

    def villages():
        code, group = None, []
        for j in plan:
            c = j.code or COUNTY
            if c != code and group:
                yield village_job(code, group)
                group = []
            code = c
            group.append(j)
        if group:
            yield village_job(code, group)

    build_villages(villages(), out / "档案", profile, year=int(period[:4]), date=stg.reference, pdf=True,
                   workers=workers, force=force)
