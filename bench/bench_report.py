"""每周进展报告基准（同一轮里量，比值对照基线）：N 户（默认 50,000，200 个村）的八查结果与问题台账、10 个单位的跟踪表。

台账直接由合成的排查结果建（每户八项、约 3% 为“否”，第 1–5 周陆续销号四成、长期坚持一成）：这里量的是周报本身——
`weekly_report`（读 10 份跟踪表与台账、算本周的数与逐周清零进度、画图、排 PDF 与 Word、写文件）。
基线：openpyxl（read_only）把周报用到的这些工作簿（10 份跟踪表 + 问题整改台账.xlsx）的每一行读一遍。目标：周报 ≤ 5 s。

    .venv/bin/python bench/bench_report.py [户数]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from baseline import openpyxl_read  # noqa: E402


def build_ledger(folder: Path, n: int, rnd: random.Random) -> int:
    from docgen.campaign.problems import Edit, ProblemLedger
    from docgen.campaign.survey import SurveyResult, SurveyRow, problem_number
    from docgen.errors import Location

    villages = [(f"610202100{201 + i:03d}", f"示例{i + 1}村") for i in range(max(2, n // 250))]
    rows = []
    for h in range(n):
        code, name = villages[h % len(villages)]
        answers = {k: ("否" if rnd.random() < 0.03 else "是") for k in range(1, 9)}
        rows.append(SurveyRow(f"{code}{h // len(villages):04d}", "户主", code, name, answers,
                              "问题" if "否" in answers.values() else "", "张三",
                              dt.date(2020, 3, 20) + dt.timedelta(days=rnd.randrange(0, 10)),
                              Location("八查.xlsx", "八查", h + 3)))
    result = SurveyResult(rows, [], {}, {code: (name, n // len(villages)) for code, name in villages})
    led = ProblemLedger(folder)
    try:
        led.apply_survey(result, dt.date(2020, 4, 30))
        edits = []
        for r in rows:
            for k, a in r.answers.items():
                if a != "否":
                    continue
                x = rnd.random()
                number = problem_number(r.hh_id, k)
                if x < 0.4:
                    day = dt.date(2020, 3, 27) + dt.timedelta(days=rnd.randrange(0, 30))
                    edits.append(Edit(number, {"状态": "已销号", "销号日期": day.isoformat(), "佐证材料": "材料"}, None))
                elif x < 0.5:
                    edits.append(Edit(number, {"状态": "长期坚持", "整改措施": "长效机制"}, None))
        led.apply_edits(edits, dt.date(2020, 4, 20))
        led.write_xlsx(dt.date(2020, 4, 28))
        return len(led.problems())
    finally:
        led.close()


def tracking(folder: Path, units: int, rnd: random.Random) -> list[Path]:
    from docgen.api import render_document
    from docgen.campaign.sample import fill_tracking

    blank = folder / "清单.xlsx"
    blank.write_bytes(render_document(ROOT / "samples/tongwang-2020-108/tasklist.yaml", ".xlsx"))
    out = []
    for u in range(units):
        edits = {r: (rnd.choice(["进行中", "已完成", "未开始"]), None) for r in rnd.sample(range(3, 27), 4)}
        edits = {r: (s, dt.date(2020, 4, 20) if s == "已完成" else None) for r, (s, _) in edits.items()}
        out.append(fill_tracking(blank, folder / f"单位{u + 1}.xlsx", edits, dt.date(2020, 4, 28)))
    return out


def main(n: int = 50_000) -> None:
    from docgen.campaign.problems import XLSX
    from docgen.campaign.report import weekly_report
    from docgen.fonts import FontSet
    from docgen.settings import load_settings

    rnd = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        problems = build_ledger(d / "台账", n, rnd)
        sheets = tracking(d, 10, rnd)
        settings = load_settings(ROOT / "samples" / "campaign" / "docgen.yml")
        fonts = FontSet()
        fonts.resolve()
        t = time.perf_counter()
        rows = openpyxl_read([*sheets, d / "台账" / XLSX])
        base = time.perf_counter() - t
        times = []
        for k in range(3):
            t = time.perf_counter()
            rep, _ = weekly_report(sheets, d / "台账", d / f"周报{k}", settings=settings, fonts=fonts)
            times.append(time.perf_counter() - t)
        best = min(times)
        print(f"{n} 户、{problems} 条问题、10 份跟踪表（{rows} 行）；第 {rep.figures.week} 周，PDF {len(rep.pdf) // 1024} KB")
        print(f"{'项目':<28}{'秒':>8}{'比值':>8}")
        print(f"{'基线 openpyxl 读同样的工作簿':<22}{base:>8.2f}{1:>8.2f}")
        print(f"{'周报（三次中最快）':<24}{best:>8.2f}{best / base:>8.2f}")
        print(f"{'周报（三次）':<26}{' / '.join(f'{x:.2f}' for x in times)}")
        print(f"目标：周报 ≤ 5 s —— {'达到' if best <= 5 else '未达到'}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
