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
  PRIMARY KEY (number, seq));
"""


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
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _event(self, number: str, day: dt.date | None, event: str, detail: str, origin: str) -> None:
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM history WHERE number=?", (number,)).fetchone()[0]
        self.db.execute("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?)",
                        (number, seq, day.isoformat() if day else "", event, detail, origin))

    def apply_survey(self, result, deadline: dt.date) -> Changes:
        """把读回的排查结果记进台账（见模块说明）。`deadline`：新问题的整改时限（八查：4 月底前清零销号）。"""
        from docgen.campaign.survey import problem_number

        ch = Changes()
        for row in result.rows:
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
            for c in ws[ws.max_row]:
                literal(c)
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
                for c in hist[hist.max_row]:
                    literal(c)
        wb.properties.creator = "docgen"
        wb.properties.title = "问题整改台账"
        path = self.folder / XLSX
        atomic_write(path, workbook_bytes(wb, dt.datetime(stamp.year, stamp.month, stamp.day)))
        return path

