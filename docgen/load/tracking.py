"""读回各单位填好的任务跟踪表（docgen 写的任务清单 Excel 里的“跟踪”工作表），合成进度。

几份跟踪表（每个单位一份，都是同一份清单导出的）按“层级 + 具体任务”对上同一个任务；同一任务在几份里状态不同时
取走得最远的（已销号 > 已完成 > 进行中 > 未开始；长期坚持另算），并记下是哪份表报的。状态不是下拉里的值、
日期写不成日期、认不出的任务，都指明 文件:跟踪:行:列。
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import InputError, Issue, IssueCollector, Location
from docgen.model.base import cell_date
from docgen.model.tasklist import STATUSES

SHEET = "跟踪"
COLUMNS = ("序号", "层级", "具体任务", "责任", "完成时限", "截止日期", "状态", "完成日期", "备注")
RANK = {"未开始": 0, "进行中": 1, "已完成": 2, "已销号": 3, "长期坚持": 1}
DONE = ("已完成", "已销号")


@dataclass
class TrackedTask:
    path: str
    task: str
    owner: str
    deadline: str
    due: dt.date | None
    status: str
    finished: dt.date | None
    note: str
    source: str  # 哪份表的哪一行报的这个状态（文件:跟踪:行）

    def overdue(self, on: dt.date | None) -> bool:
        return bool(on and self.due and self.due < on and self.status not in DONE and self.status != "长期坚持")


@dataclass
class Progress:
    tasks: list[TrackedTask] = field(default_factory=list)
    report_date: dt.date | None = None
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def by_status(self) -> dict[str, int]:
        c = Counter(t.status for t in self.tasks)
        return {s: c.get(s, 0) for s in STATUSES}

    def by_category(self) -> list[dict]:
        groups: dict[str, Counter] = defaultdict(Counter)
        for t in self.tasks:
            groups[t.path.split(" / ")[0] if t.path else "（未分类）"][t.status] += 1
        return [{"类别": k, **{s: v.get(s, 0) for s in STATUSES}, "合计": sum(v.values())} for k, v in groups.items()]

    def overdue(self) -> list[TrackedTask]:
        return [t for t in self.tasks if t.overdue(self.report_date)]

    @property
    def done_ratio(self) -> float:
        return sum(t.status in DONE for t in self.tasks) / len(self.tasks) if self.tasks else 0.0


def read_progress(paths: list[Path], report_date: dt.date | None = None) -> Progress:
    """读几份跟踪表，合成进度。`report_date` 不给时取各表 B1 的报告日期中最晚的一个（都没有时不判断逾期）。
    表本身读不了（不是 Excel、没有“跟踪”工作表、表头被改掉）时抛出 InputError；逐格的问题收在 `issues` 里。"""
    from openpyxl import load_workbook

    from docgen.load.package import check_package, open_problem

    c = IssueCollector()
    merged: dict[tuple[str, str], TrackedTask] = {}
    order: list[tuple[str, str]] = []
    dates: list[dt.date] = []
    prog = Progress()
    for p in paths:
        p = Path(p)
        check_package(p, "xlsx")
        try:
            wb = load_workbook(p, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001
            raise InputError(f"{p.name}: {open_problem(exc, 'xlsx')}") from None
        try:
            if SHEET not in wb.sheetnames:
                raise InputError(f"{p.name}: 没有“{SHEET}”工作表（应为 docgen 导出的任务清单 Excel，各单位在其中的“{SHEET}”表里"
                                 f"填状态），只有 {'、'.join(wb.sheetnames)}")
            rows = list(wb[SHEET].iter_rows(values_only=True))
        finally:
            wb.close()
        prog.files.append(p.name)
        head = next((i for i, r in enumerate(rows[:10]) if r and "具体任务" in r and "状态" in r), None)
        if head is None:
            raise InputError(f"{p.name}:{SHEET}: 前 10 行里找不到表头（{'、'.join(COLUMNS)}）")
        cols = {str(v).strip(): i for i, v in enumerate(rows[head]) if v is not None}
        missing = [k for k in ("层级", "具体任务", "状态") if k not in cols]
        if missing:
            raise InputError(f"{p.name}:{SHEET}:{head + 1}: 表头缺少 {'、'.join(missing)}")
        if head >= 1 and rows[0] and str(rows[0][0] or "").strip() == "报告日期" and len(rows[0]) > 1:
            d = cell_date(rows[0][1])
            if isinstance(d, dt.date):
                dates.append(d)
        for r, row in enumerate(rows[head + 1:], start=head + 2):
            def get(name):
                i = cols.get(name)
                v = row[i] if i is not None and i < len(row) else None
                return v

            task = str(get("具体任务") or "").strip()
            if not task:
                if any(v not in (None, "") for v in row):
                    c.error(Location(p.name, SHEET, r, "具体任务"), "TRK001", "这一行有内容却没有“具体任务”")
                continue
            where = Location(p.name, SHEET, r, "状态")
            status = str(get("状态") or "").strip() or "未开始"
            if status not in STATUSES:
                c.error(where, "TRK002", f"状态应为 {'、'.join(STATUSES)} 之一（请从下拉列表里选），得到“{status}”")
                continue
            finished = cell_date(get("完成日期"))
            typed = isinstance(finished, str)
            if typed:
                c.error(Location(p.name, SHEET, r, "完成日期"), "TRK003", f"应为日期，如 2020-05-31，得到“{finished}”")
                finished = None
            if status in DONE and finished is None and not typed:
                c.warning(Location(p.name, SHEET, r, "完成日期"), "TRK004", f"状态为“{status}”，却没有填完成日期")
            due = cell_date(get("截止日期"))
            if isinstance(due, str):
                c.error(Location(p.name, SHEET, r, "截止日期"), "TRK003", f"应为日期，如 2020-05-31，得到“{due}”（写成文字的截止日期"
                        "判断不了逾期）")
                due = None
            t = TrackedTask(str(get("层级") or "").strip(), task, str(get("责任") or "").strip(),
                            str(get("完成时限") or "").strip(), due if isinstance(due, dt.date) else None, status,
                            finished, str(get("备注") or "").strip(), f"{p.name}:{SHEET}:{r}")
            key = (t.path, t.task)
            old = merged.get(key)
            if old is None:
                if order and prog.files[0] != p.name:  # 第一份表里没有的任务：可能改过字
                    c.warning(Location(p.name, SHEET, r, "具体任务"), "TRK005",
                              f"这个任务在 {prog.files[0]} 里没有（任务的文字被改过？）：单独算一项")
                merged[key] = t
                order.append(key)
            elif RANK[t.status] > RANK[old.status]:
                merged[key] = t
    prog.tasks = [merged[k] for k in order]
    prog.report_date = report_date or (max(dates) if dates else None)
    prog.issues = c.issues
    return prog
