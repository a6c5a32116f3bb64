"""工作台的各项任务：每个都只是把命令行所用的同一个函数放进任务队列里跑，并把结果整理成页面要显示的样子。"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from pathlib import Path

from docgen.util.fs import atomic_write, atomic_writer


def _workers() -> int:
    return os.cpu_count() or 1


def issue_rows(issues, names: dict[str, str]) -> list[dict]:
    """问题 → 表格行（级别、村、代码、位置、说明）。"""
    rows = []
    for i in sorted(issues, key=lambda i: (i.location.file, i.location.sheet or "", i.location.row or 0)):
        rows.append({"级别": "错误" if i.severity == "error" else "警告", "村代码": i.village,
                     "村": names.get(i.village, i.village), "代码": i.code, "位置": str(i.location),
                     "文件": i.location.file, "工作表": i.location.sheet or "", "行": i.location.row or "",
                     "字段": i.location.field or "", "说明": i.message})
    return rows


def check_households(files: list[Path], period: str | None, settings, progress, folder: Path) -> dict:
    """`docgen check`：collect_files + check_data，与命令行相同。"""
    from docgen.households.load import collect_files
    from docgen.households.stage import check_data

    ym = (int(period[:4]), int(period[5:7])) if period else None
    progress.note("读表、校验")
    data = collect_files(files, ym)
    intake = check_data(data, settings, ym, workers=min(2, _workers()))
    result = {"notes": intake.notes + [s.describe() for s in intake.sheets],
              "reference": intake.reference.isoformat() if intake.reference else None,
              "households": intake.households, "members": intake.members,
              "errors": len(intake.errors), "warnings": len(intake.warnings)}
    atomic_write(folder / "issues.json", json.dumps(issue_rows(intake.issues, intake.village_names), ensure_ascii=False)
                 .encode("utf-8"))
    return result


def zip_folder(src: Path, target: Path, skip=lambda rel: False) -> list[str]:
    """把 `src` 里的文件（按路径排序，时间固定为 1980-01-01：同样的文件得到同样的 zip）打成 `target`。"""
    names = []
    with atomic_writer(target) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p for p in src.rglob("*") if p.is_file()):
            rel = f.relative_to(src).as_posix()
            if rel.startswith(".") or "/." in rel or skip(rel):
                continue
            info = zipfile.ZipInfo(rel, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(f, "rb") as src_fh, z.open(info, "w") as dst:
                while chunk := src_fh.read(1 << 20):
                    dst.write(chunk)
            names.append(rel)
    return names


def summary_charts(summary_xlsx: Path) -> list[dict]:
    """全县汇总的“各村统计”读回来画图（与汇总表里的图同一组数）。"""
    from openpyxl import load_workbook

    if not summary_xlsx.is_file():
        return []
    wb = load_workbook(summary_xlsx, read_only=True)
    try:
        ws = next((wb[n] for n in wb.sheetnames if "各村" in n), None)
        if ws is None:
            return []
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    head = next((i for i, r in enumerate(rows) if r and "户数" in r), None)
    if head is None:
        return []
    cols = [str(c) if c is not None else "" for c in rows[head]]
    out = []
    for r in rows[head + 1:]:
        if not r or r[0] in (None, "") or str(r[0]).startswith(("合计", "全县")):
            continue
        out.append({c: v for c, v in zip(cols, r) if c})
    return out


def build_ledgers(files: list[Path], period: str, docs: tuple[str, ...], settings, progress, folder: Path) -> dict:
    """`docgen ledger`：同一个 build_ledgers；输出打成一个 zip。"""
    from docgen.households.build import build_ledgers as build
    from docgen.households.load import collect_files

    ym = (int(period[:4]), int(period[5:7]))
    data = collect_files(files, ym)
    out = folder / "out"
    progress.note("生成台账、户档与公示名单")
    summary = build(data, out, period=period, docs=docs, settings=settings, workers=_workers(),
                    progress=progress.advance, on_total=progress.total)
    progress.note("打包")
    names = zip_folder(out, folder / "台账与户档.zip")
    summary_file = next((p for p in sorted(out.rglob("*.xlsx")) if "汇总" in p.name), None)
    public = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and "公示" in p.name)
    return {"files": len(names), "seconds": round(summary.seconds, 1), "warnings": summary.warnings,
            "zip": "台账与户档.zip", "public": public,
            "charts": summary_charts(summary_file) if summary_file else []}


def build_archive(sources: list[Path], data_files: list[Path], profile_name: str, year: int, progress,
                  folder: Path) -> dict:
    """`docgen archive build`：同一个 build_archive。"""
    from docgen.archive.build import build_archive as build
    from docgen.archive.profile import load_profile

    prof = load_profile(profile_name)
    out = folder / "档案"
    progress.note("编号、编目、装盒、写档案包")
    stats = build(sources, out, prof, year=year, date=dt.date(year, 12, 31), data_files=data_files,
                  workers=_workers(), progress=progress.advance, on_total=progress.total)
    zips = sorted(p.name for p in out.glob("*.zip"))
    gaps = [{"范围": g["范围"], "编号": g["编号"], "名称": g["名称"], "缺少": "、".join(g["缺少"]),
             "重复": "、".join(g["重复"])} for g in stats["gaps"]]
    return {"zips": zips, "gaps": gaps, "unknown": [str(Path(p).name) for p in stats["unknown"]],
            "unhoused": [str(Path(p).name) for p in stats["unhoused"]],
            "counts": {k: stats[k] for k in ("bundles", "items", "volumes", "volume_items", "boxes")},
            "report": "完整性报告.xlsx" if (out / "完整性报告.xlsx").is_file() else None}


def verify_archive(path: Path, profile_name: str, progress, folder: Path) -> dict:
    """`docgen archive verify`：同一个 verify_archive。"""
    from docgen.archive.profile import load_profile
    from docgen.archive.verify import verify_archive as verify

    progress.note("核对校验值、目录与档号")
    problems = verify(path, load_profile(profile_name))
    return {"problems": [p.as_dict() for p in problems], "ok": not problems}


def run_batch(project: Path | None, data: list[Path], out: Path, period: str, archive: str | None, settings, progress,
              folder: Path, handbooks: list[Path] = ()) -> dict:
    """`docgen batch`：同一个 resolve_batch + run_batch。`handbooks`：页面上传的帮扶手册（给了就一起做库册核对，
    与命令行的 --handbook 相同；项目文件里写了“帮扶手册”而这里没传时用项目的）。"""
    from docgen.batch.project import resolve_batch
    from docgen.batch.runner import run_batch as run

    job = resolve_batch(project, period=period, out=out, archive=archive, settings=settings, data_files=data,
                        handbooks=list(handbooks))
    progress.note("分拣、核算、渲染")
    _, summary = run(job.data, job.out, period=period, kinds=job.kinds, workers=_workers(), templates=job.templates,
                     settings=job.settings, progress=progress.advance, on_total=progress.total,
                     archive_profile=job.archive, handbooks=job.handbooks, cluster=job.cluster)
    return {"report": summary.as_dict(), "out": str(job.out)}


def make_surveys(files: list[Path], period: str | None, settings, progress, folder: Path) -> dict:
    """`docgen survey make`：同一个 make_surveys；各村的排查表打成一个 zip。"""
    from docgen.campaign.survey import make_surveys as make

    ym = (int(period[:4]), int(period[5:7])) if period else None
    progress.note("读表、校验，按村生成排查表")
    stats = make(files, folder / "八查", settings=settings, period=ym, workers=_workers())
    zip_folder(folder / "八查", folder / "八查排查表.zip")
    return {**{k: v for k, v in stats.items() if k != "files"}, "zip": "八查排查表.zip"}


def read_surveys(books: list[Path], ledger_dir: Path, deadline, progress, folder: Path) -> dict:
    """`docgen survey read`：同一个 read_surveys + ProblemLedger.apply_survey；有错误时台账不动。"""
    from docgen.campaign.problems import ProblemLedger
    from docgen.campaign.survey import read_surveys as read

    progress.note("逐格检查排查表")
    result = read(books)
    atomic_write(folder / "issues.json", json.dumps(issue_rows(result.issues, {}), ensure_ascii=False).encode("utf-8"))
    out = {"rows": len(result.rows), "pending": sum(len(v) for v in result.pending.values()),
           "no": len(result.findings()), "errors": len(result.errors), "warnings": len(result.issues) - len(result.errors)}
    if result.errors:
        return out
    led = ProblemLedger(ledger_dir)
    try:
        ch = led.apply_survey(result, deadline)
        led.write_xlsx(max((r.date for r in result.rows if r.date), default=deadline))
    finally:
        led.close()
    return {**out, "changes": ch.as_dict()}


def update_ledger(path: Path, ledger_dir: Path, day, progress, folder: Path) -> dict:
    """`docgen problems update`：同一个 read_edits + apply_edits；有错误时台账不动。"""
    from docgen.campaign.problems import ProblemLedger, read_edits

    led = ProblemLedger(ledger_dir)
    try:
        edits, issues = read_edits(path, led)
        atomic_write(folder / "issues.json", json.dumps(issue_rows(issues, {}), ensure_ascii=False).encode("utf-8"))
        if any(i.severity == "error" for i in issues):
            return {"errors": sum(i.severity == "error" for i in issues), "changed": 0}
        changed = led.apply_edits(edits, day)
        led.write_xlsx(day)
    finally:
        led.close()
    return {"errors": 0, "changed": len(changed)}


def weekly_report(tracking: list[Path], ledger_dir: Path, day, number: str | None, head: dict, settings, progress,
                  folder: Path) -> dict:
    """`docgen report week`：同一个 weekly_report；跟踪表有错误时列出位置、不出报告。"""
    from docgen.campaign.report import weekly_report as run
    from docgen.errors import InputError

    progress.note("读跟踪表与问题台账，排周报")
    try:
        rep, written = run(tracking, ledger_dir, folder / "周报", day=day, settings=settings, number=number, head=head)
    except InputError as exc:
        if not exc.issues:
            raise
        atomic_write(folder / "issues.json", json.dumps(issue_rows(exc.issues, {}), ensure_ascii=False).encode("utf-8"))
        return {"errors": sum(i.severity == "error" for i in exc.issues), "message": exc.message}
    atomic_write(folder / "issues.json", json.dumps(issue_rows(rep.figures.issues, {}), ensure_ascii=False).encode("utf-8"))
    f = rep.figures
    return {"errors": 0, "week": f.week, "first": f.first.isoformat(), "day": f.day.isoformat(),
            "files": {k.lstrip("."): p.name for k, p in written.items()},
            "problems": {k: f.problems[k] for k in ("总数", "已销号", "长期坚持", "未销号", "逾期", "本周销号", "清零进度")},
            "tasks": f.tasks.by_status(), "overdue": len(f.tasks.overdue())}


def crosscheck(files: list[Path], books: list[Path], period: str | None, settings, progress, folder: Path) -> dict:
    """`docgen crosscheck run`：同一个 run_crosscheck；册有错误时列出位置、不核对。各户核对单打成一个 zip。"""
    from docgen.batch.plan import CROSSCHECK_DIR, CROSSCHECK_REPORT, CROSSCHECK_SHEETS, CROSSCHECK_ZIP
    from docgen.crosscheck.compare import ITEMS
    from docgen.crosscheck.run import run_crosscheck
    from docgen.errors import InputError

    ym = (int(period[:4]), int(period[5:7])) if period else None
    progress.note("读导出表与帮扶手册，逐户核对")
    try:
        res, _written = run_crosscheck(files, books, folder / CROSSCHECK_DIR, settings=settings, period=ym,
                                       workers=_workers())
    except InputError as exc:
        if not exc.issues:
            raise
        atomic_write(folder / "issues.json", json.dumps(issue_rows(exc.issues, {}), ensure_ascii=False).encode("utf-8"))
        return {"errors": sum(i.severity == "error" for i in exc.issues)}
    atomic_write(folder / "issues.json", json.dumps(issue_rows(res.issues, {}), ensure_ascii=False).encode("utf-8"))
    z = None
    if (folder / CROSSCHECK_DIR / CROSSCHECK_SHEETS).is_dir():
        z = CROSSCHECK_ZIP
        zip_folder(folder / CROSSCHECK_DIR / CROSSCHECK_SHEETS, folder / CROSSCHECK_DIR / z)
    counts = {k: 0 for k in ITEMS}
    for m in res.mismatches:
        counts[m.item] += 1
    return {"errors": 0, "ku": sum(res.households_ku.values()), "ce": sum(res.households_ce.values()),
            "mismatches": len(res.mismatches), "households": len(res.by_household()), "items": list(ITEMS),
            "counts": counts, "report": CROSSCHECK_REPORT, "zip": z}
