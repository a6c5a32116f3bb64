"""示例：像排查人、各单位那样填表（make demo 跑一周的冲刺行动，基准测试造大数据都用它）。同一种子填出同样的表，
埋下的“否”记进 planted-answers.json，供对照。

- :func:`fill_surveys`：在 docgen 生成的八查排查表上逐户选“是/否”（不适用的不动），“否”写问题说明，填排查人与日期；
- :func:`fill_tracking`：在任务清单 Excel 的“跟踪”表里填某个单位报的状态与完成日期；
- :func:`close_problems`：在 问题整改台账.xlsx 里把几条问题改为已销号（带销号日期与佐证材料）。
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from docgen.campaign.checks import CHECKS

PROBLEMS = {1: "房屋安全认定证件遗失", 2: "认定证件未加盖公章", 3: "证件与现住房不一致", 4: "改造补助资金未全部发放",
            5: "租赁协议已过期", 6: "对安全鉴定结论有疑虑", 7: "C级危房尚未改造", 8: "新增无安全住房户"}


def fill_surveys(books: list[Path], out: Path, *, seed: int = 1, rate: float = 0.03,
                 day: dt.date = dt.date(2020, 3, 25), inspectors: tuple[str, ...] = ("张三", "李四", "王五")) -> dict:
    """把 `books` 逐个填好写到 `out`（同名）。每个适用的检查以 `rate` 的概率答“否”。返回 {户编号: {查几: 问题说明}}，
    也写进 out/planted-answers.json。"""
    from openpyxl import load_workbook

    from docgen.campaign.survey import COLUMNS, SHEET

    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    col = {name: i + 1 for i, name in enumerate(COLUMNS)}
    planted: dict[str, dict[str, str]] = {}
    for book in sorted(books):
        wb = load_workbook(book)
        ws = wb[SHEET]
        for r in range(3, ws.max_row + 1):
            hh = ws.cell(r, col["户编号"]).value
            if not hh:
                continue
            notes = []
            for c in CHECKS:
                cell = ws.cell(r, col[f"查{c.no}"])
                if cell.value == "不适用":
                    continue
                if rnd.random() < rate:
                    cell.value = "否"
                    notes.append(PROBLEMS[c.no])
                    planted.setdefault(str(hh), {})[str(c.no)] = PROBLEMS[c.no]
                else:
                    cell.value = "是"
            if notes:
                ws.cell(r, col["问题说明"], "；".join(notes))
            ws.cell(r, col["排查人"], rnd.choice(inspectors))
            ws.cell(r, col["排查日期"], day - dt.timedelta(days=rnd.randrange(0, 4)))
        wb.save(out / book.name)
    (out / "planted-answers.json").write_text(json.dumps(planted, ensure_ascii=False, indent=1, sort_keys=True),
                                              encoding="utf-8")
    return planted


def fill_tracking(blank: Path, out: Path, edits: dict[int, tuple[str, dt.date | None]], report_date: dt.date) -> Path:
    """一个单位填的跟踪表：{跟踪表里的行号: (状态, 完成日期)}，B1 写报告日期。"""
    from openpyxl import load_workbook

    wb = load_workbook(blank)
    ws = wb["跟踪"]
    ws["B1"] = report_date
    head = {str(c.value).strip(): c.column for c in ws[2] if c.value}
    for row, (status, done) in edits.items():
        ws.cell(row, head["状态"], status)
        ws.cell(row, head["完成日期"], done)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def close_problems(ledger_xlsx: Path, out: Path, closures: dict[str, tuple[dt.date, str]],
                   owner: str = "城乡建设科") -> Path:
    """在台账里把 `closures` 中的问题改为已销号：{问题编号: (销号日期, 佐证材料)}；同时填上责任单位与整改措施。"""
    from openpyxl import load_workbook

    wb = load_workbook(ledger_xlsx)
    ws = wb["问题整改台账"]
    head = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        number = ws.cell(r, head["问题编号"]).value
        if number in closures:
            day, evidence = closures[number]
            ws.cell(r, head["整改措施"], "逐户核实后补办、更正认定材料")
            ws.cell(r, head["责任单位"], owner)
            ws.cell(r, head["状态"], "已销号")
            ws.cell(r, head["销号日期"], day)
            ws.cell(r, head["佐证材料"], evidence)
    wb.save(out)
    return out
