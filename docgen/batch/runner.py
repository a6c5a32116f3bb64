"""执行计划：多进程渲染（每个进程只编译一次模板、加载一次字体，处理一定数量后换新进程以免内存增长），
按内容键跳过没变的输出，逐项记入 SQLite；某户出错不影响其他户，最后汇总。"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing as mp
import pickle
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from docgen.batch.plan import DOC_KINDS, Job, make_plan
from docgen.util.fs import atomic_write

STATE = ".docgen-state.sqlite"
CACHE = ".docgen-cache"


@dataclass
class Summary:
    planned: int = 0
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"计划": self.planned, "完成": self.done, "跳过": self.skipped, "失败": len(self.failed),
                "失败明细": [{"输出": t, "原因": e} for t, e in self.failed], "耗时（秒）": round(self.seconds, 2)}


class State:
    """每个输出的内容键与校验值（SQLite，放在输出目录中）。"""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS outputs (target TEXT PRIMARY KEY, key TEXT, sha256 TEXT, size INTEGER)")

    def all(self) -> dict[str, tuple[str, int]]:
        return {t: (k, s) for t, k, s in self.db.execute("SELECT target, key, size FROM outputs")}

    def record(self, rows: list[tuple[str, str, str, int]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)", rows)
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def _inputs_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def load_assessed(data_files: list[Path], settings, out: Path):
    """校验并核算；结果按输入文件内容缓存（重跑时不必再读三万行的导出表）。"""
    from docgen.errors import InputError
    from docgen.households.build import assess_all
    from docgen.households.validate import validate_paths

    key = hashlib.sha256((_inputs_hash(data_files) + repr(settings)).encode()).hexdigest()
    cache = out / CACHE / f"{key}.pickle"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    report = validate_paths(data_files)
    if report.errors:
        raise InputError(f"数据有 {len(report.errors)} 个错误，未运行批处理（先用 docgen check 查看并改正）", report.errors)
    result = (report.dataset, assess_all(report.dataset, settings))
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob("*.pickle"):
        old.unlink()
    atomic_write(cache, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


# ---------------------------------------------------------------- 工作进程

_W: dict = {}


def _init_worker(templates: str, settings) -> None:
    """每个工作进程：编译 Word 模板一次；PDF 字体在第一次用到时加载一次。"""
    import os

    from docgen.render.fastdocx import CompiledDocx

    os.environ["DOCGEN_TEMPLATES"] = templates
    _W.clear()
    _W["settings"] = settings
    _W["templates"] = templates
    _W["docx"] = {k: CompiledDocx(Path(templates) / v[0]) for k, v in DOC_KINDS.items() if k.endswith(".docx")}


def _render_household(task) -> list[tuple]:
    """渲染一户的各种文书；返回 (输出, 内容键, 校验值, 大小, 错误)。"""
    from docgen.households.docs import household_context

    out, assessment, jobs = task
    results = []
    try:
        ctx = household_context(assessment, _W["settings"], public=False)
    except Exception as exc:  # 数据与模板不合
        return [(j.target, j.key, "", 0, f"{type(exc).__name__}: {exc}") for j in jobs]
    for j in jobs:
        try:
            if j.kind.endswith(".docx"):
                data = _W["docx"][j.kind].render(ctx)
            else:
                if "typst" not in _W:  # 每个进程只建一次 Typst 编译器、加载一次字体
                    from docgen.fonts import FontSet
                    from docgen.render.typst_engine import TypstForms

                    _W["typst"] = TypstForms(Path(_W["templates"]) / "typst", FontSet())
                year = int(ctx["year"] or 2020)
                data = _W["typst"].render(DOC_KINDS[j.kind][0].split("/")[1], ctx, dt.date(year, 12, 31))
            atomic_write(Path(out) / j.target, data)
            results.append((j.target, j.key, hashlib.sha256(data).hexdigest(), len(data), ""))
        except Exception as exc:
            results.append((j.target, j.key, "", 0, f"{type(exc).__name__}: {exc}"))
    return results


# ---------------------------------------------------------------- 主流程


def run_batch(data_files: list[Path], out: Path, *, period: str, kinds: tuple[str, ...], workers: int, force: bool = False,
              dry_run: bool = False, templates: Path | None = None, settings=None, recycle: int = 200,
              progress=None, log=None, archive_profile: str | None = None) -> tuple[list[tuple[Job, str]], Summary]:
    """运行（或只计划）批处理。返回 [(项, 动作)] 与汇总；动作为“生成”或“跳过”。"""
    from docgen.households.compute import Settings
    from docgen.households.ledger import county_summary, village_ledger
    from docgen.render.env import templates_dir

    settings = settings or Settings()
    templates = Path(templates or templates_dir()).resolve()
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    if not dry_run:  # 上次运行被杀时可能留下的临时文件（从未改名成正式输出）
        for stale in out.rglob(".*.part"):
            stale.unlink(missing_ok=True)
    ds, assessments = load_assessed(data_files, settings, out)
    extra = hashlib.sha256(json.dumps([p.model_dump(mode="json") for p in ds.problems], ensure_ascii=False,
                                      sort_keys=True).encode()).hexdigest()
    plan = make_plan(assessments, settings, templates, kinds, period, extra)
    state = State(out / STATE)
    known = state.all()
    decisions = []
    for j in plan:
        prev = known.get(j.target)
        f = out / j.target
        fresh = prev is not None and prev[0] == j.key and f.is_file() and f.stat().st_size == prev[1]
        decisions.append((j, "跳过" if fresh and not force else "生成"))
    s = Summary(planned=len(plan), skipped=sum(a == "跳过" for _, a in decisions))
    if dry_run:
        state.close()
        return decisions, s
    todo = [j for j, a in decisions if a == "生成"]
    by_hh: dict[str, list[Job]] = {}
    for j in todo:
        if j.household:
            by_hh.setdefault(j.household, []).append(j)
    index = {a.household.hh_id: a for a in assessments}
    tasks = [(str(out), index[h], jobs) for h, jobs in by_hh.items()]
    pending: list[tuple] = []

    def take(results):
        for target, key, sha, size, error in results:
            if error:
                s.failed.append((target, error))
                if log:
                    log(f"失败 {target}：{error}")
            else:
                s.done += 1
                pending.append((target, key, sha, size))
            if progress:
                progress()
        if len(pending) >= 200:
            state.record(pending)
            pending.clear()

    if tasks:
        if workers <= 1:
            import os

            saved = os.environ.get("DOCGEN_TEMPLATES")
            try:
                _init_worker(str(templates), settings)
                for t in tasks:
                    take(_render_household(t))
            finally:  # 在本进程里跑时不把模板目录留在环境变量里
                if saved is None:
                    os.environ.pop("DOCGEN_TEMPLATES", None)
                else:
                    os.environ["DOCGEN_TEMPLATES"] = saved
        else:
            ctx = mp.get_context("spawn")
            with ctx.Pool(workers, initializer=_init_worker, initargs=(str(templates), settings),
                          maxtasksperchild=recycle) as pool:
                for results in pool.imap_unordered(_render_household, tasks, chunksize=8):
                    take(results)
    state.record(pending)
    pending.clear()
    # 台账与汇总：只重做内容键变了的村
    changed = {j.village: j for j in todo if j.kind == "台账"}
    if changed or any(j.kind == "汇总" for j in todo):
        by_village: dict[str, list] = {}
        for a in assessments:
            by_village.setdefault(a.household.village, []).append(a)
        report_date = dt.date(int(period[:4]), int(period[5:7]), 1)
        for village, j in sorted(changed.items()):
            try:
                items = by_village[village]
                village_ledger(village, items[0].household.village_code, items, ds, settings, report_date, out / j.target)
                take([(j.target, j.key, hashlib.sha256((out / j.target).read_bytes()).hexdigest(),
                       (out / j.target).stat().st_size, "")])
            except Exception as exc:
                take([(j.target, j.key, "", 0, f"{type(exc).__name__}: {exc}")])
        for j in todo:
            if j.kind == "汇总":
                county_summary(assessments, ds, out / j.target)
                take([(j.target, j.key, hashlib.sha256((out / j.target).read_bytes()).hexdigest(),
                       (out / j.target).stat().st_size, "")])
    state.record(pending)
    state.close()
    if archive_profile is not None:
        _archive(out, ds, data_files, todo, s, period, archive_profile, force)
    s.seconds = time.perf_counter() - t0
    atomic_write(out / "批处理报告.json", json.dumps(s.as_dict(), ensure_ascii=False, indent=1).encode("utf-8"))
    return decisions, s


def _archive(out: Path, ds, data_files, todo: list[Job], s: Summary, period: str, profile_name: str, force: bool) -> None:
    """把户档与台账整理成档案包（输出目录下的“档案”）：只重建有输出变了的村的包。"""
    from docgen.archive.build import build_archive
    from docgen.archive.profile import load_profile

    code_of = {h.village: h.village_code for h in ds.households}
    changed = {code_of.get(j.village, "") for j in todo if j.village} | {j.household[:12] for j in todo if j.household}
    failed_targets = {t for t, _ in s.failed}
    if any(t in failed_targets for t in (j.target for j in todo)):
        changed |= {j.household[:12] for j in todo if j.target in failed_targets and j.household}
    target = out / "档案"
    if target.is_dir() and not changed and not force:
        return
    year = int(period[:4])
    build_archive([out / "户档", out / "台账"], target, load_profile(profile_name), year=year,
                  date=dt.date(year, int(period[5:7]), 1), data_files=list(data_files),
                  villages=None if force or not target.is_dir() else changed, pdf=False)
