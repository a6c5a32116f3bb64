"""问题整改台账：八查的每个“否”一条（编号稳定），记下每条问题的经过；写出 问题整改台账.xlsx（domain.md §5 的列）。

台账放在一个文件夹里（问题台账.sqlite + 问题整改台账.xlsx）。再读入较新的排查表时：新的“否”加一条；问题说明改了记一笔
“复查”；原来是“否”、这次复查为“是”的，未销号的改为“已完成待验收”（要销号仍须填销号日期与佐证材料）。同样的表再读一遍什么都不变。
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from docgen.campaign.checks import CHECKS

STATUSES = ("未启动", "整改中", "已完成待验收", "已销号", "长期坚持")
OPEN = ("未启动", "整改中", "已完成待验收")
DB = "问题台账.sqlite"
XLSX = "问题整改台账.xlsx"
COLUMNS = ("序号", "问题编号", "问题来源", "问题类别", "问题描述（表现）", "涉及户（户编号）", "户主", "村", "整改措施", "牵头单位",
           "责任单位", "责任人", "整改时限", "整改进度", "状态", "销号日期", "佐证材料", "备注")
SCHEMA = """
CREATE TABLE IF NOT EXISTS problems (number TEXT PRIMARY KEY, source TEXT, category TEXT, description TEXT,
  household TEXT, head TEXT, village_code TEXT, village TEXT, measure TEXT DEFAULT '', lead TEXT DEFAULT '',
  unit TEXT DEFAULT '', owner TEXT DEFAULT '', deadline TEXT, progress TEXT DEFAULT '', status TEXT,
  closed TEXT, evidence TEXT DEFAULT '', note TEXT DEFAULT '', found TEXT, batch TEXT DEFAULT '');
CREATE TABLE IF NOT EXISTS history (number TEXT, seq INTEGER, day TEXT, event TEXT, detail TEXT, origin TEXT,
  status TEXT, PRIMARY KEY (number, seq));
CREATE TABLE IF NOT EXISTS surveyed (household TEXT PRIMARY KEY, village_code TEXT, village TEXT, day TEXT,
  answers TEXT, findings INTEGER, origin TEXT);
