"""真实版式的导出表照用户手里的样子读（表头不在第 1 行、两行合并表头、别名、GBK CSV、锁定文件、两个月的导出、
读不了的格式），什么都不悄悄丢掉；义务教育按政策原文判断；基准日期只有一个；ledger 与 batch 是同一条流水线。

真实版式的文件由 scripts/make_real_exports.py 生成（答案写在 answers.json 里）。"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT, check_issues, staged_assessments

from docgen.cli import cli
from docgen.errors import InputError
from docgen.households.model import Member
from docgen.households.sample import generate
from docgen.rules import education, gb11643

sys.path.insert(0, str(ROOT / "scripts"))
import make_real_exports  # noqa: E402

SEED, N = 3, 12


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("real")
    answers = make_real_exports.build(out, households=N, seed=SEED)
    return out, answers


@pytest.fixture(scope="module")
def flat(tmp_path_factory) -> Path:
    """同一份数据的“干净”版式（表头在第 1 行、标准列名），用来对照读出的结果。"""
    out = tmp_path_factory.mktemp("flat")
    generate(N, SEED, out, extras=False)  # 与 make_real_exports 同一份数据（不加纳入年度、帮扶措施）
    return out


# ------------------------------------------------------------------ 真实版式


def test_title_rows_two_row_header_and_aliases_read_as_the_flat_export(real, flat):
    out, answers = real
    res = invoke("check", "--format", "json", out / "户籍导出-2020-12.xlsx")
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    info = answers["files"]["户籍导出-2020-12.xlsx"]
    got = {s["sheet"]: s for s in report["sheets"]}
    for sheet, want in info["sheets"].items():
        rows = want["header_rows"]
        assert got[sheet]["header_rows"] == [rows[0], rows[-1]], sheet
        assert got[sheet]["data_rows"] == want["data_rows"]
    assert got["填表说明"]["kind"] is None  # 认不出的工作表：说明未读，不悄悄丢掉
    assert [i["code"] for i in report["issues"]] == ["SHEET001"] and report["issues"][0]["sheet"] == "填表说明"
    assert (report["households"], report["members"]) == (answers["households"], answers["members"])
    assert report["reference_date"] == "2020-12-31"  # 取自标题“截至2020年12月”
    # 两行表头合成的列名（两个“其他”按分组区分）、别名、每个值都与干净版式读出的一样
    a = staged_assessments([out / "户籍导出-2020-12.xlsx"])
    b = staged_assessments([flat / "户籍导出.xlsx"])
    assert [x.household for x in a] == [x.household for x in b]
    items = {i.name for x in a for inc in x.household.incomes for i in inc.items}
    assert {"其他财产性收入", "其他转移性收入"} <= items and not any("其他" == n or "-" in n for n in items)


def test_text_summary_names_the_header_rows(real):
    out, _ = real
    res = invoke("check", out / "户籍导出-2020-12.xlsx")
    assert "贫困户成员信息：第 3 行为表头，读作成员信息表" in res.output
    assert "贫困户家庭收入：第 2–3 行（两行表头）为表头，读作家庭收入表" in res.output


def test_gbk_csv_with_a_title_line(real, flat):
    out, answers = real
    res = invoke("check", "--format", "json", "--period", "2020-12", out / "成员信息-GBK.csv")
    assert res.exit_code == 0, res.output
    sheet = json.loads(res.output)["sheets"][0]
    assert sheet["header_rows"] == [2, 2] and sheet["data_rows"] == answers["files"]["成员信息-GBK.csv"]["data_rows"]
    members = [m for x in staged_assessments([out / "成员信息-GBK.csv"]) for m in x.household.members]
    flat_members = [m for x in staged_assessments([flat / "户籍导出.xlsx"]) for m in x.household.members]
    assert members == flat_members


def test_folder_as_users_keep_it(real, tmp_path):
    out, answers = real
    folder = out / "文件夹"
    res = invoke("check", folder)
    assert res.exit_code == 0, res.output
    for skip in answers["folders"]["文件夹"]["skip"]:
        assert f"跳过 {skip['file']}" in res.output  # 锁定文件、隐藏与系统文件：跳过并说明
    assert "共 12 户" in res.output
    # batch --data 同一个文件夹：读同样的文件，说明同样的跳过
    b = invoke("batch", "--data", folder, "--period", "2020-12", "-o", tmp_path / "b", "--docs", "docx", "-j", "1")
    assert b.exit_code == 0, b.stderr
    assert all(f"跳过 {s['file']}" in b.stderr for s in answers["folders"]["文件夹"]["skip"])


def test_two_months_in_one_folder(real):
    out, _ = real
    both = out / "两个月"
    res = invoke("check", both)
    assert res.exit_code == 2
    assert "户籍导出-2020-11.xlsx（2020年11月）" in res.stderr and "户籍导出-2020-12.xlsx（2020年12月）" in res.stderr
    assert "--period" in res.stderr
    res = invoke("check", "--format", "json", "--period", "2020-11", both)
    assert res.exit_code == 0
    report = json.loads(res.output)
    assert report["files"] == ["户籍导出-2020-11.xlsx"] and report["reference_date"] == "2020-11-30"
    assert any("跳过 户籍导出-2020-12.xlsx" in n for n in report["notes"])
    assert invoke("check", "--period", "2020-10", both).exit_code == 2


@pytest.mark.parametrize("name, says", [("旧版导出.xls", "另存为"), ("导出.ods", "另存为"), ("加密导出.xlsx", "清空密码"),
                                        ("损坏.xlsx", "重新保存")])
def test_unreadable_workbooks_say_what_to_do(real, tmp_path, name, says):
    out, _ = real
    f = out / "拒收" / name
    for args in (("check", f), ("ledger", f, "-o", tmp_path / "o"),
                 ("batch", "--data", out / "拒收", "--period", "2020-12", "-o", tmp_path / "b")):
        res = invoke(*args)
        assert res.exit_code == 2, res.output
        assert says in res.stderr and "Error" not in res.stderr and "Exception" not in res.stderr
        assert not (tmp_path / "o").exists() and not (tmp_path / "b").exists()
    renamed = tmp_path / "导出.xlsx"  # 扩展名改成 .xlsx 也认得出来
    renamed.write_bytes(f.read_bytes())
    res = invoke("check", renamed)
    assert res.exit_code == 2 and says in res.stderr


# ------------------------------------------------------------------ 不悄悄丢掉


def _workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for m in (merges or {}).get(name, []):
            ws.merge_cells(m)
    wb.save(path)
    return path


def _flat_sheets(flat: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(flat / "户籍导出.xlsx")
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _codes(issues) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in issues:
        out.setdefault(i.code, []).append(str(i.location))
    return out


def test_unknown_income_column_is_an_error_until_mapped(flat, tmp_path):
    sheets = _flat_sheets(flat)
    inc = sheets["贫困户家庭收入"]
    inc[0].append("务工补贴")
    for r in inc[1:]:
        r.append(500)
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets)
    found = _codes(check_issues([p]))
    assert found["INC002"] == ["户籍导出.xlsx:贫困户家庭收入:1:务工补贴"]  # 不能悄悄漏算
    res = invoke("ledger", p, "-o", tmp_path / "o", "--docs", "none")
    assert res.exit_code == 2 and "列名映射" in res.stderr and not (tmp_path / "o").exists()
    cfg = tmp_path / "docgen.yml"
    from docgen.settings import load_settings

    # 映射成工资性收入的子项：表里已有“工资性收入”合计，两者都计入就重复了——报错而不是悄悄多算
    cfg.write_text("列名映射:\n  家庭收入: {务工补贴: 其他工资性收入}\n", encoding="utf-8")
    assert _codes(check_issues([p], settings=load_settings(cfg)))["INC003"] == ["户籍导出.xlsx:贫困户家庭收入:1:工资性收入"]
    cfg.write_text("列名映射:\n  家庭收入: {务工补贴: 临时救助}\n", encoding="utf-8")  # 一次性的补助：不计入
    settings = load_settings(cfg)
    assert check_issues([p], settings=settings) == []
    a = staged_assessments([p], settings=settings)[0]
    base = staged_assessments([flat / "户籍导出.xlsx"])[0]
    assert a.income.net == base.income.net and ("临时救助", 500) in a.income.excluded
    cfg.write_text("列名映射:\n  家庭收入: {务工补贴: 忽略}\n", encoding="utf-8")
    assert check_issues([p], settings=load_settings(cfg)) == []  # 写明“忽略”：有意不读


def test_duplicate_and_ambiguous_columns_never_overwrite(flat, tmp_path):
    sheets = _flat_sheets(flat)
    mem = sheets["贫困户成员信息"]
    col = mem[0].index("证件号码")
    mem[0].append("身份证号")  # 与“证件号码”读作同一列
    mem[0].append("姓名")  # 同名的列
    for r in mem[1:]:
        r += [r[col], "别人"]
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets)
    issues = [i for i in check_issues([p]) if i.code == "COL002"]
    assert len(issues) == 2 and all(i.severity == "error" for i in issues)
    fields = {i.location.field for i in issues}
    assert fields == {"身份证号", "姓名"} and all(i.location.row == 1 for i in issues)
    assert any("证件号码" in i.message for i in issues)


def test_unused_columns_unheaded_data_and_merged_headers_are_located(flat, tmp_path):
    sheets = _flat_sheets(flat)
    mem = sheets["贫困户成员信息"]
    width = len(mem[0])
    mem[0].append("开户银行")
    mem[1] += ["示例银行", None, "谁写的"]  # 没有表头的列里有数据
    house = sheets["贫困户住房饮水"]
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets, {"贫困户住房饮水": ["C1:C3"]})  # 表头格与数据合并
    found = _codes(check_issues([p]))
    from docgen.households.load import col_letter

    assert found["COL001"] == ["户籍导出.xlsx:贫困户成员信息:1:开户银行"]
    assert found["COL005"] == [f"户籍导出.xlsx:贫困户成员信息:2:{col_letter(width + 3)} 列"]
    assert found["COL003"] == [f"户籍导出.xlsx:贫困户住房饮水:1:{house[0][2]}"]


def test_vertically_merged_household_cells_are_filled(flat, tmp_path):
    """县里改过的表常把一户几行的户编号、户主等合并成一格：按用户看到的样子补到每一行。"""
    sheets = _flat_sheets(flat)
    mem = sheets["贫困户成员信息"]
    c = mem[0].index("户编号")
    merges, start = [], 1
    for i in range(2, len(mem) + 1):
        if i == len(mem) or mem[i][c] != mem[start][c]:
            if i - start > 1:
                merges.append(f"{openpyxl.utils.get_column_letter(c + 1)}{start + 1}:"
                              f"{openpyxl.utils.get_column_letter(c + 1)}{i}")
                for r in mem[start + 1:i]:
                    r[c] = None
            start = i
    assert merges
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets, {"贫困户成员信息": merges})
    assert check_issues([p]) == []
    assert [x.household for x in staged_assessments([p])] == [x.household for x in staged_assessments([flat / "户籍导出.xlsx"])]


def test_unknown_settings_keys_are_located(tmp_path):
    from docgen.errors import ConfigError
    from docgen.settings import load_settings

    cfg = tmp_path / "docgen.yml"
    cfg.write_text("贫困线: {2020: 4000}\n监测线倍速: 1.5\n公示:\n  单位: 某村\n  期限: 7\n列名映射:\n  家庭收入: {务工: 神秘列}\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg)
    where = {str(i.location) for i in exc.value.issues}
    assert {"docgen.yml:2:监测线倍速", "docgen.yml:5:期限", "docgen.yml:7:务工"} <= where
    cfg.write_text("公示: {单位: \"{村}{0}\"}\n", encoding="utf-8")  # 只能用 {村} {乡镇} {县}，不当格式串解释
    with pytest.raises(ConfigError):
        load_settings(cfg)


# ------------------------------------------------------------------ 规则：GB 11643、义务教育


def test_gb11643_is_one_module_used_everywhere():
    assert gb11643.checksum_ok("11010519491231002X") and not gb11643.checksum_ok("110105194912310021")
    assert gb11643.sex("610202196503120018") == "男" and gb11643.birth_date("610202196503120018") == dt.date(1965, 3, 12)
    assert gb11643.mask("610202196503120018") == "610202********0018"
    _, _, problems = gb11643.check("610202203003120012", dt.date(2020, 12, 31))  # 出生在基准日期之后
    assert [p.code for p in problems] == ["ID002"] or "ID001" in {p.code for p in problems}
    import docgen.households.compute as compute
    import docgen.households.validate as validate
    import docgen.lint.rules as lint_rules

    assert lint_rules.checksum_ok is gb11643.checksum_ok and validate.gb11643 is gb11643
    assert compute.mask_phone is gb11643.mask_phone


REF = dt.date(2020, 12, 31)


def _member(age_years: int, schooling: str = "", education_: str = "", reason: str = "", health: str = "健康") -> Member:
    birth = dt.date(REF.year - age_years, 6, 1)
    return Member(name="甲", sex="男", id_number="", birth=birth, relation="之子", schooling=schooling,
                  education=education_, not_in_school_reason=reason, health=health)


@pytest.mark.parametrize("member, flagged", [
    # 政策原文（domain.md §2）：6–15 岁（或读小学至九年级）的成员在校，或因身体原因（含送教上门）未上学，都有保障
    (_member(10, schooling="小学"), False),
    (_member(15, schooling="高中一年级"), False),  # 15 岁读高中：正常
    (_member(15, education_="初中"), False),  # 15 岁已读完九年级：正常
    (_member(14, schooling="中职一年级"), False),
    (_member(12, schooling="非在校生", reason="残疾"), False),
    (_member(9, schooling="非在校生", reason="送教上门"), False),
    (_member(11, schooling="非在校生", health="患有大病"), False),
    (_member(5, schooling="学前教育"), False),  # 不到 6 岁
    (_member(16), False),  # 超过 15 岁
    (_member(17, schooling="八年级"), False),  # 超龄仍在读义务教育：在校
    (_member(12, schooling="非在校生"), True),  # 辍学
    (_member(8, education_="小学"), True),  # 8 岁“文化程度 小学”而不在校：辍学
    (_member(13, schooling="非在校生", reason="外出务工"), True),  # 不是身体原因
    (_member(6), True),  # 6 岁，什么都没填
])
def test_compulsory_education_follows_the_policy(member, flagged):
    assert (education.gap(member, REF) is not None) == flagged


def test_compulsory_education_ages_are_configurable(tmp_path):
    m = _member(16, schooling="非在校生")
    assert education.gap(m, REF) is None and education.gap(m, REF, (6, 16)) is not None
    from docgen.settings import load_settings

    cfg = tmp_path / "docgen.yml"
    cfg.write_text("义务教育: {年龄: [7, 16]}\n", encoding="utf-8")
    assert load_settings(cfg).school_ages == (7, 16)


# ------------------------------------------------------------------ 一个基准日期、一条流水线


def test_reference_date_comes_from_the_period_not_the_clock(flat):
    dec = staged_assessments([flat], period=(2020, 12))
    jun = staged_assessments([flat], period=(2021, 6))
    assert {a.reference for a in dec} == {dt.date(2020, 12, 31)} and {a.reference for a in jun} == {dt.date(2021, 6, 30)}
    ages = [(m.age_on(dt.date(2020, 12, 31)), m.age_on(dt.date(2021, 6, 30))) for a in dec for m in a.household.members]
    assert any(x != y for x, y in ages)  # 年龄按基准日期算
    from docgen.settings import Settings

    fixed = staged_assessments([flat], period=(2021, 6), settings=Settings(reference_date=dt.date(2020, 12, 31)))
    assert {a.reference for a in fixed} == {dt.date(2020, 12, 31)}
    from docgen.households.compute import income_year

    h = dec[0].household  # 核算基准日期所在年及以前最近的一年
    assert income_year(h, dt.date(2020, 12, 31)).year == 2020 and income_year(h, dt.date(2019, 12, 31)).year == 2019


def _tree(root: Path, skip=("批处理报告.json", ".docgen-state.sqlite", ".docgen-cache")) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] not in skip}


def test_ledger_and_batch_give_identical_outputs(flat, tmp_path):
    led, bat = tmp_path / "ledger", tmp_path / "batch"
    res = invoke("ledger", flat, "--period", "2020-12", "-o", led)
    assert res.exit_code == 0, res.stderr
    res = invoke("batch", "--data", flat, "--period", "2020-12", "-o", bat, "-j", "1")
    assert res.exit_code == 0, res.stderr
    a, b = _tree(led), _tree(bat)
    assert a == b
    kinds = {k.split("/")[0] for k in a}
    assert kinds == {"台账", "户档", "公示", "全县汇总.xlsx"}
    assert any(k.startswith("公示/全县") for k in a) and len([k for k in a if k.startswith("公示/")]) == 2 * 3
    assert not list(led.glob(".docgen-*"))  # ledger 是一次性运行：不留批处理的状态


def test_same_name_villages_never_overwrite_each_other_in_ledger(tmp_path):
    d = tmp_path / "data"
    generate(10, 4, d)
    (d / "村.yaml").write_text((d / "村.yaml").read_text(encoding="utf-8").replace("示例乙村", "示例甲村"), encoding="utf-8")
    wb = openpyxl.load_workbook(d / "户籍导出.xlsx")
    for row in wb["贫困户成员信息"].iter_rows(min_row=2):
        if row[4].value == "示例乙村":
            row[4].value = "示例甲村"
    wb.save(d / "户籍导出.xlsx")
    out = tmp_path / "out"
    res = invoke("ledger", d, "--period", "2020-12", "-o", out, "--docs", "docx")
    assert res.exit_code == 0, res.stderr
    cards = list((out / "户档").rglob("*-户情卡.docx"))
    assert len(cards) == 10 and len({c.parent.name for c in cards}) == 2
    assert sorted(p.name for p in (out / "台账").iterdir()) == ["示例甲村-610202006201台账.xlsx", "示例甲村-610202100201台账.xlsx"]
    assert len(list((out / "公示").glob("示例甲村-*.docx"))) == 2


def test_gongshi_masks_ids_as_configured(flat, tmp_path):
    cfg = tmp_path / "docgen.yml"
    cfg.write_text("身份证打码: {前: 4, 后: 2}\n公示: {单位: \"{村}村民委员会\", 开始日期: 2020-12-25, 天数: 10}\n",
                   encoding="utf-8")
    out = tmp_path / "o"
    res = invoke("ledger", flat, "--period", "2020-12", "-o", out, "--docs", "docx", "--config", cfg)
    assert res.exit_code == 0, res.stderr
    doc = next((out / "公示").glob("全县*.docx"))
    xml = zipfile.ZipFile(doc).read("word/document.xml").decode()
    for a in staged_assessments([flat]):
        for m in a.household.members:
            assert m.id_number not in xml
    assert "2020年12月25日" in xml and "2021年1月3日" in xml


# ------------------------------------------------------------------ 评审找到的真实表格的写法


def _rows_of(flat: Path, sheet: str) -> list[list]:
    return _flat_sheets(flat)[sheet]


def test_duplicate_housing_rows_and_undated_visits_are_errors(flat, tmp_path):
    sheets = _flat_sheets(flat)
    house = sheets["贫困户住房饮水"]
    house.append(list(house[1]))  # 同一户第二行住房数据
    hh = sheets["贫困户成员信息"][1][sheets["贫困户成员信息"][0].index("户编号")]
    sheets["走访"] = [["走访日期", "走访人", "户编号", "了解情况"], [None, "示例干部", hh, "家中无困难"]]
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets)
    found = _codes(check_issues([p]))
    assert found["HH006"] == [f"户籍导出.xlsx:贫困户住房饮水:{len(house)}:户编号"]
    assert "户籍导出.xlsx:走访:2:走访日期" in found["REQ001"]


def test_group_total_and_its_items_together_are_an_error(flat, tmp_path):
    sheets = _flat_sheets(flat)
    inc = sheets["贫困户家庭收入"]
    inc[0].append("转移性收入")  # 合计与子项（低保金……）同时出现：会重复计算
    for r in inc[1:]:
        r.append(3000)
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets)
    issues = [i for i in check_issues([p]) if i.code == "INC003"]
    assert len(issues) == 1 and issues[0].location.field == "转移性收入" and "低保金" in issues[0].message


def test_two_row_header_with_an_unknown_sub_column_and_its_mapping(flat, tmp_path):
    """收入表两行表头，“工资性收入”下有认不出的子列：仍认作两行表头，报出可以照抄进列名映射的写法。"""
    sheets = _flat_sheets(flat)
    inc = sheets["贫困户家庭收入"]
    head = inc[0]
    w = head.index("工资性收入")
    top = [None if i == w + 1 else h for i, h in enumerate(head[:w + 1])] + [None] + head[w + 1:]
    top[w] = "工资性收入"
    sub = [None] * len(top)
    sub[w], sub[w + 1] = "务工收入", "其他"
    rows = [top, sub] + [r[:w + 1] + [100] + r[w + 1:] for r in inc[1:]]
    sheets["贫困户家庭收入"] = rows
    merges = [f"{openpyxl.utils.get_column_letter(c + 1)}1:{openpyxl.utils.get_column_letter(c + 1)}2"
              for c in range(len(top)) if c not in (w, w + 1)]
    merges.append(f"{openpyxl.utils.get_column_letter(w + 1)}1:{openpyxl.utils.get_column_letter(w + 2)}1")
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets, {"贫困户家庭收入": merges})
    res = invoke("check", "--format", "json", p)
    report = json.loads(res.output)
    income = next(s for s in report["sheets"] if s["sheet"] == "贫困户家庭收入")
    assert income["header_rows"] == [1, 2]
    codes = {(i["code"], i["field"]) for i in report["issues"]}
    assert [c for c in codes if c[0].startswith(("INC", "COL", "REF"))] == [("INC002", "工资性收入/务工收入")]
    # “其他”在“工资性收入”下读作其他工资性收入
    cfg = tmp_path / "docgen.yml"  # 报出的写法原样写进列名映射就行
    cfg.write_text("列名映射:\n  家庭收入: {工资性收入/务工收入: 临时救助}\n", encoding="utf-8")
    from docgen.settings import load_settings

    left = [i for i in check_issues([p], settings=load_settings(cfg)) if i.code.startswith(("INC", "COL"))]
    assert left == [], left


def test_table_mapping_also_helps_recognise_the_sheet(flat, tmp_path):
    sheets = _flat_sheets(flat)
    inc = sheets["贫困户家庭收入"]
    inc[0][inc[0].index("生产经营性收入")] = "家庭经营收入"
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets)
    assert "SHEET001" in _codes(check_issues([p], (2020, 12)))
    cfg = tmp_path / "docgen.yml"
    cfg.write_text("列名映射:\n  家庭收入: {家庭经营收入: 生产经营性收入}\n", encoding="utf-8")
    from docgen.settings import load_settings

    assert check_issues([p], (2020, 12), settings=load_settings(cfg)) == []


def test_column_number_rows_and_total_rows_are_not_data(flat, tmp_path):
    sheets = _flat_sheets(flat)
    mem = sheets["贫困户成员信息"]
    mem.insert(1, list(range(1, len(mem[0]) + 1)))  # 栏次：1、2、3……
    mem.append(["合计"] + [None] * (len(mem[0]) - 1))
    p = _workbook(tmp_path / "户籍导出.xlsx", sheets)
    issues = check_issues([p])
    assert [(i.code, i.location.row) for i in issues] == [("COL006", 2), ("COL006", len(mem))]
    assert [x.household for x in staged_assessments([p])] == [x.household for x in staged_assessments([flat])]


def test_export_date_in_a_file_name_is_not_a_month_and_orphan_rows_are_errors(flat, tmp_path):
    """“成员信息2021-01-05.xlsx”里的是导出日期，不是月份；只有收入表没有成员表时那些行对不到户，是错误。"""
    from docgen.households.load import export_period

    d = tmp_path / "d"
    d.mkdir()
    sheets = _flat_sheets(flat)
    _workbook(d / "成员信息2021-01-05.xlsx", {"贫困户成员信息": sheets["贫困户成员信息"]})
    _workbook(d / "家庭收入2020-12.xlsx", {"贫困户家庭收入": sheets["贫困户家庭收入"]})
    assert export_period(d / "成员信息2021-01-05.xlsx") is None
    res = invoke("check", "--format", "json", d)
    assert res.exit_code == 0 and json.loads(res.output)["households"] == N
    only = tmp_path / "only"
    only.mkdir()
    _workbook(only / "家庭收入.xlsx", {"贫困户家庭收入": sheets["贫困户家庭收入"]})
    res = invoke("check", "--period", "2020-12", only)
    assert res.exit_code == 2 and "REQ002" in res.output


def test_odd_files_get_chinese_messages(tmp_path, flat):
    d = tmp_path / "d"
    d.mkdir()
    rows = _flat_sheets(flat)["贫困户成员信息"]
    (d / "成员.txt").write_text("x", encoding="utf-8")
    with (d / "成员-Unicode.csv").open("w", encoding="utf-16", newline="") as fh:  # Excel 的“Unicode 文本”
        import csv as _csv

        _csv.writer(fh, dialect="excel-tab").writerows([["" if v is None else v for v in r] for r in rows])
    _workbook(d / "工作安排.xlsx", {"安排": [["事项", "时间"], ["入户", "12月"]]})  # 文件夹里顺带的无关工作簿
    res = invoke("check", "--format", "json", "--period", "2020-12", d)
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["members"] == len(rows) - 1
    assert {i["code"] for i in report["issues"]} == {"SHEET001", "SHEET002"}
    empty = tmp_path / "empty"
    empty.mkdir()
    res = invoke("check", empty)
    assert res.exit_code == 2 and "没有数据文件" in res.stderr
    long = tmp_path / "长.csv"
    long.write_text("证件号码,与户主关系\n" + "x" * 200000 + ",户主\n", encoding="utf-8")
    res = invoke("check", "--period", "2020-12", long)
    assert res.exit_code == 2 and "Error" not in res.stderr and "格式不对" in res.stderr


def test_1904_date_system(tmp_path):
    from docgen.load.xlsxfast import FastWorkbook

    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["走访日期"])
    ws.append([dt.datetime(2020, 5, 6)])
    ws["A2"].number_format = "yyyy-mm-dd"
    wb.save(tmp_path / "a.xlsx")
    fw = FastWorkbook(tmp_path / "a.xlsx")
    rows = list(fw.rows(fw.sheets[0][1]))
    fw.close()
    assert rows[1][1][0] == dt.datetime(2020, 5, 6)


def test_mapping_keys_that_match_nothing_are_reported(flat, tmp_path):
    from docgen.settings import load_settings

    cfg = tmp_path / "docgen.yml"
    cfg.write_text("列名映射:\n  收入表: {务工收入: 工资性收入}\n  贫困户家庭收入: {劳务收入: 工资性收入}\n", encoding="utf-8")
    found = _codes(check_issues([flat / "户籍导出.xlsx"], settings=load_settings(cfg)))
    assert found["CFG002"] == ["docgen.yml:列名映射.收入表"]  # 工作表名“贫困户家庭收入”是对的，不报


def test_villages_checked_in_parallel_give_the_same_result(tmp_path):
    """各村的校验与核算分给几个进程时，问题（及其先后）、户数、核算结果与逐村串行时完全相同；有埋错的数据也一样。"""
    from docgen.households.load import collect_files
    from docgen.households.sample import generate
    from docgen.households.stage import Staging, check_data
    from docgen.settings import Settings

    generate(1500, 7, tmp_path / "clean")
    generate(1500, 8, tmp_path / "bad", error_rate=0.02)
    for name in ("clean", "bad"):
        data = collect_files([tmp_path / name], (2020, 12))
        one = check_data(data, Settings(), (2020, 12), workers=1)
        two = check_data(data, Settings(), (2020, 12), workers=2)
        assert [i.model_dump() if hasattr(i, "model_dump") else repr(i) for i in one.issues] == \
               [i.model_dump() if hasattr(i, "model_dump") else repr(i) for i in two.issues]
        assert (one.households, one.members) == (two.households, two.members)
        assert one.households > 1000
        assert bool(one.errors) == (name == "bad")
    data = collect_files([tmp_path / "clean"], (2020, 12))
    a = Staging.open_or_build(data, Settings(), tmp_path / "s1", "t", (2020, 12), workers=1)
    b = Staging.open_or_build(data, Settings(), tmp_path / "s2", "t", (2020, 12), workers=2)
    try:
        assert len(a.codes()) > 4 and a.codes() == b.codes()
        assert list(a.households()) == list(b.households())
        for code in a.codes():
            assert a.assessments(code) == b.assessments(code)
    finally:
        a.close()
        b.close()


def test_sheets_read_in_parallel_give_the_same_staging(real, flat, tmp_path, monkeypatch):
    """按户的各张表分给工作进程去读时（数据大时才这样），读出的行、问题及其先后（表头一级与行一级交错）、各表的小结、
    村摘要与逐张在主进程里读完全相同——用真实版式的导出表（标题行、两行表头、别名、GBK CSV）与带行一级问题的表试。"""
    import sqlite3

    from docgen.households import stage
    from docgen.households.load import collect_files
    from docgen.settings import Settings

    out, _ = real
    sheets = _flat_sheets(flat)
    mem = sheets["贫困户成员信息"]
    mem.insert(1, list(range(1, len(mem[0]) + 1)))  # 栏次（行一级的问题）
    mem[3] += [None, None, "没有表头的数据"]  # 没有表头却有数据的列（读完才报）
    sheets["贫困户住房饮水"].append(["合计"] + [None] * (len(sheets["贫困户住房饮水"][0]) - 1))
    (tmp_path / "在").mkdir()
    extra = _workbook(tmp_path / "在" / "户籍导出.xlsx", sheets, {"贫困户家庭收入": ["A8:C8"]})  # 数据区跨列合并
    wb = openpyxl.load_workbook(extra)  # 表尾几行只有边框没有值（Excel 里常见）：小结里的行数两种读法要一样
    ws = wb["贫困户成员信息"]
    for r in range(ws.max_row + 1, ws.max_row + 6):
        ws.cell(r, 1).border = openpyxl.styles.Border(left=openpyxl.styles.Side(style="thin"))
    wb.save(extra)
    cases = [[out / "户籍导出-2020-12.xlsx"], [extra], [flat / "户籍导出.xlsx", flat / "村.yaml"]]
    csv = sorted(out.rglob("*.csv"))
    assert csv
    lines = csv[0].read_bytes().split(b"\n")
    (tmp_path / "空行").mkdir()
    blank = tmp_path / "空行" / csv[0].name  # 中间与末尾有空行的 CSV
    blank.write_bytes(b"\n".join(lines[:8] + [b""] + lines[8:] + [b"", b""]))
    cases += [[csv[0]], [blank]]

    def build(files, workers, threshold, folder):
        monkeypatch.setattr(stage, "PARALLEL_READ_BYTES", threshold)
        data = collect_files(files, (2020, 12))
        checked = stage.check_data(data, Settings(), (2020, 12), workers=workers)
        try:
            stg = stage.Staging.open_or_build(data, Settings(), folder, "t", (2020, 12), workers=workers)
        except stage.DataError:
            return checked, None
        try:
            db = sqlite3.connect(stg.path)
            villages = db.execute("SELECT code, digest, households, members FROM villages ORDER BY code").fetchall()
            return checked, (villages, list(stg.households()), [stg.assessments(c) for c in stg.codes()])
        finally:
            stg.close()

    for n, files in enumerate(cases):
        one, s1 = build(files, 1, 0, tmp_path / f"a{n}")
        two, s2 = build(files, 2, 0, tmp_path / f"b{n}")
        assert [repr(i) for i in one.issues] == [repr(i) for i in two.issues]
        assert one.sheets == two.sheets and sum(s.data_rows for s in one.sheets) > 0
        assert (one.households, one.members, one.reference) == (two.households, two.members, two.reference)
        assert s1 == s2
        assert not list((tmp_path / f"b{n}").glob("*.t[0-9]*"))  # 分开读的临时库不留下
    codes = {i.code for i in build(cases[1], 2, 0, tmp_path / "c")[0].issues}
    assert {"COL004", "COL005", "COL006"} <= codes


def test_parallel_read_reports_the_first_error_and_recovers_from_a_killed_run(flat, tmp_path, monkeypatch):
    """分开读时：① 成员表中间有读不下去的格、后面的文件里也有，报的是逐张读时先碰到的那一个；② 上次被杀时留下的临时库
    （同名、里面已有表）不妨碍再运行，运行后不留下。"""
    from docgen.households import stage
    from docgen.households.load import collect_files
    from docgen.settings import Settings

    monkeypatch.setattr(stage, "PARALLEL_READ_BYTES", 0)
    sheets = _flat_sheets(flat)
    sheets["贫困户成员信息"][5][4] = "=1+1"  # 公式没有保存计算结果
    (tmp_path / "d").mkdir()
    _workbook(tmp_path / "d" / "户籍导出.xlsx", sheets)
    problems = openpyxl.load_workbook(flat / "问题.xlsx")
    problems.active.cell(2, 2).value = "=2+2"
    problems.save(tmp_path / "d" / "问题.xlsx")
    data = collect_files([tmp_path / "d"], (2020, 12))
    said = []
    for workers in (1, 2):
        with pytest.raises(InputError) as e:
            stage.check_data(data, Settings(), (2020, 12), workers=workers)
        said.append(e.value.message)
    assert said[0] == said[1] and said[0].startswith("户籍导出.xlsx:贫困户成员信息:6:")

    data = collect_files([flat], (2020, 12))
    folder = tmp_path / "cache"
    stage.Staging.open_or_build(data, Settings(), folder, "t", (2020, 12), workers=2).close()
    [built] = folder.glob("*.sqlite")
    built.unlink()
    for tbl in range(3):  # 被杀时留下的：与这次同名、里面已有 rows 表
        junk = sqlite3.connect(folder / f".{built.name}.part.t{tbl}")
        junk.executescript(stage.PART_SCHEMA)
        junk.close()
    stg = stage.Staging.open_or_build(data, Settings(), folder, "t", (2020, 12), workers=2)
    try:
        assert stg.intake.households == N
    finally:
        stg.close()
    assert sorted(p.name for p in folder.iterdir()) == [built.name]
