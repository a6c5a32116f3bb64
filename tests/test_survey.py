"""住房安全“八查”（#17 第一步）：生成排查表 → 像排查人那样填（埋下已知的“否”）→ 读回 → 问题台账恰好是埋下的那些；
再填一份改过的 → 台账恰好变了该变的；用户常做的改动（乱填、合并、删行、挪行、加列、复制工作表）读对或指到格子。"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.campaign.checks import NOT_APPLICABLE, applicability
from docgen.campaign.problems import ProblemLedger
from docgen.campaign.survey import CHECK_COLS, COLUMNS, make_surveys, problem_number, read_surveys
from docgen.households.sample import generate


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("bc")
    generate(60, 7, d / "data", 0.0, 2020)
    stats = make_surveys([d / "data"], d / "八查", period=(2020, 12))
    return d, stats


def col(name: str) -> int:
    return COLUMNS.index(name) + 1


def fill(src: Path, dst: Path, planted: dict[tuple[str, int], str], rnd: random.Random, *, skip: set[str] = frozenset(),
         day=dt.date(2020, 4, 10)) -> None:
    """像排查人那样填：每户八项都选（适用的选“是”，埋下的选“否”并写问题说明），写排查人与日期。"""
    wb = load_workbook(src)
    ws = wb["八查"]
    for r in range(3, ws.max_row + 1):
        hh = ws.cell(r, col("户编号")).value
        if not hh or hh in skip:
            continue
        probs = []
        for k, name in enumerate(CHECK_COLS, start=1):
            cell = ws.cell(r, col(name))
            if cell.value == "不适用":
                continue
            if (hh, k) in planted:
                cell.value = "否"
                probs.append(planted[(hh, k)])
            else:
                cell.value = "是"
        if probs:
            ws.cell(r, col("问题说明"), "；".join(probs))
        ws.cell(r, col("排查人"), rnd.choice(["张三", "李四"]))
        ws.cell(r, col("排查日期"), day)
    wb.save(dst)


def households(book: Path) -> list[tuple[str, str, str]]:
    ws = load_workbook(book)["八查"]
    hid = {row[0].value: row for row in load_workbook(book)["docgen"].iter_rows(min_row=2)}
    return [(ws.cell(r, 2).value, ws.cell(r, 6).value, hid[ws.cell(r, 2).value][5].value) for r in range(3, ws.max_row + 1)]


def test_workbook_shape(books):
    d, stats = books
    assert stats["villages"] == 2 and stats["households"] == 60
    book = sorted((d / "八查").glob("*.xlsx"))[0]
    wb = load_workbook(book)
    assert wb.sheetnames == ["八查", "说明", "docgen"] and wb["docgen"].sheet_state == "veryHidden"
    ws = wb["八查"]
    assert [c.value for c in ws[2]] == list(COLUMNS)
    assert ws.protection.sheet
    assert ws.cell(3, col("户编号")).protection.locked and not ws.cell(3, col("查1")).protection.locked
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert '"是,否"' in lists  # 适用的只能选 是/否
    for r in range(3, ws.max_row + 1):
        grade = ws.cell(r, col("危房等级")).value
        v7 = ws.cell(r, col("查7"))
        if grade in ("A", "B"):
            assert v7.value == "不适用" and v7.protection.locked
        else:
            assert v7.value is None and not v7.protection.locked
    assert "查1：" in "".join(str(c.value) for c in wb["说明"]["A"])


def test_planted_no_answers_become_exactly_those_problems(books, tmp_path):
    d, _ = books
    rnd = random.Random(3)
    planted: dict[tuple[str, int], str] = {}
    filled = []
    for book in sorted((d / "八查").glob("*.xlsx")):
        for hh, grade, dangerous in households(book):
            from docgen.campaign.checks import HouseFacts

            facts = HouseFacts(True, grade or "", dangerous or "")
            for k in range(1, 9):
                if applicability(k, facts) != NOT_APPLICABLE and rnd.random() < 0.06:
                    planted[(hh, k)] = f"示例问题{len(planted) + 1}"
        out = tmp_path / book.name
        fill(book, out, planted, rnd)
        filled.append(out)
    assert len(planted) >= 5
    result = read_surveys(filled)
    assert not result.errors, result.errors[:3]
    assert {(r.hh_id, no) for r, no in result.findings()} == set(planted)
    assert len(result.rows) == 60 and not result.pending
    led = ProblemLedger(tmp_path / "台账")
    ch = led.apply_survey(result, dt.date(2020, 4, 30))
    assert sorted(ch.added) == sorted(problem_number(h, k) for h, k in planted)
    again = led.apply_survey(read_surveys(filled), dt.date(2020, 4, 30))  # 同样的表再读一遍：什么都不变
    assert again.as_dict() == {"新增": 0, "更新": 0, "复查已达标": 0}
    xlsx = led.write_xlsx(dt.date(2020, 4, 10))
    ws = load_workbook(xlsx)["问题整改台账"]
    assert ws.max_row - 1 == len(planted)
    assert {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)} == set(ch.added)
    # 再填一份改过的：一个“否”复查为“是”、一个新“否”、一个问题说明改了、挪行、删掉一户
    (h1, k1), (h2, k2) = sorted(planted)[:2]
    changed = {**planted}
    del changed[(h1, k1)]
    changed[(h2, k2)] = "说明改过了"
    book = next(p for p in filled if h1[:12] in load_workbook(p)["docgen"]["B1"].value)
    hhs = [x[0] for x in households(book)]
    fresh = next(h for h in hhs if not any(h == p[0] for p in planted) and h not in (h1, h2))
    changed[(fresh, 1)] = "新发现的问题"
    gone = next(h for h in reversed(hhs) if h not in (h1, h2, fresh) and not any(h == p[0] for p in planted))
    out = tmp_path / "第二次" / book.name
    out.parent.mkdir()
    src = next((d / "八查").glob(book.name))
    fill(src, out, {k: v for k, v in changed.items() if k[0][:12] == h1[:12]}, rnd, skip={gone}, day=dt.date(2020, 4, 20))
    wb = load_workbook(out)
    ws = wb["八查"]
    ws.protection.sheet = False
    ws.move_range(f"A3:S3", rows=ws.max_row - 1)  # 第一户挪到最后
    wb.save(out)
    second = read_surveys([out])
    assert not second.errors
    assert second.pending[h1[:12]] == [gone]
    ch2 = led.apply_survey(second, dt.date(2020, 4, 30))
    assert ch2.added == [problem_number(fresh, 1)]
    expected_updated = [problem_number(h2, k2)] if h2[:12] == h1[:12] else []
    assert ch2.updated == expected_updated
    assert ch2.rechecked_ok == [problem_number(h1, k1)]
    assert [h["事件"] for h in led.history(problem_number(h1, k1))] == ["发现", "复查达标"]
    led.close()


def edit(src: Path, dst: Path, fn) -> Path:
    wb = load_workbook(src)
    fn(wb, wb["八查"])
    wb.save(dst)
    return dst


def test_typed_and_wrong_values_are_located(books, tmp_path):
    d, _ = books
    src = sorted((d / "八查").glob("*.xlsx"))[0]
    base = tmp_path / "填好.xlsx"
    fill(src, base, {}, random.Random(1))
    name = base.name
    ws = load_workbook(base)["八查"]
    rows = {ws.cell(r, 2).value: r for r in range(3, ws.max_row + 1)}
    ab = next(r for r in range(11, ws.max_row + 1) if ws.cell(r, col("危房等级")).value in ("A", "B"))

    def bad(wb, ws):
        ws.cell(10, col("查1"), "√")  # 打的勾：认作“是”
        ws.cell(4, col("查2"), "好的")
        ws.cell(5, col("查3"), "否")  # 没写问题说明
        ws.cell(6, col("查1"), "不适用")  # 每户都要查的
        ws.cell(ab, col("查7"), "是")  # A/B 级房屋：不适用
        ws.cell(7, col("排查日期"), dt.date(2021, 1, 5))
        ws.cell(8, col("排查日期"), "上周三")
        ws.cell(9, col("户编号"), "610202999999000")

    result = read_surveys([edit(base, tmp_path / name, bad)])
    where = {str(i.location): i.code for i in result.errors}
    assert where == {f"{name}:八查:4:查2": "BC004", f"{name}:八查:5:问题说明": "BC007", f"{name}:八查:6:查1": "BC005",
                     f"{name}:八查:{ab}:查7": "BC006", f"{name}:八查:7:排查日期": "BC013",
                     f"{name}:八查:8:排查日期": "BC012", f"{name}:八查:9:户编号": "BC002"}
    assert next(r for r in result.rows if r.where.row == 10).answers[1] == "是"
    assert rows  # 表里有户


def test_merges_extra_columns_and_copied_sheets(books, tmp_path):
    d, _ = books
    src = sorted((d / "八查").glob("*.xlsx"))[0]
    base = tmp_path / "填好.xlsx"
    fill(src, base, {}, random.Random(2))

    def merged(wb, ws):
        ws.protection.sheet = False
        for r in (4, 5):
            ws.cell(r, col("排查人")).value = None
        ws.merge_cells(start_row=3, end_row=5, start_column=col("排查人"), end_column=col("排查人"))
        ws.merge_cells(start_row=6, end_row=7, start_column=col("查2"), end_column=col("查2"))
        ws.cell(2, 20, "备注2")

    r = read_surveys([edit(base, tmp_path / "合并.xlsx", merged)])
    codes = {(str(i.location), i.code) for i in r.issues}
    assert ("合并.xlsx:八查:6:查2", "BC008") in codes
    assert ("合并.xlsx:八查:2:备注2", "BC010") in codes
    assert next(x for x in r.rows if x.where.row == 5).inspector  # 合并的排查人按每行都填了读

    def copied(wb, ws):
        wb.copy_worksheet(ws)

    from docgen.errors import InputError

    with pytest.raises(InputError, match="2 张八查表"):
        read_surveys([edit(base, tmp_path / "复制.xlsx", copied)])

    def title_rows(wb, ws):
        ws.protection.sheet = False
        ws.insert_rows(1, 2)  # 表头上面多了两行

    r = read_surveys([edit(base, tmp_path / "加行.xlsx", title_rows)])
    assert not r.errors and len(r.rows) == ws_rows(base)


def ws_rows(book: Path) -> int:
    ws = load_workbook(book)["八查"]
    return sum(1 for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value)


def test_not_a_survey_workbook(tmp_path):
    from openpyxl import Workbook

    from docgen.errors import InputError

    Workbook().save(tmp_path / "别的.xlsx")
    with pytest.raises(InputError, match="不是 docgen 生成的八查排查表"):
        read_surveys([tmp_path / "别的.xlsx"])


def test_survey_commands(books, tmp_path):
    d, _ = books
    out = tmp_path / "八查"
    r = subprocess.run([sys.executable, "-m", "docgen", "survey", "make", str(d / "data"), "--period", "2020-12",
                        "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    book = sorted(out.glob("*.xlsx"))[0]
    wb = load_workbook(book)
    wb["八查"].cell(3, col("查1"), "否")  # 没写问题说明
    wb.save(book)
    r = subprocess.run([sys.executable, "-m", "docgen", "survey", "read", *map(str, out.glob("*.xlsx")), "--ledger",
                        str(tmp_path / "台账")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and f"{book.name}:八查:3:问题说明" in r.stdout
    assert not (tmp_path / "台账").exists()  # 有错误时台账不动
    wb["八查"].cell(3, col("问题说明"), "证件丢失")
    wb.save(book)
    r = subprocess.run([sys.executable, "-m", "docgen", "survey", "read", *map(str, out.glob("*.xlsx")), "--ledger",
                        str(tmp_path / "台账")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "台账新增 1 条" in r.stdout and (tmp_path / "台账" / "问题整改台账.xlsx").is_file()


def test_farmers_list_adds_other_rural_households(books, tmp_path):
    """农户名单（不是建档立卡户的农户）：标题行之下的表头、别名列、各种错都指到格子；对的户进排查表（建档立卡户为“否”）。"""
    from openpyxl import Workbook

    from docgen.errors import InputError

    d, _ = books
    code = next(iter(load_workbook(sorted((d / "八查").glob("*.xlsx"))[0])["docgen"].iter_rows(max_row=1, values_only=True)))[1]
    wb = Workbook()
    ws = wb.active
    ws.title = "农户"
    ws.append(["某村农户名单（示例）"])
    ws.append(["农户编号", "户主姓名", "村代码", "组", "危房等级", "住房解决方式"])
    ws.append(["NH001", "甲（示例）", code, "1组", "A", "自有"])
    ws.append(["NH002", "乙（示例）", code, "2组", "C", "租赁"])
    good = tmp_path / "农户名单.xlsx"
    wb.save(good)
    stats = make_surveys([d / "data"], tmp_path / "八查", period=(2020, 12), farmers=good)
    added = {}
    for book in sorted((tmp_path / "八查").glob("*.xlsx")):
        for row in load_workbook(book)["八查"].iter_rows(min_row=3, values_only=True):
            if row[COLUMNS.index("建档立卡户")] == "否":
                added[row[COLUMNS.index("户编号")]] = (book.name, row[COLUMNS.index("住房解决方式")])
    assert set(added) == {"NH001", "NH002"} and added["NH002"][1] == "租赁"
    assert stats["households"] == stats["registered"] + 2
    ws.append(["NH001", "丙", code, "3组", None, None])  # 编号重复
    ws.append(["NH003", "丁", "不是代码", None, None, None])  # 认不出的村
    ws.append(["NH004", "戊", code, None, "E", None])  # 危房等级写错
    ws.append([None, "己", code, None, None, None])  # 没有编号
    bad = tmp_path / "错的农户名单.xlsx"
    wb.save(bad)
    with pytest.raises(InputError) as e:
        make_surveys([d / "data"], tmp_path / "八查2", period=(2020, 12), farmers=bad)
    got = {(str(i.location), i.code) for i in e.value.issues}
    f = "错的农户名单.xlsx:农户"
    assert got == {(f"{f}:5:农户编号", "FRM002"), (f"{f}:6:村代码", "FRM003"), (f"{f}:7:危房等级", "FRM006"),
                   (f"{f}:8:农户编号", "FRM001")}
