"""全县汇总（收入与两不愁三保障分开判断、每个“否”有原因、口径说明、各村统计按村代码）、户档的基准日期与结论，
以及拟退出户公示名单（排序、打码、公示期、表头每页重复、同样输入同样字节）。

户与核算结果直接由 docgen.households.model 与 compute.assess 构造（不经读表与校验）。"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pickle
import zipfile
from collections import defaultdict

import openpyxl
import pymupdf
import pytest
from conftest import ROOT

from docgen.households.compute import Settings, assess, mask_id
from docgen.households.docs import (
    HouseholdForms,
    gongshi_document,
    gongshi_period,
    gongshi_rows,
    gongshi_title,
    group_key,
    household_context,
    publishing_unit,
)
from docgen.households.ledger import SUMMARY_HEADERS, county_summary, summary_line, village_ledger
from docgen.households.model import Household, Housing, Income, IncomeItem, Member, Problem
from docgen.layout import format_date
from docgen.rules.gb11643 import check_char

REF = dt.date(2020, 12, 31)
A1, A2, B = "610202100201", "610202100202", "610202100203"  # A1、A2 同名（示例甲村），代码不同
NAMES = {A1: "示例甲村", A2: "示例甲村", B: "示例乙村"}
OK_HOUSE = Housing(dangerous="否", grade="A", water_safe="是", water_difficult="否", food_ok="是", clothes_ok="是")
C_HOUSE = Housing(dangerous="是", grade="C", renovated="否", water_safe="是", water_difficult="否", food_ok="是",
                  clothes_ok="是")


def _id(n: int, birth: str = "19650312") -> str:
    body = f"610202{birth}{n % 1000:03d}"
    return body + check_char(body)


def household(code: str, no: int, group: str, per_capita: float | None, *, size: int = 2, status: str = "未脱贫",
              housing: Housing | None = OK_HOUSE, previous: float | None = None, year: int = 2020) -> Household:
    """一户：`size` 个成年成员（都参加了医保），`per_capita` 为当年人均纯收入（None 为没有收入数据）。"""
    hh = f"{code}{no:04d}"
    members = tuple(Member(name=f"户{no}{'主' if i == 0 else f'成员{i}'}", sex="男" if i == 0 else "女",
                           id_number=_id(no * 10 + i), birth=dt.date(1965, 3, 12), relation="户主" if i == 0 else "配偶",
                           education="初中", health="健康", labour="普通劳动力", medical="是", phone="13800001234")
                    for i in range(size))
    incomes = []
    if previous is not None:
        incomes.append(Income(year=year - 1, items=(IncomeItem(category="工资性", name="工资性收入", amount=previous * size),)))
    if per_capita is not None:
        incomes.append(Income(year=year, items=(
            IncomeItem(category="工资性", name="工资性收入", amount=per_capita * size + 500),
            IncomeItem(category="支出", name="生产经营性支出", amount=500),
            IncomeItem(category="不计入", name="慰问金", amount=300, counted=False))))
    return Household(hh_id=hh, county="王益区", township="黄堡镇", village=NAMES[code], group=group, size=size,
                     attribute="一般贫困户", cause="因病", status=status, members=members, incomes=tuple(incomes),
                     housing=housing)


def sample() -> list[Household]:
    return [
        household(A1, 1, "3组", 3000),  # 低于贫困线，两不愁三保障都达标
        household(A1, 2, "1组", 8000, housing=C_HOUSE),  # 收入达标，C 级危房
        household(A2, 3, "2组", 5000),  # 介于贫困线与 1.5 倍之间：达到退出标准，但低于监测线
        household(A2, 4, "10组", None),  # 没有收入数据
        household(A1, 5, "10组", 7000, previous=7500),  # 达标，收入比上一年下降
        household(A1, 6, "2组", 9000, status="返贫"),
        household(A2, 7, "2组", 9000, status="已脱贫（享受政策）"),  # 达标但已脱贫：不进公示
        household(B, 8, "1组", 4500, size=3),
    ]


PROBLEMS = [
    Problem(description="危房未改造", households=(f"{A1}0002",), status="整改中"),
    Problem(description="档案不全", households=(f"{A2}0004",), status="已销号"),
    Problem(description="村名同名，归不到村代码", village="示例甲村"),
    Problem(description="乙村的问题", village="示例乙村", status="已销号"),
]


@pytest.fixture(scope="module")
def assessments():
    return [assess(h, Settings(), REF) for h in sample()]


def _rows(ws):
    """(表头行号, 表头, 数据行) —— 表头是第一格为“户编号”“村”或“序号”的那一行。"""
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(values) if r[0] in ("户编号", "村", "序号"))
    return head + 1, values[head], [r for r in values[head + 1:] if any(v is not None for v in r)]


def _legend(ws, head_row: int) -> list[str]:
    return [ws.cell(r, 1).value for r in range(2, head_row)]


@pytest.fixture(scope="module")
def summary(tmp_path_factory, assessments):
    path = tmp_path_factory.mktemp("summary") / "全县汇总.xlsx"
    county_summary((a for a in assessments), PROBLEMS, path, settings=Settings(reference_date=REF))  # 生成器也行
    return path


def test_summary_verdicts_are_separate_and_every_no_has_a_reason(summary, assessments):
    ws = openpyxl.load_workbook(summary)["户收入核算"]
    _head_row, headers, rows = _rows(ws)
    assert len(rows) == len(assessments)
    col = {h: i for i, h in enumerate(headers)}
    for h in ("收入是否达标", "收入未达标原因", "是否低于监测线", "两不愁三保障是否达标", "未达标项及原因", "是否达到退出标准",
              "未达到退出标准原因", "组", "监测线"):
        assert h in col, h
    by_id = {r[col["户编号"]]: r for r in rows}
    for a in assessments:
        r = by_id[a.household.hh_id]
        for verdict, reason in (("收入是否达标", "收入未达标原因"), ("两不愁三保障是否达标", "未达标项及原因"),
                                ("是否达到退出标准", "未达到退出标准原因")):
            assert r[col[verdict]] in ("是", "否")
            assert bool(r[col[reason]]) == (r[col[verdict]] == "否"), (a.household.hh_id, verdict, r)
        assert r[col["收入是否达标"]] == ("是" if a.income_ok else "否")
        assert r[col["两不愁三保障是否达标"]] == ("是" if a.assurance_ok else "否")
        assert r[col["是否达到退出标准"]] == ("是" if a.passes else "否")
        # 是否低于监测线：人均纯收入 < 贫困线 × 倍数（含低于贫困线的户）；没有收入数据为“—”
        if a.income is None:
            assert r[col["是否低于监测线"]] == "—" and r[col["监测线"]] is None
        else:
            assert r[col["监测线"]] == pytest.approx(a.income.line * 1.5)
            assert r[col["是否低于监测线"]] == ("是" if a.income.per_capita < a.income.line * 1.5 else "否")
    one, two, three, four = (by_id[f"{c}{n:04d}"] for c, n in ((A1, 1), (A1, 2), (A2, 3), (A2, 4)))
    # 低于贫困线、两不愁三保障都达标：收入“否”、两不愁三保障“是”，分开判断
    assert (one[col["收入是否达标"]], one[col["两不愁三保障是否达标"]], one[col["是否低于监测线"]]) == ("否", "是", "是")
    assert "低于 2020 年贫困线 4,000 元" in one[col["收入未达标原因"]]
    assert one[col["未达到退出标准原因"]] == "收入未达标"
    # 收入达标、C 级危房
    assert (two[col["收入是否达标"]], two[col["两不愁三保障是否达标"]], two[col["是否低于监测线"]]) == ("是", "否", "否")
    assert "住房安全" in two[col["未达标项及原因"]] and "C 级危房" in two[col["未达标项及原因"]]
    assert "两不愁三保障未达标（住房安全）" in two[col["未达到退出标准原因"]]
    # 贫困线与 1.5 倍之间：达到退出标准，但低于监测线
    assert (three[col["收入是否达标"]], three[col["是否低于监测线"]], three[col["是否达到退出标准"]]) == ("是", "是", "是")
    # 没有收入数据：收入“否”并写明原因
    assert four[col["收入是否达标"]] == "否" and "没有" in four[col["收入未达标原因"]]
    assert four[col["收入是否下降"]] == "—"
    assert by_id[f"{A1}0005"][col["收入是否下降"]] == "是"


def test_summary_layout_legend_freeze_filter_print_titles(summary):
    wb = openpyxl.load_workbook(summary)
    for name in ("户收入核算", "各村统计"):
        ws = wb[name]
        head_row, _, _ = _rows(ws)
        assert head_row > 3  # 标题与表头之间有口径说明
        assert ws.freeze_panes == f"A{head_row + 1}"
        assert ws.auto_filter.ref.startswith(f"A{head_row}:")
        assert ws.print_title_rows == f"${head_row}:${head_row}"
        assert all(f"A{r}:" in str(ws.merged_cells) for r in range(1, head_row))
    ws = wb["户收入核算"]
    legend = _legend(ws, _rows(ws)[0])
    assert any(t.startswith("收入是否达标：人均纯收入不低于当年贫困线（2020 年 4000 元）") for t in legend), legend
    assert any(t.startswith("是否低于监测线：人均纯收入低于贫困线的 1.5 倍（2020 年 6000 元，含低于贫困线的户）") for t in legend)
    assert any(t.startswith("两不愁三保障是否达标：") and "6–15 周岁" in t for t in legend)
    assert any(t.startswith("是否达到退出标准：收入达标且两不愁三保障达标") for t in legend)
    assert any("2020年12月31日" in t for t in legend)  # 基准日期
    ws = wb["各村统计"]
    legend = _legend(ws, _rows(ws)[0])
    assert any(t.startswith("低于监测线户数：人均纯收入低于贫困线的 1.5 倍") for t in legend)
    assert any(t.startswith("收入未达标户数：") and "2020 年 4000 元" in t for t in legend)


def test_village_stats_by_code_match_assessments(summary, assessments):
    ws = openpyxl.load_workbook(summary)["各村统计"]
    _, headers, rows = _rows(ws)
    assert headers == ["村", "村代码", "户数", "人数", "收入未达标户数", "低于监测线户数", "两不愁三保障未达标户数",
                       "达到退出标准户数", "问题数", "已销号", "未销号"]
    expect: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for a in assessments:
        e = expect[a.household.village_code]
        for i, v in enumerate((1, len(a.household.members), not a.income_ok, a.below_monitor, not a.assurance_ok, a.passes)):
            e[i] += int(v)
    got = {r[1]: r for r in rows}
    assert set(got) == {A1, A2, B, "—"}  # 同名的两个村分行；归不到村代码的问题单列
    assert got[A1][0] == got[A2][0] == "示例甲村"
    for code, e in expect.items():
        assert list(got[code][2:8]) == e, code
    assert list(got[A1][8:]) == [1, 0, 1] and list(got[A2][8:]) == [1, 1, 0] and list(got[B][8:]) == [1, 1, 0]
    assert got["—"][0] == "示例甲村" and list(got["—"][2:]) == [0, 0, 0, 0, 0, 0, 1, 0, 1]


def test_village_stats_charts_use_header_and_both_levels(summary):
    wb = openpyxl.load_workbook(summary)
    ws = wb["各村统计"]
    head_row, _, rows = _rows(ws)
    z = zipfile.ZipFile(summary)
    charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert len(charts) == 2
    xml = "".join(z.read(n).decode() for n in charts)
    assert f"'各村统计'!$A${head_row + 1}:$B${head_row + len(rows)}" in xml and "multiLvlStrRef" in xml
    for col in "JKCH":  # 已销号、未销号；户数、达到退出标准户数：系列名取表头
        assert f"'各村统计'!{col}{head_row}<" in xml.replace("$", ""), col
    assert "达到退出标准户数" in xml or "各村户数与达到退出标准户数" in xml


def test_custom_monitor_ratio_changes_flag_and_legend(tmp_path):
    s = Settings(monitor_ratio=2.0, reference_date=REF)
    items = [assess(h, s, REF) for h in sample()]
    path = tmp_path / "s.xlsx"
    county_summary([summary_line(a) for a in items], [], path, settings=s)
    ws = openpyxl.load_workbook(path)["户收入核算"]
    head_row, headers, rows = _rows(ws)
    col = {h: i for i, h in enumerate(headers)}
    r5 = next(r for r in rows if r[0] == f"{A1}0005")  # 7000 元：低于 8000（2 倍），不低于 6000（1.5 倍）
    assert r5[col["是否低于监测线"]] == "是" and r5[col["监测线"]] == 8000
    for r, a in zip(sorted(rows), sorted(items, key=lambda a: a.household.hh_id)):
        if a.income is not None:
            assert r[col["是否低于监测线"]] == ("是" if a.income.per_capita < a.income.line * 2 else "否")
    legend = _legend(ws, head_row)
    assert any(t.startswith("是否低于监测线：人均纯收入低于贫困线的 2 倍（2020 年 8000 元") for t in legend)


def test_summary_line_is_small_and_picklable(assessments):
    line = summary_line(assessments[0])
    blob = pickle.dumps(line, pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(blob) == line and len(blob) < 1024
    assert {f.name for f in dataclasses.fields(line)} >= {"code", "village", "income_ok", "below_monitor", "assurance_ok",
                                                        "passes"}


def test_village_ledger_monitoring_uses_same_measures(tmp_path, assessments):
    items = [a for a in assessments if a.household.village_code == A1]
    path = tmp_path / "甲村.xlsx"
    village_ledger("示例甲村", A1, items, PROBLEMS, Settings(), REF, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["监测对象台账"]
    head_row, headers, rows = _rows(ws)
    assert ws.freeze_panes == f"A{head_row + 1}" and ws.print_title_rows == f"${head_row}:${head_row}"
    col = {h: i for i, h in enumerate(headers)}
    listed = {r[0] for r in rows}
    expect = {a.household.hh_id for a in items if a.below_monitor or "收入下降" in a.flags or "刚性支出过大" in a.flags}
    assert listed == expect and f"{A1}0001" in listed and f"{A1}0005" in listed
    r1 = next(r for r in rows if r[0] == f"{A1}0001")
    assert (r1[col["收入是否达标"]], r1[col["是否低于监测线"]], r1[col["监测线"]]) == ("否", "是", 6000)
    assert any("贫困线的 1.5 倍" in t for t in _legend(ws, head_row))
    probs = _rows(wb["问题整改台账"])[2]
    assert [r[3] for r in probs] == ["危房未改造", "村名同名，归不到村代码"]
    assert wb["问题整改台账"]["M1"].value.date() == REF


# ---------------------------------------------------------------- 户档

def test_household_context_uses_reference_date_and_summary_verdicts(assessments):
    h = household(A1, 9, "1组", 3000, year=2019)  # 只有 2019 年的收入：日期仍是基准日期，不是 2019 年末
    a = assess(h, Settings(), REF)
    ctx = household_context(a, Settings())
    assert ctx["date"] == format_date(REF) and ctx["reference"] == "2020-12-31" and ctx["year"] == 2019
    same = {"income_verdict": "收入是否达标", "income_reason": "收入未达标原因", "monitor_verdict": "是否低于监测线",
            "assurance_verdict": "两不愁三保障是否达标", "assurance_reason": "未达标项及原因",
            "exit_verdict": "是否达到退出标准", "exit_reason": "未达到退出标准原因"}
    for a in assessments:  # 户档的结论与全县汇总逐字相同
        ctx = household_context(a, Settings())
        row = dict(zip(SUMMARY_HEADERS, summary_line(a).row))
        assert {k: ctx[k] for k in same} == {k: row[h] for k, h in same.items()}
        assert ctx["verdict"] == ("达到退出标准" if a.passes else f"未达到退出标准：{ctx['exit_reason']}")
    public = household_context(assessments[0], Settings(), public=True)
    assert public["head_id"] == mask_id(assessments[0].household.head.id_number) and "****" in public["phone"]


def test_household_forms_show_both_verdicts_and_reference_date(assessments):
    forms = HouseholdForms(ROOT / "templates")
    a = assessments[1]  # 收入达标、C 级危房
    ctx = household_context(a, Settings())
    for kind in ("户情卡.pdf", "收入核算表.pdf"):
        pdf = pymupdf.open(stream=forms.render(kind, ctx), filetype="pdf")
        text = "".join(p.get_text() for p in pdf).replace("\n", "")
        assert "收入是否达标" in text and "两不愁三保障是否达标：否" in text and "C 级危房" in text, kind
        assert ctx["verdict"] in text and ctx["monitor_line"] in text
        assert pdf.metadata["creationDate"].startswith("D:20201231"), pdf.metadata
    for kind in ("户情卡.docx", "收入核算表.docx"):
        xml = zipfile.ZipFile(io.BytesIO(forms.render(kind, ctx))).read("word/document.xml").decode()
        assert "两不愁三保障是否达标：否" in xml and "结论：未达到退出标准" in xml and "收入是否达标" in xml, kind
        assert "{{" not in xml and "{%" not in xml


# ---------------------------------------------------------------- 公示名单

def test_gongshi_rows_sorted_masked_and_only_exiting(assessments):
    rows = gongshi_rows(assessments, Settings())
    # 未脱贫或返贫且达到退出标准；按村代码、组（按数：2 组在 10 组前）、户编号
    assert [r["hh_id"] for r in rows] == [f"{A1}0006", f"{A1}0005", f"{A2}0003", f"{B}0008"]
    assert [r["group"] for r in rows] == ["2组", "10组", "2组", "1组"]
    for r in rows:
        assert r["id"].startswith("610202") and "********" in r["id"] and len(r["id"]) == 18
        assert "phone" not in r and "13800001234" not in str(r)
    narrow = gongshi_rows(assessments, Settings(mask_head=4, mask_tail=2))
    assert narrow[0]["id"] == "6102" + "*" * 12 + narrow[0]["id"][-2:]
    assert sorted(["10组", "3", "2组", "第一组", "十二组", "东组"], key=group_key) == ["第一组", "2组", "3", "10组", "十二组", "东组"]


def test_gongshi_title_unit_and_period():
    assert gongshi_title("示例甲村", 2020) == "示例甲村2020年拟退出贫困户公示名单"
    assert publishing_unit("{村}村民委员会", "示例甲村", "黄堡镇", "王益区") == "示例甲村村民委员会"
    assert publishing_unit("{县}扶贫开发领导小组办公室", county="王益区") == "王益区扶贫开发领导小组办公室"
    # 按字面替换：名称里的花括号、格式串记号都原样保留
    assert publishing_unit("{乡镇}{村}{0}{x!r}", "村{0}", "镇{县}", "县") == "镇{县}村{0}{0}{x!r}"
    assert gongshi_period(Settings(), REF) == (REF, dt.date(2021, 1, 6))
    assert gongshi_period(Settings(gongshi_start=dt.date(2020, 12, 25), gongshi_days=10), REF) == (
        dt.date(2020, 12, 25), dt.date(2021, 1, 3))


def _doc(fmt, rows, county=False):
    unit = publishing_unit("{县}扶贫开发领导小组办公室" if county else "{村}村民委员会", "示例甲村", "黄堡镇", "王益区")
    start, end = gongshi_period(Settings(), REF)
    return gongshi_document(fmt, title=gongshi_title("王益区" if county else "示例甲村", 2020), unit=unit, start=start,
                            end=end, date=REF, rows=rows, county=county)


PERIOD = "公示期：2020年12月31日至2021年1月6日（7 天）"


def test_gongshi_docx_masked_table_with_repeating_header(assessments):
    from lxml import etree

    rows = [r for r in gongshi_rows(assessments, Settings()) if r["code"] == A1]
    data = _doc("docx", rows)
    assert data == _doc("docx", rows)  # 同样输入同样字节
    z = zipfile.ZipFile(io.BytesIO(data))
    xml = z.read("word/document.xml").decode()
    for h in sample():
        for m in h.members:
            assert m.id_number not in xml and m.phone not in xml
    doc = etree.fromstring(xml.encode())
    w = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    trs = doc.findall(".//w:tbl/w:tr", w)
    assert trs[0].find("w:trPr/w:tblHeader", w) is not None
    assert ["".join(tc.itertext()) for tc in trs[0].findall("w:tc", w)] == [
        "序号", "组", "户主姓名", "证件号码", "家庭人口数", "人均纯收入（元）", "主要致贫原因"]
    body = ["".join(trs[i].itertext()) for i in range(1, len(trs))]
    assert len(body) == 2 and rows[0]["id"] in body[0] and body[0].startswith("12组")
    paras = ["".join(p.itertext()) for p in doc.findall(".//w:body/w:p", w)]
    assert paras[0] == "示例甲村2020年拟退出贫困户公示名单"
    assert PERIOD in paras and "示例甲村村民委员会" in paras[-2:] and paras[-1] == "2020年12月31日"
    assert any("向示例甲村村民委员会反映" in p for p in paras)
    last = doc.findall(".//w:body/w:p", w)[-1]
    assert last.find("w:pPr/w:pStyle", w).get(f"{{{w['w']}}}val") == "GWDate"  # 日期右对齐（样式）
    core = z.read("docProps/core.xml").decode()
    assert "2020-12-31T00:00:00Z" in core


def test_gongshi_pdf_masked_and_deterministic(assessments):
    rows = [r for r in gongshi_rows(assessments, Settings()) if r["code"] == A1]
    data = _doc("pdf", rows)
    assert data == _doc("pdf", rows)
    pdf = pymupdf.open(stream=data, filetype="pdf")
    text = "".join(p.get_text() for p in pdf).replace("\n", "")
    for h in sample():
        for m in h.members:
            assert m.id_number not in text and m.phone not in text
    assert rows[0]["id"] in text and PERIOD in text and "示例甲村村民委员会" in text and "2020年12月31日" in text
    assert text.index("示例甲村村民委员会2020年12月31日") > text.index(PERIOD)  # 末尾：单位与日期
    page = pdf[0]
    unit = page.search_for("示例甲村村民委员会")[-1]
    assert unit.x1 > page.rect.width * 0.6  # 右对齐
    assert pdf.metadata["creationDate"].startswith("D:20201231")


def test_gongshi_county_pdf_repeats_header_on_every_page():
    hhs = [household(code, n, f"{n % 12 + 1}组", 6000 + n) for code in (A1, A2, B) for n in range(1, 31)]
    rows = gongshi_rows([assess(h, Settings(), REF) for h in hhs], Settings())
    assert len(rows) == 90
    data = _doc("pdf", rows, county=True)
    pdf = pymupdf.open(stream=data, filetype="pdf")
    n = len(pdf)
    assert n > 1
    for i, page in enumerate(pdf):
        text = page.get_text().replace("\n", "")
        assert "序号村组户主姓名证件号码" in text.replace(" ", ""), i
        assert f"第 {i + 1} 页 共 {n} 页" in text
    assert "王益区2020年拟退出贫困户公示名单" in pdf[0].get_text()
    assert "王益区扶贫开发领导小组办公室" in pdf[n - 1].get_text()
    docx = _doc("docx", rows, county=True)
    assert docx == _doc("docx", rows, county=True)
    assert zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode().count("<w:tr>") == 91


def test_gongshi_empty_list_still_renders():
    for fmt in ("docx", "pdf"):
        assert _doc(fmt, [])
    with pytest.raises(ValueError):
        gongshi_document("html", title="x", unit="y", start=REF, end=REF, date=REF, rows=[])


def test_long_county_list_is_rendered_in_parts_with_continuous_pages():
    """几千行的全县名单分段在子进程里排再拼（Typst 的版面缓存随行数增长、清不掉）：页码接续、标题只在第一页、落款只在最后，
    每一行都在，仍是 PDF/A-2b。"""
    import datetime as dt
    import io

    import pikepdf
    import pymupdf

    from docgen.households.docs import gongshi_document

    rows = [{"village": f"示例{i // 40}村", "group": f"{i % 5 + 1}组", "head": f"户主{i:04d}", "id": "610202********0018",
             "size": 3, "per_capita": "5,000.00", "cause": "因病"} for i in range(130)]
    kw = dict(title="王益区2020年拟退出贫困户公示名单", unit="王益区扶贫开发领导小组办公室", start=dt.date(2020, 12, 31),
              end=dt.date(2021, 1, 6), date=dt.date(2020, 12, 31), rows=rows, county=True)
    whole = pymupdf.open(stream=gongshi_document("pdf", **kw), filetype="pdf")
    data = gongshi_document("pdf", chunk=50, **kw)
    assert data == gongshi_document("pdf", chunk=50, **kw)  # 同样的输入，同样的字节
    doc = pymupdf.open(stream=data, filetype="pdf")
    pages = [p.get_text() for p in doc]
    assert len(pages) >= len(whole) and all(f"第 {i} 页" in t for i, t in enumerate(pages, start=1))
    text = "".join(pages).replace("\n", "")  # 窄栏里的姓名会折行
    assert all(f"户主{i:04d}" in text for i in range(130)) and text.count("拟退出贫困户公示名单") == 1
    assert "王益区扶贫开发领导小组办公室" in pages[-1] and "公示期" in pages[-1] and "公示期" not in pages[0]
    with pikepdf.open(io.BytesIO(data)) as p:
        assert p.open_metadata()["pdfaid:part"] == "2" and "/OutputIntents" in p.Root
