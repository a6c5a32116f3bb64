"""读回各单位填好的任务跟踪表（docgen 写的任务清单 Excel 里的“跟踪”工作表），合成进度。

几份跟踪表（每个单位一份，都是同一份清单导出的）按“层级 + 具体任务”对上同一个任务；同一任务在几份里状态不同时
取走得最远的（已销号 > 已完成 > 进行中 > 未开始；长期坚持另算），并记下是哪份表报的。状态不是下拉里的值、
日期写不成日期、认不出的任务，都指明 文件:跟踪:行:列。

删掉的行不会让总数悄悄变少：每份表都拿同一工作簿里的“任务清单”表对一遍，清单上有、跟踪表里没有的任务记一条警告
（TRK007），哪份表里都没有时按清单上的初始状态算进去；跟踪表里改过字的任务按序号认回清单上的那一项（TRK009），
清单上没有的行单独算一项并点名（TRK010）。一份表说“进行中”、另一份说“长期坚持”（走得一样远）时按
“长期坚持”算并记警告（TRK006）——结果与文件的次序无关。
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
TIE = {"长期坚持": 1}  # 走得一样远、状态不同时取哪个（与文件次序无关）
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


def _listed(p: Path, sheetnames: list[str], c: IssueCollector) -> tuple[str, dict, list] | None:
    """同一工作簿里“任务清单”表上的任务：(表名, {(层级, 具体任务): 任务}, 按清单次序的 [(层级, 具体任务)])。
    先找名为“任务清单”的表，再依次试其余不是“跟踪”的表（“填表说明”之类没有表头的跳过）；都读不出来时记警告、给 None。"""
    from docgen.load.tasklist import load_tasklist

    others = sorted((n for n in sheetnames if n != SHEET), key=lambda n: n != "任务清单")
    if not others:
        c.warning(Location(p.name, SHEET, None, None), "TRK008",
                  "工作簿里只有“跟踪”表、没有“任务清单”表：删掉的任务行查不出来（请用 docgen 导出的整份任务清单 Excel 填）")
        return None
    problems = []
    for name in others:
        try:
            tl = load_tasklist(p, sheet=name)
        except InputError as exc:
            problems.append(exc.message)
            continue
        tasks = tl.tasks()
        seq = [(" / ".join(x for x in t["path"] if x), t["task"]) for t in tasks]  # 按序号（清单里同一任务出现两次时也不错位）
        return name, dict(zip(seq, tasks)), seq
    c.warning(Location(p.name, others[0], None, None), "TRK008",
              f"“任务清单”表读不出来（{problems[0]}）：删掉、改过字的任务行查不出来")
    return None


def read_progress(paths: list[Path], report_date: dt.date | None = None) -> Progress:
    """读几份跟踪表，合成进度。`report_date` 不给时取各表 B1 的报告日期中最晚的一个（都没有时不判断逾期）。
    表本身读不了（不是 Excel、没有“跟踪”工作表、表头被改掉）时抛出 InputError；逐格的问题收在 `issues` 里。"""
    from openpyxl import load_workbook

    from docgen.load.package import check_package, open_problem

    c = IssueCollector()
    merged: dict[tuple[str, str], TrackedTask] = {}
    order: list[tuple[str, str]] = []
    first_listed: dict = {}
    deleted: list[tuple[str, str, tuple[str, str], dict]] = []  # 任务清单上有、跟踪表里删掉的
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
            sheetnames = list(wb.sheetnames)
        finally:
            wb.close()
        listed = _listed(p, sheetnames, c)
        if not prog.files:
            first_listed = listed[1] if listed else {}
        mine: set[tuple[str, str]] = set()  # 这份跟踪表里有的任务（层级, 具体任务）
        file_rows: list[tuple[int, TrackedTask, int | None]] = []
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
            path = str(get("层级") or "").strip()
            mine.add((path, task))  # 状态填错的行也在（不当成删掉的）
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
            t = TrackedTask(path, task, str(get("责任") or "").strip(),
                            str(get("完成时限") or "").strip(), due if isinstance(due, dt.date) else None, status,
                            finished, str(get("备注") or "").strip(), f"{p.name}:{SHEET}:{r}")
            seq_no = get("序号")
            file_rows.append((r, t, int(seq_no) if isinstance(seq_no, (int, float)) or str(seq_no or "").isdigit() else None))
        if listed is not None:  # 拿同一工作簿的任务清单对：改过字的行按序号认回清单上的那一项，另加的行点名
            sheet, tasks, seq = listed
            for r, t, n in file_rows:
                if (t.path, t.task) in tasks:
                    continue
                if n is not None and 1 <= n <= len(seq) and seq[n - 1] not in mine:
                    mine.discard((t.path, t.task))
                    t.path, t.task = seq[n - 1]
                    mine.add(seq[n - 1])
                    c.warning(Location(p.name, SHEET, r, "具体任务"), "TRK009",
                              f"具体任务的文字与“{sheet}”表第 {n} 项（“{_short(t.task)}”）不同（改过字？）：按清单上的那一项算")
                else:
                    c.warning(Location(p.name, SHEET, r, "具体任务"), "TRK010",
                              f"这个任务不在“{sheet}”表上（文字改过，或是另加的一行）：单独算一项")
        for r, t, _n in file_rows:
            key = (t.path, t.task)
            old = merged.get(key)
            if old is None:
                # 第一份表里没有的任务：可能改过字（这份表有任务清单时已由 TRK009/TRK010 说明；第一份的清单上有的，
                # 是第一份删了行，由 TRK007 报）
                if order and prog.files[0] != p.name and listed is None and key not in first_listed:
                    c.warning(Location(p.name, SHEET, r, "具体任务"), "TRK005",
                              f"这个任务在 {prog.files[0]} 里没有（任务的文字被改过？）：单独算一项")
                merged[key] = t
                order.append(key)
            elif RANK[t.status] > RANK[old.status]:
                merged[key] = t
            elif RANK[t.status] == RANK[old.status] and t.status != old.status:
                keep = max((old, t), key=lambda x: TIE.get(x.status, 0))
                c.warning(Location(p.name, SHEET, r, "状态"), "TRK006",
                          f"这个任务在 {old.source} 是“{old.status}”、这里是“{t.status}”：按“{keep.status}”算（请两边核实）")
                merged[key] = keep
        if listed is not None:
            sheet, tasks, _seq = listed
            deleted += [(p.name, sheet, key, t) for key, t in tasks.items() if key not in mine]
    for name, sheet, key, t in deleted:  # 删掉的行：哪份跟踪表里都没有时按清单上的初始状态算，总数不因删行而变少
        counted = ""
        if key not in merged:
            merged[key] = TrackedTask(key[0], t["task"], t["owner"], t["deadline"], t["due"], t["status"], None, "",
                                      f"{name}:{sheet}")
            order.append(key)
            counted = f"，别的跟踪表里也没有：按“{t['status']}”算"
        c.warning(Location(name, sheet, None, "具体任务"), "TRK007",
                  f"任务“{_short(t['task'])}”在“{sheet}”表里有、“{SHEET}”表里被删掉了{counted}"
                  f"（请把这一行加回“{SHEET}”表并填上状态）")
    prog.tasks = [merged[k] for k in order]
    prog.report_date = report_date or (max(dates) if dates else None)
    prog.issues = c.issues
    return prog


def _short(text: str, n: int = 24) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n] + "…"
