"""各单位填回的任务跟踪表（docgen progress 与工作台的任务清单页共用 read_progress）。"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from docgen.api import render_document
from docgen.load.tracking import read_progress

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples/tongwang-2020-108/tasklist.yaml"


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("trk") / "清单.xlsx"
    p.write_bytes(render_document(SAMPLE, ".xlsx"))
    return p


def filled(blank: Path, out: Path, edits: dict[int, tuple], date=None) -> Path:
    """像一个单位那样在“跟踪”表里填：{表中行号: (状态, 完成日期)}。"""
    wb = load_workbook(blank)
    ws = wb["跟踪"]
    if date:
        ws["B1"] = date
    for row, (status, done) in edits.items():
        ws.cell(row, 7, status)
        ws.cell(row, 8, done)
    wb.save(out)
    return out


def test_merges_several_units_and_counts_overdue(blank, tmp_path):
    a = filled(blank, tmp_path / "规划股.xlsx", {3: ("已完成", dt.date(2020, 3, 30)), 4: ("进行中", None)},
               dt.date(2020, 7, 1))
    b = filled(blank, tmp_path / "质监站.xlsx", {4: ("已销号", dt.date(2020, 4, 20)), 5: ("进行中", None)})
    prog = read_progress([a, b])
    assert prog.report_date == dt.date(2020, 7, 1)  # 取表里的报告日期
    assert len(prog.tasks) == 24
    st = prog.by_status()
    assert st["已完成"] == 1 and st["已销号"] == 1 and st["进行中"] == 1
    t4 = prog.tasks[1]
    assert t4.status == "已销号" and t4.source == "质监站.xlsx:跟踪:4"  # 两份表不同时取走得最远的
    assert not prog.issues
    late = prog.overdue()
    assert late and all(t.due < dt.date(2020, 7, 1) and t.status not in ("已完成", "已销号") for t in late)
    assert sum(r["合计"] for r in prog.by_category()) == 24


def test_typed_values_are_located(blank, tmp_path):
    a = filled(blank, tmp_path / "乱填.xlsx", {3: ("完成了", None), 6: ("已完成", "五月底"), 7: ("已完成", None)})
    prog = read_progress([a], dt.date(2020, 5, 1))
    where = {str(i.location): i.code for i in prog.issues}
    assert where["乱填.xlsx:跟踪:3:状态"] == "TRK002"
    assert where["乱填.xlsx:跟踪:6:完成日期"] == "TRK003"
    assert where["乱填.xlsx:跟踪:7:完成日期"] == "TRK004"


def test_rows_deleted_or_reordered_still_match(blank, tmp_path):
    wb = load_workbook(blank)
    ws = wb["跟踪"]
    ws.delete_rows(5)  # 删掉一行
    ws.move_range("A3:I3", rows=30)  # 第一行挪到最后
    ws.cell(33, 7, "进行中")
    out = tmp_path / "改过.xlsx"
    wb.save(out)
    prog = read_progress([blank, out])
    assert len(prog.tasks) == 24  # 删掉的那一行还在（第一份表里有）
    first = next(t for t in prog.tasks if t.source.endswith(":33"))
    assert first.status == "进行中"


def test_row_deleted_in_every_file_still_counts_and_is_named(blank, tmp_path):
    """删掉的任务行不让总数悄悄变少：拿同一工作簿里的“任务清单”表对，哪份表里都没有时按初始状态算进去。"""
    wb = load_workbook(blank)
    gone = wb["跟踪"].cell(5, 3).value
    wb["跟踪"].delete_rows(5)
    wb["跟踪"].cell(3, 7, "已完成")
    wb["跟踪"].cell(3, 8, dt.date(2020, 4, 1))
    out = tmp_path / "删了一行.xlsx"
    wb.save(out)
    prog = read_progress([out])
    assert len(prog.tasks) == 24 and sum(r["合计"] for r in prog.by_category()) == 24
    back = next(t for t in prog.tasks if t.task == gone)
    assert back.status == "未开始"
    warn = [i for i in prog.issues if i.code == "TRK007"]
    assert len(warn) == 1 and warn[0].severity == "warning"
    assert str(warn[0].location).startswith("删了一行.xlsx:任务清单") and "按“未开始”算" in warn[0].message
    # 另一份表里有这一行：不再另算，只说这份表删了
    prog = read_progress([out, blank])
    assert len(prog.tasks) == 24 and sum(t.task == gone for t in prog.tasks) == 1
    assert [i.code for i in prog.issues if i.code == "TRK007"] == ["TRK007"]
    assert "按" not in next(i for i in prog.issues if i.code == "TRK007").message.split("删掉了")[1].split("（")[0]


def test_equal_but_different_statuses_do_not_depend_on_file_order(blank, tmp_path):
    a = filled(blank, tmp_path / "甲.xlsx", {6: ("进行中", None)})
    b = filled(blank, tmp_path / "乙.xlsx", {6: ("长期坚持", None)})
    one, two = read_progress([a, b]), read_progress([b, a])
    assert [(t.task, t.status) for t in one.tasks] == [(t.task, t.status) for t in two.tasks]
    assert one.tasks[3].status == "长期坚持"
    for prog in (one, two):
        w = [i for i in prog.issues if i.code == "TRK006"]
        assert len(w) == 1 and "进行中" in w[0].message and "长期坚持" in w[0].message and w[0].location.row == 6


def test_edits_users_make_to_the_tracking_sheet(blank, tmp_path):
    """改过字的任务按序号认回清单上的那一项（TRK009，不多出一项）；状态填错的行不当成删掉的；另加的行点名（TRK010）；
    “跟踪”表挪到前面、另有一张“填表说明”时照样拿“任务清单”表对。"""
    wb = load_workbook(blank)
    ws = wb["跟踪"]
    first = ws.cell(3, 3).value
    ws.cell(3, 3, first + "（改）")
    ws.cell(4, 7, "完成了")
    ws.cell(27, 1, 25)
    ws.cell(27, 2, "另加")
    ws.cell(27, 3, "各单位另加的一项")
    ws.cell(27, 7, "进行中")
    wb.move_sheet("跟踪", offset=-1)
    wb.create_sheet("填表说明", 0)["A1"] = "请在“跟踪”表里填状态"
    out = tmp_path / "改过字.xlsx"
    wb.save(out)
    prog = read_progress([out])
    codes = [i.code for i in prog.issues]
    assert sorted(codes) == ["TRK002", "TRK009", "TRK010"], prog.issues
    assert len(prog.tasks) == 24  # 23 项清单上的（状态填错的那一项不算）+ 另加的一项：没有因改字多出来
    assert prog.tasks[0].task == first and prog.tasks[0].source.endswith(":3")
    assert "任务清单" in next(i for i in prog.issues if i.code == "TRK009").message


def test_tracking_sheet_alone_is_noted(blank, tmp_path):
    wb = load_workbook(blank)
    del wb["任务清单"]
    out = tmp_path / "只有跟踪.xlsx"
    wb.save(out)
    prog = read_progress([out])
    assert len(prog.tasks) == 24
    assert [i.code for i in prog.issues] == ["TRK008"]


def test_not_a_tracking_workbook(tmp_path):
    from openpyxl import Workbook

    from docgen.errors import InputError

    p = tmp_path / "别的.xlsx"
    Workbook().save(p)
    with pytest.raises(InputError, match="没有“跟踪”工作表"):
        read_progress([p])


def test_progress_command(blank, tmp_path):
    a = filled(blank, tmp_path / "甲.xlsx", {3: ("已完成", dt.date(2020, 3, 30))})
    r = subprocess.run([sys.executable, "-m", "docgen", "progress", str(a), "--date", "2020-07-01", "--format", "json"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["任务数"] == 24 and d["各状态"]["已完成"] == 1 and d["逾期"]
    bad = filled(blank, tmp_path / "乙.xlsx", {3: ("完成了", None)})
    r = subprocess.run([sys.executable, "-m", "docgen", "progress", str(bad)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "乙.xlsx:跟踪:3:状态" in r.stdout


def test_word_notice_opens_as_a_form(tmp_path):
    """docgen 排的样例 Word 公文 → 表单：要素都认出来，标题层级换成 #，再排出的正文文字相同。"""
    from docgen.importer import import_notice_docx
    from docgen.load.yamlsrc import load_yaml
    from docgen.model.body import parse_body

    src = ROOT / "samples/tongwang-2020-108/notice.yaml"
    docx = tmp_path / "通知.docx"
    docx.write_bytes(render_document(src, ".docx"))
    got = import_notice_docx(docx)
    want = load_yaml(src).data
    for k in ("发文字号", "标题", "主送机关", "印发机关", "印发日期", "成文日期"):
        assert got[k] == want[k], k
    assert got["发文机关署名"] == [want["发文机关署名"]]
    assert [a["名称"] for a in got["附件"]] == [a["名称"] for a in want["附件"]]
    assert got["正文"].strip() == want["正文"].strip()
    assert got["发文机关标志"] == want["发文机关标志"]
    assert got["抄送机关"] == want["抄送机关"]
    assert got["印发文件"]["标题"] == want["印发文件"]["标题"]
    heads = [b.heading for b in parse_body(got["印发文件"]["正文"]) if b.level]
    assert heads == [b.heading for b in parse_body(want["印发文件"]["正文"]) if b.level]
