"""库册实证说（#18）：示例导出表 → 照着录的帮扶手册与走访记录（埋下已知的不一致，也做合理的写法差异）→ 核对：
埋下的每一处都在两边的行上找到，别的什么也不报；干净的数据一处也不报；册里的错误指到格子、不核对、不写文件。"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from docgen.crosscheck.compare import ITEMS
from docgen.crosscheck.handbook import SHEETS, read_handbooks, write_template
from docgen.crosscheck.run import run_crosscheck
from docgen.crosscheck.sample import write_handbook
from docgen.errors import InputError
from docgen.households.sample import generate


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    d = tmp_path_factory.mktemp("cc")
    generate(150, 8, d / "data", 0.0, 2020)
    answers = write_handbook(d / "data", d / "册", seed=4, rate=0.35)
    res, written = run_crosscheck([d / "data", d / "册" / "走访记录.xlsx"], [d / "册" / "帮扶手册.xlsx"], d / "out",
                                  period=(2020, 12), workers=2)
    return d, answers, res, written


def test_every_planted_disagreement_is_found_at_its_rows_and_nothing_else(planted):
    d, answers, res, _ = planted
    assert len({a["规则"] for a in answers}) >= 10  # 各种不一致都埋到了
    got = {(m.code, m.hh_id) for m in res.mismatches}
    assert got == {(a["规则"], a["户编号"]) for a in answers}
    assert len(res.mismatches) == len(answers)
    by = {(m.code, m.hh_id): m for m in res.mismatches}
    for a in answers:
        m = by[(a["规则"], a["户编号"])]
        if a["册"]:
            sheet, row = a["册"]
            book = "走访记录.xlsx" if sheet == "走访记录" else "帮扶手册.xlsx"
            assert m.other_where.startswith(f"{book}:{sheet}:{row}:"), (a, m)
        if a["库"]:
            f, sheet, row = a["库"]
            assert m.ku_where.startswith(f"{f}:{sheet}:{row}:"), (a, m)


def test_clean_handbook_reports_nothing(tmp_path):
    """只有合理的写法差异（全角户编号、缺劳动力、万元、“2020年1月2日”、空着的证件号码、调过次序的列与别名）：一处也不报。"""
    generate(80, 3, tmp_path / "data", 0.0, 2020)
    assert write_handbook(tmp_path / "data", tmp_path / "册", seed=9, rate=0.0) == []
    wb = load_workbook(tmp_path / "册" / "帮扶手册.xlsx")
    cells = [str(c.value) for ws in wb for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    assert any("万" in v for v in cells) and any("年" in v and "月" in v for v in cells)
    assert any(any("０" <= ch <= "９" for ch in v) for v in cells)
    causes = {str(c.value) for c in wb["家庭情况"]["G"]}
    assert "缺劳力" not in causes  # 缺劳力一律录成了“缺劳动力”
    res, written = run_crosscheck([tmp_path / "data", tmp_path / "册" / "走访记录.xlsx"], [tmp_path / "册" / "帮扶手册.xlsx"],
                                  tmp_path / "out", period=(2020, 12))
    assert res.mismatches == [], [m.as_row() for m in res.mismatches[:5]]
    assert sum(res.households_ku.values()) == sum(res.households_ce.values()) == 80
    assert len(written) == 1  # 只有报告工作簿，没有核对单


def test_report_workbook_and_household_sheets(planted):
    d, answers, res, written = planted
    wb = load_workbook(d / "out" / "库册核对.xlsx")
    assert wb.sheetnames[:1 + len(ITEMS)] == ["汇总", *ITEMS]
    total = [r for r in wb["汇总"].iter_rows(values_only=True) if r[0] == "合计"][0]
    assert total[-1] == len(answers) and total[2] == 150
    rows = sum(wb[item].max_row - 1 for item in ITEMS)
    assert rows == len(answers)
    bad = res.by_household()
    docx = sorted((d / "out" / "核对单").rglob("*.docx"))
    pdfs = sorted((d / "out" / "核对单").rglob("*.pdf"))
    assert len(docx) == len(pdfs) == len(bad)
    for p in docx[:5]:
        text = "\n".join(c.text for t in Document(p).tables for r in t.rows for c in r.cells)
        assert "库（国办系统）" in text
    pdf = pymupdf.open(pdfs[0])
    assert "库册实证说核对单" in pdf[0].get_text() and pdf[0].rect.width > pdf[0].rect.height
    # 核对单要拿到村里：身份证号打码（报告工作簿是内部台账，写全）
    from dataclasses import replace

    from docgen.crosscheck.outputs import sheet_context
    from docgen.settings import Settings

    m = replace(res.mismatches[0], code="KC014", ku="610202195606265477", other="610202195606265478")
    ctx = sheet_context(m.hh_id, [m], Settings(), res.reference)
    assert ctx["rows"][0]["ku"] == "610202********5477" and "5606" not in ctx["rows"][0]["other"]


def test_income_tolerance_is_configurable(planted, tmp_path):
    from docgen.settings import load_settings

    d, answers, _, _ = planted
    cfg = tmp_path / "docgen.yml"
    cfg.write_text("核对: {收入容差: 2000}\n", encoding="utf-8")
    res, _ = run_crosscheck([d / "data", d / "册" / "走访记录.xlsx"], [d / "册" / "帮扶手册.xlsx"], tmp_path / "out",
                            settings=load_settings(cfg), period=(2020, 12), sheets=False)
    assert {(m.code, m.hh_id) for m in res.mismatches} == {(a["规则"], a["户编号"]) for a in answers if a["规则"] != "KC050"}


def handbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_bad_handbooks_are_named_precisely(tmp_path):
    p = handbook(tmp_path / "册.xlsx", {
        "基本情况": [["户编号", "户主", "人口数"], ["6102020062010000", "甲", 3], ["6102020062010000", "甲", 3]],
        "家庭成员": [["户编号", "姓名", "关系", "姓名"], ["6102020062010000", "甲", "户主", "甲"]],
        "收入": [["户编号", "年份", "纯收入"], ["6102020062010000", "两千年", 100], ["6102020062010000", 2020, "很多"]],
        "随便": [["别的", "东西"], [1, 2]],
    })
    hb = read_handbooks([p])
    where = {(i.code, str(i.location)) for i in hb.issues}
    assert ("HB007", "册.xlsx:基本情况:3:户编号") in where  # 同一户两行
    assert ("HB003", "册.xlsx:家庭成员:1:姓名") in where  # 两列“姓名”
    assert ("HB008", "册.xlsx:收入:2:年份") in where
    assert ("HB009", "册.xlsx:收入:3:纯收入") in where
    assert any(i.code == "HB001" and i.location.sheet == "随便" for i in hb.issues)
    twice = handbook(tmp_path / "两次.xlsx", {"家庭成员": [["户编号", "姓名", "与户主关系"],
                                                    ["6102020062010000", "甲", "户主"], ["6102020062010000", "甲", "户主"],
                                                    ["6102020062010000", "乙", "之子"]]})
    assert [(i.code, str(i.location)) for i in read_handbooks([twice]).issues] == [("HB013", "两次.xlsx:家庭成员:3:姓名")]
    with pytest.raises(InputError) as e:
        run_crosscheck([tmp_path], [p], tmp_path / "out")
    assert e.value.exit_code == 2 and not (tmp_path / "out").exists()


def test_template_round_trip(tmp_path):
    t = write_template(tmp_path / "模板.xlsx", [("6102020062010000", "张三", "示例甲村")])
    wb = load_workbook(t)
    assert [n for n in wb.sheetnames if n in SHEETS] == list(SHEETS)
    assert wb["选项"].sheet_state == "hidden" and wb["家庭成员"].data_validations.dataValidation
    hb = read_handbooks([t])
    assert list(hb.households) == ["6102020062010000"] and not [i for i in hb.issues if i.severity == "error"]


def test_crosscheck_commands(planted, tmp_path):
    d, answers, _, _ = planted
    r = subprocess.run([sys.executable, "-m", "docgen", "crosscheck", "run", str(d / "data"), str(d / "册" / "走访记录.xlsx"),
                        "--handbook", str(d / "册" / "帮扶手册.xlsx"), "--period", "2020-12", "-o", str(tmp_path / "o"),
                        "--no-sheets"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"不一致 {len(answers)} 处" in r.stderr
    r = subprocess.run([sys.executable, "-m", "docgen", "crosscheck", "template", "-o", str(tmp_path / "t.xlsx"),
                        "--data", str(d / "data"), "--period", "2020-12"], capture_output=True, text=True)
    assert r.returncode == 0 and "预填 150 户" in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "docgen", "crosscheck", "run", str(d / "data"), "--handbook",
                        str(tmp_path / "没有.xlsx"), "-o", str(tmp_path / "x")], capture_output=True, text=True)
    assert r.returncode == 2 and "找不到帮扶手册录入表" in r.stderr
    assert json.loads((d / "册" / "planted-crosscheck.json").read_text(encoding="utf-8")) == answers


def test_month_end_batch_includes_the_crosscheck(planted, tmp_path):
    """月末批处理带上帮扶手册（项目文件的“帮扶手册”）：核对报告与核对单在输出目录的“核对”里，未解决的不一致写在
    那几户的户情卡上；什么都没变时再运行全部跳过。"""
    from docgen.batch.project import resolve_batch
    from docgen.batch.runner import run_batch

    d, answers, res, _ = planted
    proj = tmp_path / "项目.yaml"
    proj.write_text(f"数据: [{d / 'data'}, {d / '册' / '走访记录.xlsx'}]\n帮扶手册: {d / '册' / '帮扶手册.xlsx'}\n"
                    f"输出目录: {tmp_path / 'out'}\n格式: [docx]\n", encoding="utf-8")
    job = resolve_batch(proj, period="2020-12")
    assert job.handbooks == (d / "册" / "帮扶手册.xlsx",)
    plan, _ = run_batch(job.data, job.out, period="2020-12", kinds=job.kinds, workers=1, settings=job.settings,
                        handbooks=job.handbooks, dry_run=True)
    bad = {a["户编号"] for a in answers}
    xc = [(j.kind, j.target, a) for j, a in plan if j.target.startswith("核对/")]
    assert xc[0] == ("库册核对", "核对/库册核对.xlsx", "生成")  # --dry-run 的计划里也有报告与每份核对单
    assert sorted(t for k, t, a in xc if k == "核对单") and {a for _, _, a in xc} == {"生成"}
    assert len(xc) == 1 + len(bad)
    _, s = run_batch(job.data, job.out, period="2020-12", kinds=job.kinds, workers=1, settings=job.settings,
                     handbooks=job.handbooks)
    assert not s.failed and any(f"不一致 {len(answers)} 处" in n for n in s.notes)
    rep = load_workbook(tmp_path / "out" / "核对" / "库册核对.xlsx")
    assert rep["汇总"].cell(rep["汇总"].max_row, rep["汇总"].max_column).value == len(answers)
    cards = sorted((tmp_path / "out" / "户档").rglob("*户情卡.docx"))
    assert len(cards) == 150
    for card in cards:
        hh = card.name.split("-")[0]
        text = "\n".join(p.text for p in Document(card).paragraphs)
        assert ("库册核对未解决的不一致" in text) == (hh in bad), card.name
    sheets = sorted((tmp_path / "out" / "核对" / "核对单").rglob("*.docx"))
    assert len(sheets) == len(bad)
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in sheets) == sorted(t for k, t, _ in xc if k == "核对单")
    plan, _ = run_batch(job.data, job.out, period="2020-12", kinds=job.kinds, workers=1, settings=job.settings,
                        handbooks=job.handbooks, dry_run=True)
    assert {a for j, a in plan if j.target.startswith("核对/")} == {"跳过"}
    _, s2 = run_batch(job.data, job.out, period="2020-12", kinds=job.kinds, workers=1, settings=job.settings,
                      handbooks=job.handbooks)
    assert s2.done == 0 and s2.skipped == s2.planned


def test_what_users_type_that_is_still_the_same(planted, tmp_path):
    """合并的户编号、“4人”、只写到月的出生年月：照读、不报；存成数字的证件号码与户编号：指到格子（末几位已丢）。
    导出表没有帮扶措施表时不核对那一项（说明一次），不把每户都报成不一致。"""
    d, answers, res, _ = planted
    wb = load_workbook(d / "册" / "帮扶手册.xlsx")
    ms = wb["家庭成员"]
    # 找一户有两个成员的、相邻两行，合并户编号
    rows = [(r, ms.cell(r, 1).value) for r in range(2, ms.max_row + 1)]
    r = next(r for (r, a), (_, b) in zip(rows, rows[1:]) if a == b)
    ms.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    import datetime as dt

    b = ms.cell(r + 1, 5).value  # 出生日期只写到月
    b = b.date() if isinstance(b, dt.datetime) else b
    ms.cell(r + 1, 5).value = f"{b.year}年{b.month}月" if isinstance(b, dt.date) else str(b).split("月")[0] + "月"
    fs = wb["家庭情况"]
    fs.cell(2, 4).value = f"{fs.cell(2, 4).value}人"
    path = tmp_path / "册.xlsx"
    wb.save(path)
    again, _ = run_crosscheck([d / "data", d / "册" / "走访记录.xlsx"], [path], tmp_path / "o", period=(2020, 12),
                              sheets=False)
    assert {(m.code, m.hh_id) for m in again.mismatches} == {(m.code, m.hh_id) for m in res.mismatches}
    ms.cell(r + 3, 4).value = 610202195606265477  # 证件号码存成了数字
    wb.save(path)
    hb = read_handbooks([path])
    assert [i.code for i in hb.issues if i.severity == "error"] == ["HB012"]
    # 模板的下拉：与户主关系、单位各有自己的选项
    t = load_workbook(write_template(tmp_path / "t.xlsx"))
    dv = {str(v.sqref).split(":")[0][0]: v.formula1 for v in t["家庭成员"].data_validations.dataValidation}
    rel = dv["D"].split("!")[1].replace("$", "").split(":")[0][0]
    values = [c.value for c in t["选项"][rel] if c.value]
    assert values[:2] == ["户主", "配偶"]


def test_no_measures_table_means_measures_are_not_compared(tmp_path):
    generate(20, 2, tmp_path / "data", 0.0, 2020, extras=False)
    write_handbook(tmp_path / "data", tmp_path / "册", seed=1, rate=0.0)
    res, _ = run_crosscheck([tmp_path / "data"], [tmp_path / "册" / "帮扶手册.xlsx"], tmp_path / "o", period=(2020, 12),
                            sheets=False)
    assert not [m for m in res.mismatches if m.code == "KC040"]
    assert any(i.code == "KC900" and "帮扶措施" in i.message for i in res.issues)


def test_blank_members_sheet_means_members_are_not_compared(tmp_path):
    """册里家庭成员表只有表头（还没录）：不把库里每个成员都报成“册里没有”，说明一次这一项没核对；其余照常核对。"""
    generate(20, 2, tmp_path / "data", 0.0, 2020)
    write_handbook(tmp_path / "data", tmp_path / "册", seed=1, rate=0.0)
    book = tmp_path / "册" / "帮扶手册.xlsx"
    wb = load_workbook(book)
    ws = wb["家庭成员"]
    ws.delete_rows(2, ws.max_row)
    first = wb["家庭情况"]
    first["D2"] = int(first["D2"].value) + 1  # 家庭人口数改错一户：这一项照常核对
    wb.save(book)
    res, _ = run_crosscheck([tmp_path / "data"], [book], tmp_path / "o", period=(2020, 12), sheets=False)
    assert not [m for m in res.mismatches if m.item == "成员"]
    assert [m.code for m in res.mismatches] == ["KC020"]
    assert any(i.code == "KC900" and "家庭成员" in i.message for i in res.issues)


def test_members_are_judged_per_handbook_file(tmp_path):
    """两个村的手册分两份录、其中一份还没录家庭成员：那一份里的户不核对成员（说明一次，点名那份文件），另一份照常。"""
    generate(20, 2, tmp_path / "data", 0.0, 2020)
    write_handbook(tmp_path / "data", tmp_path / "册", seed=1, rate=0.0)
    src = tmp_path / "册" / "帮扶手册.xlsx"
    import unicodedata

    def norm(v):
        return unicodedata.normalize("NFKC", str(v or "")).strip()

    codes = sorted({norm(c.value)[:12] for c in load_workbook(src)["家庭情况"]["A"][1:] if c.value})
    assert len(codes) == 2
    books = []
    for code, name, empty in ((codes[0], "甲村.xlsx", False), (codes[1], "乙村.xlsx", True)):
        wb = load_workbook(src)
        for ws in wb:
            if ws.title in ("填写说明", "选项"):
                continue
            for r in range(ws.max_row, 1, -1):
                hh = norm(ws.cell(r, 1).value)
                if not hh.startswith(code) or (empty and ws.title == "家庭成员"):
                    ws.delete_rows(r)
        wb.save(tmp_path / name)
        books.append(tmp_path / name)
    res, _ = run_crosscheck([tmp_path / "data"], books, tmp_path / "o", period=(2020, 12), sheets=False)
    assert res.mismatches == [], [m.as_row() for m in res.mismatches[:3]]
    notes = [i for i in res.issues if i.code == "KC900"]
    assert [str(i.location.file) for i in notes] == ["乙村.xlsx"] and "家庭成员" in notes[0].message
