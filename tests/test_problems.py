"""问题整改台账的经过（#17）：已知的“否” → 已知的问题 → 各单位改台账（整改中、销号要有日期与佐证）→ 已知的销号与每周的数；
往年问题按批次导入；改错了的台账指到格子、台账不动。"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from test_survey import fill

from docgen.campaign.problems import ProblemLedger, read_edits
from docgen.campaign.survey import make_surveys, read_surveys
from docgen.households.sample import generate


@pytest.fixture
def ledger(tmp_path):
    generate(30, 9, tmp_path / "data", 0.0, 2020)
    make_surveys([tmp_path / "data"], tmp_path / "八查", period=(2020, 12))
    books = sorted((tmp_path / "八查").glob("*.xlsx"))
    planted = {}
    for b in books:
        ws = load_workbook(b)["八查"]
        hhs = [ws.cell(r, 2).value for r in range(3, ws.max_row + 1)]
        planted.update({(hhs[0], 1): "证件丢失", (hhs[1], 3): "证件与现住房不一致", (hhs[2], 6): "对鉴定结果有疑虑"})
    filled = []
    for b in books:
        out = tmp_path / "填好" / b.name
        out.parent.mkdir(exist_ok=True)
        fill(b, out, planted, random.Random(1))
        filled.append(out)
    led = ProblemLedger(tmp_path / "台账")
    led.apply_survey(read_surveys(filled), dt.date(2020, 4, 30))
    led.write_xlsx(dt.date(2020, 4, 10))
    yield led, planted, tmp_path
    led.close()


def set_rows(xlsx: Path, out: Path, changes: dict[str, dict[str, object]]) -> Path:
    wb = load_workbook(xlsx)
    ws = wb["问题整改台账"]
    head = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        number = ws.cell(r, head["问题编号"]).value
        for k, v in changes.get(number, {}).items():
            ws.cell(r, head[k], v)
    wb.save(out)
    return out


def test_close_problems_with_evidence_and_count_the_week(ledger):
    led, planted, tmp = ledger
    numbers = sorted(p["number"] for p in led.problems())
    assert len(numbers) == len(planted) == 6
    a, b, c, d = numbers[:4]
    edited = set_rows(tmp / "台账" / "问题整改台账.xlsx", tmp / "改过.xlsx", {
        a: {"状态": "已销号", "销号日期": dt.date(2020, 4, 25), "佐证材料": "住房安全认定证件（补发）", "责任人": "王五"},
        b: {"状态": "整改中", "整改措施": "重新核对门牌与证件", "责任单位": "城乡建设科"},
        c: {"状态": "长期坚持", "整改措施": "每季度入户解释政策"},
        d: {"状态": "已销号", "销号日期": dt.date(2020, 4, 12), "佐证材料": "鉴定报告"},
    })
    edits, issues = read_edits(edited, led)
    assert not issues
    changed = led.apply_edits(edits, dt.date(2020, 4, 26))
    assert sorted(changed) == [a, b, c, d]
    assert [h["事件"] for h in led.history(a)] == ["发现", "销号"]
    assert "佐证材料：（空） → 住房安全认定证件（补发）" in led.history(a)[-1]["说明"]
    st = led.stats(dt.date(2020, 4, 26), dt.date(2020, 4, 20))
    assert st["总数"] == 6 and st["已销号"] == 2 and st["长期坚持"] == 1 and st["未销号"] == 3
    assert st["本周销号"] == 1  # d 销号在上一周
    assert st["逾期"] == 0
    assert led.stats(dt.date(2020, 5, 8))["逾期"] == 3  # 过了 4 月 30 日的时限
    assert st["清零进度"] == 0.5
    assert sum(v["总数"] for v in st["各村"].values()) == 6
    # 同样的台账再读一遍：没有改动
    edits, _ = read_edits(edited, led)
    assert led.apply_edits(edits, dt.date(2020, 4, 27)) == []


def test_wrong_edits_are_located_and_change_nothing(ledger):
    led, _, tmp = ledger
    numbers = sorted(p["number"] for p in led.problems())
    edited = set_rows(tmp / "台账" / "问题整改台账.xlsx", tmp / "错.xlsx", {
        numbers[0]: {"状态": "已销号"},  # 没有销号日期
        numbers[1]: {"状态": "已销号", "销号日期": dt.date(2020, 4, 20)},  # 没有佐证材料
        numbers[2]: {"状态": "搞定了"},
        numbers[3]: {"状态": "长期坚持"},  # 没写长效机制
        numbers[4]: {"状态": "已销号", "销号日期": dt.date(2020, 3, 1), "佐证材料": "x"},  # 早于发现
        numbers[5]: {"问题编号": "八查-不存在-1"},
    })
    edits, issues = read_edits(edited, led)
    got = {(i.location.row, i.location.field): i.code for i in issues}
    assert got == {(2, "销号日期"): "PL006", (3, "佐证材料"): "PL007", (4, "状态"): "PL004", (5, "整改措施"): "PL010",
                   (6, "销号日期"): "PL008", (7, "问题编号"): "PL002"}


def test_prior_years_import_by_batch(ledger):
    led, _, tmp = ledger
    wb = Workbook()
    ws = wb.active
    ws.append(["2018年第3批问题整改清单"])
    ws.append(["序号", "问题来源", "问题描述", "整改时限", "状态", "备注栏"])
    ws.append([1, "省专项督查", "帮扶手册填写不规范", "立行立改", None, None])
    ws.append([2, "省专项督查", "饮水设施维修不及时", "2018-12-31", "已销号", None])
    ws.append([3, "省专项督查", "收入算账有误", None, "办完了", None])
    p = tmp / "往年.xlsx"
    wb.save(p)
    done, issues = led.import_prior(p, "2018年第3批")
    assert done == ["往年-2018年第3批-1", "往年-2018年第3批-2"]
    assert {(i.location.row, i.code) for i in issues} == {(2, "PL011"), (5, "PL004")}
    items = {x["number"]: x for x in led.problems()}
    assert items["往年-2018年第3批-1"]["status"] == "整改中" and items["往年-2018年第3批-1"]["note"] == "立行立改"
    done2, _ = led.import_prior(p, "2018年第3批")
    assert done2 == done and len(led.problems()) == len(items)  # 再导一遍不重复


def test_problem_commands(ledger):
    led, _, tmp = ledger
    led.close()
    numbers = sorted(p["number"] for p in ProblemLedger(tmp / "台账").problems())
    bad = set_rows(tmp / "台账" / "问题整改台账.xlsx", tmp / "错.xlsx", {numbers[0]: {"状态": "已销号"}})
    run = lambda *a: subprocess.run([sys.executable, "-m", "docgen", "problems", *a], capture_output=True, text=True,  # noqa: E731
                                    timeout=120)
    r = run("update", str(bad), "--ledger", str(tmp / "台账"), "--date", "2020-04-26")
    assert r.returncode == 2 and "错.xlsx:问题整改台账:2:销号日期" in r.stdout
    good = set_rows(tmp / "台账" / "问题整改台账.xlsx", tmp / "好.xlsx",
                    {numbers[0]: {"状态": "已销号", "销号日期": "2020-04-25", "佐证材料": "照片"}})
    r = run("update", str(good), "--ledger", str(tmp / "台账"), "--date", "2020-04-26")
    assert r.returncode == 0 and "1 条" in r.stdout, r.stderr
    r = run("status", "--ledger", str(tmp / "台账"), "--date", "2020-04-26", "--format", "json")
    st = json.loads(r.stdout)
    assert st["已销号"] == 1 and st["本周销号"] == 1
    ws = load_workbook(tmp / "台账" / "问题整改台账.xlsx")["经过"]
    assert any(row[2] == "销号" for row in ws.iter_rows(values_only=True))