CREATE TABLE IF NOT EXISTS villages (code TEXT PRIMARY KEY, name TEXT, households INTEGER);
"""
CLEARED = ("已销号", "长期坚持")  # 清零：已销号，或需长期整改的已建立长效机制


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rechecked_ok: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"新增": len(self.added), "更新": len(self.updated), "复查已达标": len(self.rechecked_ok)}


class ProblemLedger:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.folder / DB)
        try:
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError:
            self.db.close()
            from docgen.errors import InputError

            raise InputError(f"{self.folder / DB}: 问题台账的数据库文件坏了（不是 docgen 的台账，或被别的程序改过）："
                             "请换回备份的那一份") from None
        if "status" not in {r[1] for r in self.db.execute("PRAGMA table_info(history)")}:  # 早先建的台账：经过里没有状态
            self.db.execute("ALTER TABLE history ADD COLUMN status TEXT")

    def close(self) -> None:
        self.db.close()

    def _event(self, number: str, day: dt.date | None, event: str, detail: str, origin: str) -> None:
        """记一笔经过（在改过台账之后调用：连同这笔之后的状态一起记，逐周的清零进度由此重算）。"""
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM history WHERE number=?", (number,)).fetchone()[0]
        status = self.db.execute("SELECT status FROM problems WHERE number=?", (number,)).fetchone()
        self.db.execute("INSERT INTO history (number, seq, day, event, detail, origin, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (number, seq, day.isoformat() if day else "", event, detail, origin, status[0] if status else None))

    def apply_survey(self, result, deadline: dt.date) -> Changes:
        """把读回的排查结果记进台账（见模块说明）。`deadline`：新问题的整改时限（八查：4 月底前清零销号）。"""
        from docgen.campaign.survey import problem_number

        import json

        ch = Changes()
        for code, (name, n) in sorted(getattr(result, "villages", {}).items()):
            self.db.execute("INSERT OR REPLACE INTO villages VALUES (?, ?, ?)", (code, name, n))
        for row in result.rows:
            self.db.execute("INSERT OR REPLACE INTO surveyed VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (row.hh_id, row.village_code, row.village, row.date.isoformat() if row.date else "",
                             json.dumps({str(k): v for k, v in sorted(row.answers.items())}, ensure_ascii=False),
                             sum(a == "否" for a in row.answers.values()), str(row.where)))
            for no, answer in sorted(row.answers.items()):
                number = problem_number(row.hh_id, no)
                old = self.db.execute("SELECT description, status FROM problems WHERE number=?", (number,)).fetchone()
                check = CHECKS[no - 1]
                desc = f"{check.short}：{row.problem}" if row.problem else check.short
                origin = str(row.where)
                if answer == "否" and old is None:
                    self.db.execute(
                        "INSERT INTO problems (number, source, category, description, household, head, village_code, "
                        "village, deadline, status, closed, found, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
                        (number, "自查（住房安全“八查”）", "两不愁三保障（住房安全）", desc, row.hh_id, row.head,
                         row.village_code, row.village, deadline.isoformat(), "未启动",
                         row.date.isoformat() if row.date else "", ""))
                    self._event(number, row.date, "发现", f"查{no}为“否”：{row.problem}", origin)
                    ch.added.append(number)
                elif answer == "否" and old[0] != desc:
                    self.db.execute("UPDATE problems SET description=? WHERE number=?", (desc, number))
                    self._event(number, row.date, "复查", f"问题说明改为：{row.problem}", origin)
                    ch.updated.append(number)
                elif answer == "是" and old is not None and old[1] in ("未启动", "整改中"):
                    self.db.execute("UPDATE problems SET status='已完成待验收' WHERE number=?", (number,))
                    self._event(number, row.date, "复查达标", f"查{no}复查为“是”，待验收后销号", origin)
                    ch.rechecked_ok.append(number)
        self.db.commit()
        return ch

    def problems(self) -> list[dict]:
        cur = self.db.execute("SELECT * FROM problems ORDER BY village_code, household, number")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur]

    def history(self, number: str) -> list[dict]:
        return [{"日期": d, "事件": e, "说明": x, "来源": o} for d, e, x, o in self.db.execute(
            "SELECT day, event, detail, origin FROM history WHERE number=? ORDER BY seq", (number,))]

    def apply_edits(self, edits: list[Edit], day: dt.date) -> list[str]:
        """把改动记进台账，每一处改动记一笔经过；返回改了的问题编号。"""
        changed = []
        for e in edits:
            cur = self.db.execute(f"SELECT {', '.join(EDITABLE.values())} FROM problems WHERE number=?", (e.number,)).fetchone()
            old = dict(zip(EDITABLE, cur))
            diff = {k: v for k, v in e.values.items() if (old.get(k) or "") != v}
            if not diff:
                continue
            sets = ", ".join(f"{EDITABLE[k]}=?" for k in diff)
            self.db.execute(f"UPDATE problems SET {sets} WHERE number=?", (*diff.values(), e.number))
            event = "销号" if diff.get("状态") == "已销号" else ("状态" if "状态" in diff else "更新")
            detail = "；".join(f"{k}：{old.get(k) or '（空）'} → {v or '（空）'}" for k, v in diff.items())
            self._event(e.number, dt.date.fromisoformat(diff["销号日期"]) if diff.get("销号日期") else day, event, detail,
                        str(e.where))
            changed.append(e.number)
        self.db.commit()
        return changed

    def import_prior(self, path: Path, batch: str) -> tuple[list[str], list]:
        """往年的问题（如“2018年第3批”）导入同一本台账：编号“往年-批次-序号”，再导一遍同一批时更新而不重复。
        要有 序号、问题描述；状态不写时为“整改中”（要逐一核实）。返回 (导入的编号, 问题)。"""
        from docgen.errors import InputError, IssueCollector, Location
        from docgen.load.package import open_fast_workbook
        from docgen.model.base import parse_date

        path = Path(path)
        wb = open_fast_workbook(path)
        try:
            sheet, sp = wb.sheets[0]
            rows = list(wb.rows(sp))
        finally:
            wb.close()
        head_at = next((i for i, (_, r) in enumerate(rows[:20]) if "序号" in [str(v).strip() for v in r if v is not None]), None)
        if head_at is None:
            raise InputError(f"{path.name}:{sheet}: 前 20 行里找不到表头（要有 序号、问题描述）")
        hr, head = rows[head_at]
        cols = {}
        c = IssueCollector()
        for i, v in enumerate(head):
            name = str(v or "").strip()
            if name in PRIOR_COLUMNS:
                cols[PRIOR_COLUMNS[name]] = i
            elif name:
                c.warning(Location(path.name, sheet, hr, name), "PL011", "认不出的列，没有读")
        if "description" not in cols:
            raise InputError(f"{path.name}:{sheet}:{hr}: 表头缺少“问题描述”")
        done = []
        for r, vals in rows[head_at + 1:]:
            def get(k):
                i = cols.get(k)
                return _cell_text(vals[i]) if i is not None and i < len(vals) else ""

            if not get("description"):
                continue
            seq = get("seq") or str(r)
            number = f"往年-{batch}-{seq}"
            status = get("status") or "整改中"
            where = Location(path.name, sheet, r, "状态")
            if status not in STATUSES:
                c.error(where, "PL004", f"状态应为 {'、'.join(STATUSES)} 之一，得到“{status}”")
                continue
            deadline = get("deadline")
            try:
                deadline = parse_date(deadline).isoformat() if deadline else ""
            except ValueError:
                deadline = ""  # 往年的时限常写成“立行立改”“长期”：原文记进备注
            row = {"number": number, "source": get("source") or f"往年问题（{batch}）", "category": get("category"),
                   "description": get("description"), "household": get("household"), "head": "", "village_code": "",
                   "village": "", "measure": get("measure"), "lead": get("lead"), "unit": get("unit"), "owner": get("owner"),
                   "deadline": deadline, "progress": "", "status": status, "closed": get("closed"),
                   "evidence": get("evidence"), "note": get("note") or (get("deadline") if not deadline else ""),
                   "found": "", "batch": batch}
            exists = self.db.execute("SELECT 1 FROM problems WHERE number=?", (number,)).fetchone()
            self.db.execute(f"INSERT OR REPLACE INTO problems ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                            tuple(row.values()))
            if not exists:
                self._event(number, None, "导入", f"往年问题（{batch}）", f"{path.name}:{sheet}:{r}")
            done.append(number)
        self.db.commit()
        return done, c.issues

    def stats(self, on: dt.date, week_start: dt.date | None = None) -> dict:
        """截至 `on`（按每条问题的经过重放到那一天：之后才发现的不算，之后才销号的仍算未销号）：各村与各责任单位的
        未销号、逾期（过了整改时限仍未销号）、本周销号（`week_start` 至 `on`）、清零进度（已销号 + 长期坚持 占总数）。"""
        week_start = week_start or on - dt.timedelta(days=6)
        out = {"总数": 0, "未销号": 0, "逾期": 0, "本周销号": 0, "长期坚持": 0, "已销号": 0, "各村": {}, "各单位": {}}
        status_on = self.statuses([on])[0]

        def bump(d, key, p):
            s = d.setdefault(key or "（未填）", {"总数": 0, "未销号": 0, "逾期": 0, "本周销号": 0, "已销号": 0, "长期坚持": 0})
            for k, v in p.items():
                s[k] += v

        for p in self.problems():
            status = status_on.get(p["number"])
            if status is None:
                continue  # 报告日期之后才发现
            closed = status == "已销号"
            open_ = status in OPEN
            late = open_ and bool(p["deadline"]) and p["deadline"] < on.isoformat()
            week = closed and bool(p["closed"]) and week_start.isoformat() <= p["closed"] <= on.isoformat()
            d = {"总数": 1, "未销号": int(open_), "逾期": int(late), "本周销号": int(week), "已销号": int(closed),
                 "长期坚持": int(status == "长期坚持")}
            for k, v in d.items():
                out[k] += v
            bump(out["各村"], p["village"], d)
            bump(out["各单位"], p["unit"] or p["owner"], d)
        for group in (out, *out["各村"].values(), *out["各单位"].values()):
            group["清零进度"] = round((group["已销号"] + group["长期坚持"]) / group["总数"], 4) if group["总数"] else 1.0
        return out

    def statuses(self, ends: list[dt.date]) -> list[dict[str, str]]:
        """每个日期：问题编号 → 那天的状态（按经过重放；那天还没发现的不在里面）。没有日期的经过（往年问题的导入）
        算在最早；早先建的台账里经过没有记状态的，取现在的状态。"""
        events: dict[str, list[tuple[str, int, str | None]]] = {}
        for number, seq, day, status in self.db.execute("SELECT number, seq, day, status FROM history ORDER BY number, seq"):
            events.setdefault(number, []).append((day or "", seq, status))
        current = dict(self.db.execute("SELECT number, status FROM problems"))
        found_day = dict(self.db.execute("SELECT number, found FROM problems"))
        out = []
        for end in ends:
            e = end.isoformat()
            now: dict[str, str] = {}
            for number, status_now in current.items():
                evs = sorted(x for x in events.get(number, []) if x[0] <= e)
                if (found_day.get(number) or "") > e or (events.get(number) and not evs):
                    continue
                known = [x for x in evs if x[2]]
                now[number] = known[-1][2] if known else status_now
            out.append(now)
        return out

    def housing(self, on: dt.date | None = None) -> list[dict]:
        """各村的八查（截至 `on`：排查日期在那天之后的不算）：农户数（排查表里的户数）、已排查、未排查、
        发现问题户（排查有“否”的户）。"""
        rows = {code: {"村代码": code, "村": name, "农户数": n, "已排查": 0, "问题户": 0}
                for code, name, n in self.db.execute("SELECT code, name, households FROM villages ORDER BY code")}
        e = on.isoformat() if on else "9999"
        for code, village, done, bad in self.db.execute(
                "SELECT village_code, MAX(village), COUNT(*), SUM(findings > 0) FROM surveyed WHERE day <= ? "
                "GROUP BY village_code", (e,)):
            r = rows.setdefault(code, {"村代码": code, "村": village, "农户数": done, "已排查": 0, "问题户": 0})
            r["已排查"], r["问题户"] = done, bad or 0
        for r in rows.values():
            r["未排查"] = max(0, r["农户数"] - r["已排查"])
        return [rows[k] for k in sorted(rows)]

    def series(self, start: dt.date, ends: list[dt.date]) -> list[dict]:
        """逐周（每个 `ends` 日期）截至那天的 问题累计数、已清零数（已销号 + 长期坚持）、清零进度：按每条问题的经过重放，
        不依赖那周是否出过周报。"""
        out = []
        for end, now in zip(ends, self.statuses(ends)):
            found = len(now)
            cleared = sum(s in CLEARED for s in now.values())
            out.append({"截至": end, "问题数": found, "已清零": cleared,
                        "清零进度": round(cleared / found, 4) if found else 1.0})
        return out

    def write_xlsx(self, stamp: dt.date) -> Path:
        """问题整改台账.xlsx：一张台账（domain.md §5 的列，状态下拉）与一张“经过”（每条问题的每一笔）。"""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        from docgen.render.ooxml import literal, workbook_bytes
        from docgen.util.fs import atomic_write

        wb = Workbook()
        ws = wb.active
        ws.title = "问题整改台账"
        ws.append(list(COLUMNS))
        for c in ws[1]:
            c.font = Font(name="黑体", size=11)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        items = self.problems()
        for i, p in enumerate(items, start=1):
            vals = [i, p["number"], p["source"], p["category"], p["description"], p["household"], p["head"], p["village"],
                    p["measure"], p["lead"], p["unit"], p["owner"], p["deadline"], p["progress"], p["status"], p["closed"],
                    p["evidence"], p["note"]]
            ws.append(vals)
        dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=False)
        dv.add(f"O2:O{max(2, len(items) + 1)}")
        ws.add_data_validation(dv)
        for i, w in enumerate((5, 20, 16, 14, 36, 18, 8, 12, 24, 10, 10, 8, 11, 16, 10, 11, 16, 12), start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "C2"
        hist = wb.create_sheet("经过")
        hist.append(["问题编号", "日期", "事件", "说明", "来源"])
        for p in items:
            for h in self.history(p["number"]):
                hist.append([p["number"], h["日期"], h["事件"], h["说明"], h["来源"]])
        for sheet in (ws, hist):  # 用户写的文字以“=”开头时不变成公式（逐行取 ws[行] 会每次重算最大列，几万行时很慢）
            for row in sheet.iter_rows(min_row=2):
                for c in row:
                    literal(c)
        wb.properties.creator = "docgen"
        wb.properties.title = "问题整改台账"
        path = self.folder / XLSX
        atomic_write(path, workbook_bytes(wb, dt.datetime(stamp.year, stamp.month, stamp.day)))
        return path


# ---------------------------------------------------------------------- 整改经过：读回改过的台账

@dataclass
class Edit:
    number: str
    values: dict[str, str]  # 列名 → 新值（只含台账里可以改的列）
    where: object  # 这一行的 Location


EDITABLE = {"整改措施": "measure", "牵头单位": "lead", "责任单位": "unit", "责任人": "owner", "整改时限": "deadline",
            "整改进度": "progress", "状态": "status", "销号日期": "closed", "佐证材料": "evidence", "备注": "note"}


def _cell_text(v) -> str:
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else str(v).strip()


def read_edits(path: Path, ledger: "ProblemLedger") -> tuple[list[Edit], list]:
    """读各单位改过的 问题整改台账.xlsx（状态、销号日期、佐证材料……）。返回 (改动, 问题)；问题都带 文件:工作表:行:列。
    规则：状态只能是五种之一；已销号须有销号日期（不早于发现日期）和佐证材料；长期坚持须写整改措施（长效机制）；
    问题编号须是台账里有的（新问题请从排查表或往年问题导入，不在台账表里手加）。"""
    from docgen.errors import InputError, IssueCollector, Location
    from docgen.load.package import open_fast_workbook
    from docgen.model.base import parse_date

    path = Path(path)
    wb = open_fast_workbook(path)
    try:
        sheets = dict(wb.sheets)
        if "问题整改台账" not in sheets:
            raise InputError(f"{path.name}: 没有“问题整改台账”工作表（应为 docgen 写出的 问题整改台账.xlsx）")
        rows = list(wb.rows(sheets["问题整改台账"]))
    finally:
        wb.close()
    if not rows:
        raise InputError(f"{path.name}:问题整改台账: 是空的")
    head_row, head = rows[0]
    cols = {str(v).strip(): i for i, v in enumerate(head) if v is not None}
    if "问题编号" not in cols or "状态" not in cols:
        raise InputError(f"{path.name}:问题整改台账:{head_row}: 表头缺少“问题编号”或“状态”")
    c = IssueCollector()
    known = {p["number"]: p for p in ledger.problems()}
    edits = []
    seen: dict[str, int] = {}
    for r, vals in rows[1:]:
        def get(name):
            i = cols.get(name)
            return _cell_text(vals[i]) if i is not None and i < len(vals) else ""

        number = get("问题编号")
        where = lambda f: Location(path.name, "问题整改台账", r, f)  # noqa: E731
        if not number:
            if any(v not in (None, "") for v in vals):
                c.error(where("问题编号"), "PL001", "这一行没有问题编号：新问题请从八查排查表或往年问题导入，不要在台账里手加")
            continue
        if number not in known:
            c.error(where("问题编号"), "PL002", f"台账里没有问题 {number}（编号被改过？）")
            continue
        if number in seen:
            c.error(where("问题编号"), "PL003", f"问题 {number} 出现了两次（第 {seen[number]} 行已有）")
            continue
        seen[number] = r
        vals_new = {k: get(k) for k in EDITABLE if k in cols}
        st = vals_new.get("状态", "")
        if st not in STATUSES:
            c.error(where("状态"), "PL004", f"状态应为 {'、'.join(STATUSES)} 之一（请从下拉列表里选），得到“{st}”")
            continue
        for k in ("销号日期", "整改时限"):
            if vals_new.get(k):
                try:
                    vals_new[k] = parse_date(vals_new[k]).isoformat()
                except ValueError:
                    c.error(where(k), "PL005", f"应为日期，如 2020-04-30，得到“{vals_new[k]}”")
                    vals_new[k] = None
        if any(v is None for v in vals_new.values()):
            continue
        found = known[number]["found"]
        if st == "已销号":
            if not vals_new.get("销号日期"):
                c.error(where("销号日期"), "PL006", "已销号的问题要填销号日期")
                continue
            if not vals_new.get("佐证材料"):
                c.error(where("佐证材料"), "PL007", "销号要有佐证材料（写明材料名称或档号）")
                continue
            if found and vals_new["销号日期"] < found:
                c.error(where("销号日期"), "PL008", f"销号日期 {vals_new['销号日期']} 早于发现日期 {found}")
                continue
        elif vals_new.get("销号日期"):
            c.error(where("销号日期"), "PL009", f"状态是“{st}”却填了销号日期：销号请把状态改为“已销号”")
            continue
        if st == "长期坚持" and not vals_new.get("整改措施"):
            c.error(where("整改措施"), "PL010", "长期坚持的问题要写明长效机制（整改措施）")
            continue
        edits.append(Edit(number, vals_new, where(None)))
    return edits, c.issues


# ---------------------------------------------------------------------- 往年问题

PRIOR_COLUMNS = {"序号": "seq", "问题来源": "source", "问题类别": "category", "问题描述（表现）": "description",
                 "问题描述": "description", "涉及户（户编号）": "household", "涉及户": "household", "整改措施": "measure",
                 "牵头单位": "lead", "责任单位": "unit", "责任人": "owner", "整改时限": "deadline", "状态": "status",
                 "销号日期": "closed", "佐证材料": "evidence", "备注": "note"}


# ---------------------------------------------------------------------- 每周要看的数

