"""建档立卡：校验（每条规则坏例子触发、好例子不触发，位置为 文件:工作表:行:字段）、收入核算（手算核对）、
两不愁三保障、示例数据与埋错、打码、台账读回。"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT, check_issues, sheet_table, staged_assessments, staged_households

from docgen.cli import cli
from docgen.households.compute import Settings, assess, mask_id
from docgen.households.sample import generate, id_number
from docgen.rules.gb11643 import checksum_ok as id_checksum_ok

REF = dt.date(2020, 12, 31)

SHARED = ROOT.parent / "shared" / "data" / "households-export-sample.xlsx"
SAMPLE = ROOT / "samples" / "households"


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture
def export(tmp_path) -> Path:
    """一份干净的导出表副本（3 户），测试在上面改单元格。"""
    generate(3, 5, tmp_path / "gen")
    return tmp_path / "gen" / "户籍导出.xlsx"


def edit(path: Path, sheet: str, row: int, header: str, value) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row, col).value = value  # ws.cell(r, c, None) 不会清空单元格
    wb.save(path)


def cell(path: Path, sheet: str, row: int, header: str):
    ws = openpyxl.load_workbook(path)[sheet]
    return ws.cell(row, [c.value for c in ws[1]].index(header) + 1).value


def codes(paths) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in check_issues(paths):
        out.setdefault(i.code, []).append(str(i.location))
    return out


# ------------------------------------------------------------------ 身份证号


def test_gb11643_checksum():
    assert id_checksum_ok("11010519491231002X")
    assert id_checksum_ok("610202196503120018") and id_checksum_ok("610202198811050022")
    assert not id_checksum_ok("11010519491231002")  # 17 位
    assert not id_checksum_ok("110105194912310021")
    import random

    rng = random.Random(3)
    for _ in range(200):
        male = rng.random() < 0.5
        idn = id_number(rng, dt.date(1950 + rng.randrange(70), rng.randrange(1, 13), rng.randrange(1, 29)), male)
        assert id_checksum_ok(idn) and (int(idn[16]) % 2 == 1) == male


def test_mask():
    assert mask_id("610202196503120018") == "610202********0018"
    assert mask_id("610202196503120018", Settings(mask_head=4, mask_tail=2)) == "6102************18"


# ------------------------------------------------------------------ 校验规则


def test_clean_export_has_no_issues(export):
    assert codes([export, export.parent / "村.yaml"]) == {}


M = "贫困户成员信息"


@pytest.mark.parametrize("code,sheet,row,header,value", [
    ("ID001", M, 2, "证件号码", "610202196503120019"),
    ("ID001", M, 2, "证件号码", "61020219650312001"),
    ("ID002", M, 2, "证件号码", "610202196513120011"),
    ("ENUM001", M, 2, "劳动技能", "强劳动力"),
    ("ENUM001", M, 2, "健康状况", "很好"),
    ("EDU001", M, 2, "文化程度", "初中"),
    ("REQ001", M, 2, "姓名", None),
    ("AMT001", "贫困户家庭收入", 3, "工资性收入", "三千"),
    ("AMT002", "贫困户家庭收入", 3, "低保金", -100),
    ("DATE001", "贫困户家庭收入", 3, "年度", "二〇二〇"),
    ("ENUM001", "贫困户住房饮水", 2, "危房等级", "E"),
    ("REF001", "贫困户住房饮水", 2, "户编号", "6102021002019999"),
])
def test_rule_fires_with_location(export, code, sheet, row, header, value):
    if code == "EDU001":
        edit(export, M, row, "在校生状况", "九年级")  # 两个都填
    edit(export, sheet, row, header, value)
    found = codes([export])
    assert code in found, found
    assert f"户籍导出.xlsx:{sheet}:{row}:{header}" in found[code]


def test_sex_mismatch_and_duplicate_and_household_rules(export):
    wb = openpyxl.load_workbook(export)
    ws = wb[M]
    hdr = [c.value for c in ws[1]]
    col = {h: hdr.index(h) + 1 for h in hdr}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    hh = [r[col["户编号"] - 1] for r in rows]
    # 性别与身份证号不符
    ws.cell(2, col["性别"], "女" if rows[0][col["性别"] - 1] == "男" else "男")
    # 另一户成员用了第 1 户户主的身份证号
    other = next(i for i, h in enumerate(hh) if h != hh[0]) + 2
    ws.cell(other, col["证件号码"], rows[0][col["证件号码"] - 1])
    ws.cell(other, col["性别"], rows[0][col["性别"] - 1])
    # 最后一户：家庭人口数不对、两个户主
    last_hh = hh[-1]
    last_rows = [i + 2 for i, h in enumerate(hh) if h == last_hh]
    for r in last_rows:
        ws.cell(r, col["家庭人口数"], len(last_rows) + 1)
    wb.save(export)
    found = codes([export])
    assert "户籍导出.xlsx:贫困户成员信息:2:性别" in found["ID003"]
    assert f"户籍导出.xlsx:贫困户成员信息:{other}:证件号码" in found["ID004"]
    assert f"户籍导出.xlsx:贫困户成员信息:{last_rows[0]}:家庭人口数" in found["HH002"]


def test_two_heads(export):
    wb = openpyxl.load_workbook(export)
    ws = wb[M]
    col = [c.value for c in ws[1]].index("与户主关系") + 1
    ws.cell(3, col, "户主")  # 第 1 户的第 2 个成员
    wb.save(export)
    found = codes([export])
    assert "户籍导出.xlsx:贫困户成员信息:2:与户主关系" in found["HH001"]


def test_unknown_village(export, tmp_path):
    v = tmp_path / "村.yaml"
    v.write_text('村:\n  - {统计用区划代码: "610202100201", 村名称: 示例甲村}\n', encoding="utf-8")
    found = codes([export, v])
    assert "VIL001" in found and all(":村" in x for x in found["VIL001"])
    bad = tmp_path / "坏村.yaml"
    bad.write_text('村:\n  - {统计用区划代码: "6102021002", 村名称: 示例甲村}\n', encoding="utf-8")
    assert "坏村.yaml:2:统计用区划代码" in codes([export, bad])["VIL002"]


def test_csv_with_header_aliases_and_value_variants(tmp_path):
    rows = [["户编号", "姓名", "性别", "身份证号", "与户主关系", "乡(镇)", "村", "文化程度", "在校生状况", "健康状况", "主要致贫原因", "家庭人口数"],
            ["6102021002010001", "甲（示例）", "男", "610202196503120018", "户主", "黄堡镇", "示例甲村", "初中", "", "大病", "缺劳动力", "1"]]
    for enc in ("utf-8-sig", "gb18030"):
        p = tmp_path / f"导出-{enc}.csv"
        with p.open("w", encoding=enc, newline="") as fh:
            csv.writer(fh).writerows(rows)
        issues = check_issues([p], (2020, 12))
        assert issues == [], [str(i) for i in issues]
        h = staged_households([p])[0]
        assert h.township == "黄堡镇" and h.cause == "缺劳力" and h.members[0].health == "患有大病"


def test_shared_sample_passes():
    if not SHARED.is_file():
        pytest.skip("shared/ 不在仓库旁边")
    res = invoke("check", SHARED)
    assert res.exit_code == 0, res.output
    assert "0 个错误" in res.output


def test_planted_errors_are_all_found(tmp_path):
    out = tmp_path / "err"
    invoke("sample-data", "--households", 120, "--seed", 9, "--error-rate", 0.15, "-o", out)
    planted = json.loads((out / "planted-errors.json").read_text(encoding="utf-8"))
    assert len(planted) >= 10
    found = {(i.location.sheet, i.location.row, i.location.field, i.code) for i in check_issues([out / "户籍导出.xlsx"])}
    for p in planted:
        assert (p["sheet"], p["row"], p["field"], p["code"]) in found, p


def test_check_cli_json_and_exit_codes(export):
    edit(export, M, 2, "劳动技能", "强劳动力")
    res = invoke("check", "--format", "json", export)
    assert res.exit_code == 2
    report = json.loads(res.output)
    items = report["issues"]
    assert report["households"] == 3 and report["errors"] == 1
    assert [s["header_rows"] for s in report["sheets"]] == [[1, 1]] * 4  # 成员、收入、住房饮水、帮扶措施
    assert set(items[0]) == {"file", "sheet", "row", "field", "severity", "code", "message"}
    assert items[0] == {**items[0], "file": "户籍导出.xlsx", "sheet": M, "row": 2, "field": "劳动技能", "code": "ENUM001"}


def test_strict_fails_on_warnings(export):
    wb = openpyxl.load_workbook(export)
    ws = wb[M]
    ws.cell(1, ws.max_column + 1, "开户银行")  # docgen 不用的列：警告（说明未读），不是错误
    ws.cell(2, ws.max_column, "示例银行")
    wb.save(export)
    res = invoke("check", export)
    assert res.exit_code == 0 and "COL001" in res.output and "开户银行" in res.output
    assert invoke("check", "--strict", export).exit_code == 2


# ------------------------------------------------------------------ 收入核算与两不愁三保障


def test_income_by_hand_on_shared_sample():
    if not SHARED.is_file():
        pytest.skip("shared/ 不在仓库旁边")
    hhs = staged_households([SHARED])
    h = next(x for x in hhs if x.hh_id == "6102021002010000")
    a = assess(h, Settings(), REF)
    # (0 + 7384 + 300 + 0 + 450 − 1728) / 2 = 3203
    assert a.income.gross == 8134 and a.income.net == 6406 and a.income.per_capita == 3203
    assert a.below_line and a.failures == {"住房安全": ["住房为 C 级危房，尚未改造"]}
    h2 = next(x for x in hhs if x.hh_id == "6102020062010002")
    a2 = assess(h2, Settings(), REF)
    # (6000 + 3490 + 0 + 200 + 960 + 3600 + 450 + 300 − 1461) / 2 = 6769.5 ≥ 1.5 × 4000
    assert a2.income.per_capita == 6769.5 and a2.flags == [] and a2.passes


def test_income_excluded_items_monitoring_and_fall(export):
    h = staged_households([export])[0]
    wb = openpyxl.load_workbook(export)
    ws = wb["贫困户家庭收入"]
    hdr = [c.value for c in ws[1]]
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == h.hh_id]
    vals = {}
    for r in rows:
        year = ws.cell(r, hdr.index("年度") + 1).value
        for name in ("工资性收入", "生产经营性收入", "资产收益扶贫分红收入", "其他财产性收入", "计划生育金", "低保金", "特困供养金",
                     "养老保险金", "生态补偿金", "其他转移性收入", "生产经营性支出", "临时救助金"):
            ws.cell(r, hdr.index(name) + 1, 0)
        ws.cell(r, hdr.index("生产经营性收入") + 1, (5000 if year == 2020 else 9000) * h.size)
        ws.cell(r, hdr.index("生产经营性支出") + 1, 0)
        ws.cell(r, hdr.index("临时救助金") + 1, 800)
        vals[year] = r
    wb.save(export)
    a = staged_assessments([export])[0]
    assert a.income.per_capita == 5000 and a.previous.per_capita == 9000
    assert a.flags == ["低于监测线", "收入下降"]  # 4000 ≤ 5000 < 6000；比上年下降
    assert a.income_ok and a.below_monitor and a.monitor_line == 6000
    assert any("临时救助金 800 元不计入纯收入" in n for n in a.notes)
    assert ("临时救助金", 800) in a.income.excluded and a.income.gross == 5000 * h.size


def test_two_worries_three_guarantees(tmp_path):
    rows = [["户编号", "姓名", "性别", "证件号码", "与户主关系", "文化程度", "在校生状况", "健康状况",
             "是否参加城乡居民基本医疗保险（新农合）", "家庭人口数"],
            ["6102021002010001", "甲", "男", id_number(__import__("random").Random(3), dt.date(1975, 3, 12), True), "户主",
             "初中", "", "健康", "是", "3"],
            ["6102021002010001", "乙", "女", id_number(__import__("random").Random(1), dt.date(2010, 5, 1), False), "之女",
             "小学", "", "健康", "是", "3"],
            ["6102021002010001", "丙", "男", id_number(__import__("random").Random(2), dt.date(2009, 5, 1), True), "之子",
             "", "非在校生", "残疾", "否", "3"]]
    p = tmp_path / "m.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    hp = tmp_path / "h.csv"
    with hp.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["户编号", "是否危房户", "危房等级", "饮水是否安全", "饮水是否困难"],
                                  ["6102021002010001", "是", "D", "否", "是"]])
    assert [i for i in check_issues([p, hp], (2020, 12)) if i.severity == "error"] == []
    a = assess(staged_households([p, hp])[0], Settings(), REF)
    assert a.failures["义务教育"] == ["乙（10 岁）在义务教育阶段未就学（文化程度：小学）"]  # 丙残疾，免于义务教育检查
    assert a.failures["基本医疗"] == ["丙未参加基本医疗保险"]
    assert a.failures["住房安全"] == ["住房为 D 级危房，尚未改造"]
    assert a.failures["饮水安全"] == ["饮水不安全", "饮水困难"]
    assert not a.passes and not a.assurance_ok and not a.income_ok  # 没有收入数据：收入未核算，不算达标


# ------------------------------------------------------------------ 示例数据、台账与文书


def test_sample_data_is_deterministic_and_valid(tmp_path):
    for d in ("a", "b"):
        generate(80, 42, tmp_path / d)
    for name in ("户籍导出.xlsx", "村.yaml", "问题.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert check_issues([tmp_path / "a" / n for n in ("户籍导出.xlsx", "村.yaml", "问题.xlsx")]) == []
    ws = openpyxl.load_workbook(tmp_path / "a" / "户籍导出.xlsx")["贫困户成员信息"]
    assert all("示例" in (ws.cell(r, 9).value or "") and "示例" in ws.cell(r, 5).value for r in range(2, ws.max_row + 1))


@pytest.fixture(scope="module")
def ledger_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("ledger")
    res = invoke("ledger", SAMPLE, "-o", out, "--period", "2020-12")
    assert res.exit_code == 0, res.stderr
    return out


def test_village_ledgers_read_back(ledger_out):
    books = sorted((ledger_out / "台账").glob("*.xlsx"))
    assert [b.name for b in books] == ["示例乙村台账.xlsx", "示例甲村台账.xlsx"]
    wb = openpyxl.load_workbook(books[0])
    assert wb.sheetnames == ["问题整改台账", "住房安全动态监测台账", "就业帮扶台账", "技能培训台账", "监测对象台账"]
    firsts = {"问题整改台账": "序号"}
    for ws in wb.worksheets:
        head = sheet_table(ws, firsts.get(ws.title, "户编号"))[0]
        assert ws.freeze_panes == f"A{head + 1}" and ws.auto_filter.ref.startswith(f"A{head}:")
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == f"${head}:${head}"
    ws = wb["问题整改台账"]
    dv = [d for d in ws.data_validations.dataValidation if "未启动" in (d.formula1 or "")]
    assert dv and "I3:" in str(dv[0].sqref)
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert any("$H3<$M$1" in f for r in rules for f in r.formula)  # 逾期标红
    mon = wb["监测对象台账"]
    head, cols, _ = sheet_table(mon, "户编号")
    letter = openpyxl.utils.get_column_letter(cols.index("收入是否达标") + 1)
    assert any(f"${letter}{head + 1}=\"否\"" in f for rng in mon.conditional_formatting for r in rng.rules
               for f in r.formula)  # 收入未达标标红
    _, cols, rows = sheet_table(wb["就业帮扶台账"], "户编号")
    ids = [r[cols.index("证件号码")] for r in rows]
    assert ids and all("********" in x for x in ids)


def test_county_summary(ledger_out):
    """收入与两不愁三保障分开判断，每个“否”写明原因；低于监测线与人均纯收入、倍数一致；各村统计与逐户口径相同。"""
    wb = openpyxl.load_workbook(ledger_out / "全县汇总.xlsx")
    _, cols, rows = sheet_table(wb["户收入核算"], "户编号")
    assert len(rows) == 60
    c = {name: cols.index(name) for name in cols}
    for r in rows:
        assert abs(r[c["人均纯收入"]] - r[c["纯收入"]] / r[c["家庭人口数"]]) < 0.01
        assert (r[c["收入是否达标"]] == "是") == (r[c["人均纯收入"]] >= r[c["贫困线"]])
        assert (r[c["是否低于监测线"]] == "是") == (r[c["人均纯收入"]] < 1.5 * r[c["贫困线"]])
        assert r[c["收入是否达标"]] == "是" or r[c["收入未达标原因"]]
        assert r[c["两不愁三保障是否达标"]] == "是" or r[c["未达标项及原因"]]
        assert (r[c["是否达到退出标准"]] == "是") == (r[c["收入是否达标"]] == r[c["两不愁三保障是否达标"]] == "是")
    legend = [row[0] for row in wb["户收入核算"].iter_rows(max_row=10, values_only=True) if row[0]]
    assert any("1.5 倍" in t and "6000" in t for t in legend) and any("4000" in t for t in legend)
    _, vcols, vrows = sheet_table(wb["各村统计"], "村")
    assert len(wb["各村统计"]._charts) == 2
    for v in vrows:
        mine = [r for r in rows if r[c["村"]] == v[0]]
        assert v[vcols.index("户数")] == len(mine)
        assert v[vcols.index("达到退出标准户数")] == sum(r[c["是否达到退出标准"]] == "是" for r in mine)
        assert v[vcols.index("低于监测线户数")] == sum(r[c["是否低于监测线"]] == "是" for r in mine)


def test_household_documents_internal_full_public_masked(ledger_out):
    hhs = staged_households([SAMPLE / "户籍导出.xlsx"])
    h = hhs[0]
    card = next((ledger_out / "户档" / h.village).glob(f"{h.hh_id}-*-户情卡.docx"))
    xml = zipfile.ZipFile(card).read("word/document.xml").decode()
    assert h.head.id_number in xml  # 内部户档：完整号码
    pdf = next((ledger_out / "户档" / h.village).glob(f"{h.hh_id}-*-收入核算表.pdf"))
    import pymupdf

    assert h.head.id_number in pymupdf.open(pdf)[0].get_text()
    gs = next((ledger_out / "公示").glob("*.pdf"))
    text = "".join(p.get_text() for p in pymupdf.open(gs))
    gx = zipfile.ZipFile(next((ledger_out / "公示").glob("*.docx"))).read("word/document.xml").decode()
    for hh in hhs:
        for m in hh.members:
            assert m.id_number not in text and m.id_number not in gx  # 公示：一律打码
    assert "********" in text or "（无）" in gx


def test_ledger_refuses_bad_data_and_writes_nothing(export, tmp_path):
    edit(export, M, 2, "劳动技能", "强劳动力")
    out = tmp_path / "out"
    res = invoke("ledger", export, "-o", out, "--docs", "none")
    assert res.exit_code == 2 and "户籍导出.xlsx:贫困户成员信息:2:劳动技能" in res.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_config_poverty_line_and_mask(export, tmp_path):
    cfg = tmp_path / "docgen.yml"
    cfg.write_text("贫困线: {2020: 100000}\n身份证打码: {前: 3, 后: 2}\n", encoding="utf-8")
    out = tmp_path / "o"
    res = invoke("ledger", export, "-o", out, "--docs", "none", "--config", cfg)
    assert res.exit_code == 0, res.stderr
    _, cols, rows = sheet_table(openpyxl.load_workbook(out / "全县汇总.xlsx")["户收入核算"], "户编号")
    assert rows and all(r[cols.index("贫困线")] == 100000 and r[cols.index("收入是否达标")] == "否" for r in rows)
    ids = []
    for b in (out / "台账").glob("*.xlsx"):
        _, cols, rows = sheet_table(openpyxl.load_workbook(b)["技能培训台账"], "户编号")
        ids += [r[cols.index("证件号码")] for r in rows]
    assert ids and all(x[3:-2] == "*" * 13 for x in ids)
    cfg.write_text("贫困线: {2020: -1}\n", encoding="utf-8")
    res = invoke("ledger", export, "-o", out, "--docs", "none", "--config", cfg)
    assert res.exit_code == 2 and "docgen.yml:1:2020" in res.stderr


def test_helpers_problems_visits_from_yaml(export, tmp_path):
    y = tmp_path / "帮扶.yaml"
    hh = staged_households([export])[0].hh_id
    y.write_text(f"""帮扶责任人:
  - {{帮扶责任人: 示例干部, 单位名称: 区住建局, 帮扶户编号: "{hh}"}}
