"""建档案：一个循环，逐村（县级的包也是一个“村”）清点 → 编号 → 装盒 → 查完整性 → 写包与移交 zip → 记登记。

``docgen archive build``（清点文件夹，按文件名与清单表认文件）与 ``batch --archive``（批处理把它已知的每份文书交过来）
走同一个 :func:`build_villages`：同样的输出得到逐字节相同的档案包。每村的包与 zip 各自在临时文件夹中建好后原子换入，
最后写该村的编号登记（中途被杀时，下次重建那个村）；完整性报告由各村登记汇成。输入不变时重建不改变任何字节。
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docgen.archive import boxing, completeness, numbering
from docgen.archive.collect import collect
from docgen.archive.model import COUNTY, Bundle, Collection, Doc, mkdir
from docgen.archive.numbering import LEGACY_STATE, STATE_DIR
from docgen.archive.profile import Profile
from docgen.errors import InputError


VILLAGES_PER_PROCESS = 25  # 建档的工作进程每建这么多村换一个（防 Typst 的版面缓存随村数一直涨；换得太勤每次要多起一个进程）


@dataclass
class VillageJob:
    """建一个村（或县级，村代码 COUNTY）的包要的全部东西：该村的户与该村要归档的每份文件（已认出类型、户、题名、页数）。"""

    code: str
    name: str
    households: dict[str, dict]  # 该村 户编号 → {head, village, village_name}
    docs: list[Doc]
    fingerprint: str = ""  # 来源指纹：与上次登记的相同且包还在时跳过（批处理的增量重建）
    unknown: list = field(default_factory=list)  # [(文件, 原因)]：未归档的文件（记入该村登记，汇进完整性报告）


def build_archive(sources: list[Path], out: Path, profile: Profile, *, year: int, date: dt.date,
                  manifest: Path | None = None, data_files: list[Path] = (), strict: bool = False,
                  pdf: bool = True, workers: int = 1, progress=None, on_total=None) -> dict:
    """``docgen archive build``：清点来源（文件夹或文件），按村分好，交给 :func:`build_villages`。
    `strict` 时有缺漏即报错且不写任何文件。"""
    col = collect(sources, profile, manifest=manifest, data_files=data_files, year=year, default_date=date)
    by_village: dict[str, list[Doc]] = {}
    for d in col.docs:
        by_village.setdefault(d.village or COUNTY, []).append(d)
    codes = sorted(set(by_village) | {h["village"] for h in col.households.values()})
    unknown = [(str(p), "认不出文件类型（不在方案的关键词中，也不在清单表里）") for p in col.unknown]
    jobs = []
    for code in codes:
        hh = {k: v for k, v in col.households.items() if v["village"] == code}
        jobs.append(VillageJob(code, col.villages.get(code, "") if code != COUNTY else "", hh, by_village.get(code, []),
                               unknown=unknown if code == COUNTY else []))
    if unknown and COUNTY not in codes:  # 未归档的文件记在县级的登记里
        jobs.append(VillageJob(COUNTY, "", {}, [], unknown=unknown))
    if strict:
        _refuse_gaps(jobs, out, profile, year, date)
    stats = build_villages(jobs, out, profile, year=year, date=date, pdf=pdf, workers=workers, force=True,
                           progress=progress, on_total=on_total)
    stats["unknown"] = list(col.unknown)
    return stats


def _refuse_gaps(jobs: list[VillageJob], out: Path, profile: Profile, year: int, date: dt.date) -> None:
    """--strict：先在内存中排一遍（不写任何文件），有缺漏或认不出的文件就报错。"""
    from docgen.errors import Issue, Location

    issues = []
    for job in jobs:
        b, col = _arrange(job, out, profile, year, date)
        for c in b.completeness:
            if not c["齐全"]:
                issues.append(Issue(Location(f"{c['范围']}{c['编号']}"), "ARC001", "；".join(x for x in (
                    f"缺少 {'、'.join(c['缺少'])}" if c["缺少"] else "",
                    f"重复 {'、'.join(c['重复'])}" if c["重复"] else "") if x)))
        issues += [Issue(Location(str(p)), "ARC002", why) for p, why in job.unknown + _unhoused(col)]
    if issues:
        raise InputError(f"归档材料不完整（--strict），共 {len(issues)} 处", issues)


def _unhoused(col: Collection) -> list[tuple[str, str]]:
    return [(str(p), "属于户卷的文件类型，却认不出是哪一户（文件名里没有户编号，清单表里也没有）") for p in col.unhoused]


def _arrange(job: VillageJob, out: Path, profile: Profile, year: int, date: dt.date,
             state: dict | None = None) -> tuple[Bundle, Collection]:
    """编号、装盒、查完整性：一个村的包（尚未写出）。"""
    col = Collection(docs=list(job.docs), households=dict(job.households),
                     villages={job.code: job.name} if job.name else {})
    state = state if state is not None else numbering.load_register(out, job.code)
    b = numbering.number_items(col, profile, year, state, date).get(job.code) or Bundle(job.code, job.name)
    b.village_name = b.village_name or job.name
    boxing.box_units(b, profile)
    completeness.check(b, profile, col)
    return b, col


def build_villages(jobs, out: Path, profile: Profile, *, year: int, date: dt.date, pdf: bool = True,
                   workers: int = 1, force: bool = False, progress=None, on_total=None) -> dict:
    """逐村建档案。`jobs`：可迭代的 :class:`VillageJob`；给了来源指纹且与上次登记的相同、包也在时跳过该村
    （`force` 时不跳过）。`workers` > 1 时各村分给几个进程同时建（各村互不相干，编号登记每村一个文件；结果相同）。
    `on_total(村数)`、`progress()`（每建好一个村）给进度条用。"""
    from docgen.archive import outputs

    mkdir(out)
    for stale in out.glob(".*"):  # 上次被杀时留下的临时文件夹
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
    if (out / LEGACY_STATE).is_file():  # 旧版的单一登记文件：拆成每村一个（只做一次）
        numbering.write_register(out / STATE_DIR, numbering.load_register(out), {})
        (out / LEGACY_STATE).unlink()
    todo = []
    for job in jobs:
        state = numbering.load_register(out, job.code)
        dirname = Bundle(job.code, job.name).dirname
        if not force and job.fingerprint and state.get("来源指纹") == job.fingerprint and (out / dirname).is_dir():
            continue
        todo.append((job, out, profile, year, date, pdf))
    if on_total:
        on_total(len(todo))
    if workers > 1 and len(todo) > 1:
        from docgen.util.procs import spawn_pool

        # 每个进程建几个村就换新的：目录 PDF 由 Typst 排，它的版面缓存是全进程的、清不掉，随排过的村数增长
        with spawn_pool(min(workers, len(todo)), maxtasksperchild=VILLAGES_PER_PROCESS) as pool:
            for _ in pool.imap_unordered(_build_village, todo):
                if progress:
                    progress()
    else:
        for t in todo:
            _build_village(t)
            if progress:
                progress()
    files = sorted((out / STATE_DIR).glob("*.json"))

    def records():  # 一次读一个村的登记（全部村的件号登记合起来随户数增长）
        for f in files:
            yield f.stem, json.loads(f.read_text(encoding="utf-8"))

    if todo or not (out / "完整性报告.xlsx").is_file():
        unknown: list = []

        def rows():
            for _, r in records():
                unknown.extend(r.get("未归档", []))
                yield from completeness.rows([(r.get("村名", ""), r.get("完整性", []))])

        # 第二张表（未归档文件）在第一张表的行全部生成之后才写，那时 unknown 已经收齐
        outputs.write_completeness(out / "完整性报告.xlsx", rows(), unknown)
    stats = {"rebuilt": len(todo), "bundles": 0, "items": 0, "volumes": 0, "volume_items": 0, "boxes": 0,
             "gaps": [], "unhoused": []}
    for code, r in records():
        stats["bundles"] += bool(r.get("件数") or r.get("卷数"))
        for k, name in (("items", "件数"), ("volumes", "卷数"), ("volume_items", "卷内件数"), ("boxes", "盒数")):
            stats[k] += r.get(name, 0)
        stats["gaps"] += [c for c in r.get("完整性", []) if not c["齐全"]]
        stats["unhoused"] += [p for p, why in r.get("未归档", []) if "哪一户" in why]
    return stats


def _build_village(task) -> None:
    """建一个村的档案包：编号、写包与 zip（各自原子换入），最后写该村的编号登记。"""
    from docgen.archive import outputs

    job, out, profile, year, date, pdf = task
    state = numbering.load_register(out, job.code)
    b, col = _arrange(job, out, profile, year, date, state)
    dirname = b.dirname
    stage = Path(tempfile.mkdtemp(prefix=f".{job.code}.", dir=out))
    try:
        if b.items or b.volumes:
            bag = stage / dirname
            outputs.write_bundle(bag, b, profile, date, pdf=pdf)
            outputs.write_bag(bag, b, profile, date, year)
            outputs.zip_dir(bag, stage / f"{dirname}.zip")
            os.chmod(stage / f"{dirname}.zip", 0o644)
            _swap(bag, out / dirname)
            os.replace(stage / f"{dirname}.zip", out / f"{dirname}.zip")
        else:  # 这个村一件也没有了：不留旧包
            for old in (out / dirname, out / f"{dirname}.zip"):
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    record = {"村名": b.village_name, "完整性": b.completeness, "件数": len(b.items), "卷数": len(b.volumes),
              "卷内件数": sum(len(v.items) for v in b.volumes), "盒数": len(b.boxes),
              "未归档": [list(x) for x in job.unknown] + [list(x) for x in _unhoused(col)],
              "来源指纹": job.fingerprint}
    numbering.write_register(out / STATE_DIR, state, {job.code: record})


def _swap(stage: Path, out: Path) -> None:
    """把建好的临时文件夹换到目标位置：旧的先改名，新的改名到位，再删旧的。"""
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
        os.replace(stage, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(stage, out)


__all__ = ["VillageJob", "build_archive", "build_villages"]