走访记录:
  - {{走访日期: 2020-05-06, 走访人: 示例干部, 户编号: "{hh}", 了解情况: 家中无困难}}
  - {{走访日期: 2020-13-06, 走访人: 示例干部, 户编号: "{hh}"}}
  - {{走访日期: 2020-06-01, 走访人: 示例干部, 户编号: "6102029999999999"}}
问题:
  - {{问题描述: 档案不全, 状态: 整改完毕}}
""", encoding="utf-8")
    found = {(i.code, str(i.location)) for i in check_issues([export, y])}
    assert ("DATE001", "帮扶.yaml:5:走访日期") in found
    assert ("REF001", "帮扶.yaml:6:户编号") in found
    assert ("ENUM001", "帮扶.yaml:8:状态") in found
    from docgen.households.stage import staged

    y.write_text(y.read_text(encoding="utf-8").split("  - {走访日期: 2020-13")[0], encoding="utf-8")
    with staged([export, y], period=(2020, 12)) as stg:
        assert stg.context.helpers[0].households == (hh,)


@pytest.mark.parametrize("template, header", [("household_card.docx", "姓名"), ("household_income.docx", "金额（元）")])
def test_household_docx_repeats_list_headers_and_keeps_rows_whole(template, header):
    """逐条重复的表（成员、收支项目）：表头行在续页重复，行不跨页——长表在 Word 里打印也看得懂。"""
    from lxml import etree

    from docgen.households.docs import household_context
    from docgen.render.fastdocx import CompiledDocx

    ctx = household_context(staged_assessments([ROOT / "samples" / "households" / "户籍导出.xlsx"])[0], Settings())
    data = CompiledDocx(ROOT / "templates" / "docx" / template).render(ctx)
    doc = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    w = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    row = next(tr for tr in doc.iterfind(".//w:tr", w) if header in "".join(tr.itertext()))
    assert row.find("w:trPr/w:tblHeader", w) is not None
    body_rows = row.getparent().findall("w:tr", w)[1:]
    assert body_rows and all(r.find("w:trPr/w:cantSplit", w) is not None for r in body_rows)
