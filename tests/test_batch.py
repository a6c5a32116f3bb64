"""月末批处理：计划（--dry-run）、跳过与重做、杀掉再续跑的结果与一次跑完相同、某户出错不影响其他户、两次运行字节相同、
快速 DOCX 渲染与 docxtpl 结果相同。"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT, sheet_table
from lxml import etree

from docgen.cli import cli
from docgen.households.sample import generate

IGNORE = {".docgen-state.sqlite", ".docgen-state.sqlite-wal", ".docgen-state.sqlite-shm", "批处理报告.json"}


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def outputs(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in d.rglob("*")
            if p.is_file() and p.name not in IGNORE and ".docgen-cache" not in p.parts}


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    generate(8, 3, d)
    return d


def test_dry_run_prints_plan_and_writes_nothing(data, tmp_path):
    out = tmp_path / "out"
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--dry-run")
    assert res.exit_code == 0, res.stderr
    lines = [ln.split("\t") for ln in res.output.splitlines() if "\t" in ln]
    kinds = {ln[1] for ln in lines}
    assert kinds == {"收入核算表.docx", "户情卡.docx", "收入核算表.pdf", "户情卡.pdf", "台账", "汇总", "公示"}
    gongshi = sorted(ln[3] for ln in lines if ln[1] == "公示")  # 每村与全县各一份，Word 与 PDF
    assert len(gongshi) == 2 * (len({ln[3] for ln in lines if ln[1] == "台账"}) + 1)
    assert "公示/全县2020年拟退出贫困户公示名单.pdf" in gongshi
    assert all(ln[0] == "生成" for ln in lines)
    assert len([ln for ln in lines if ln[1] == "户情卡.pdf"]) == 8
    assert outputs(out) == {}


def test_skip_and_rebuild_only_what_changed(data, tmp_path):
    out = tmp_path / "out"
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1")
    assert res.exit_code == 0, res.stderr
    first = outputs(out)
    assert len([k for k in first if k.startswith("户档/") and k.endswith(".docx")]) == 16 and "全县汇总.xlsx" in first
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1")
    assert "完成 0，跳过" in res.stderr
    # 改一户的收入：只重做这户的文书、这户所在村的台账和全县汇总
    wb = openpyxl.load_workbook(data / "户籍导出.xlsx")
    ws = wb["贫困户家庭收入"]
    hh = ws.cell(3, 1).value
    ws.cell(3, 5).value = (ws.cell(3, 5).value or 0) + 1000
    wb.save(data / "户籍导出.xlsx")
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1")
    assert res.exit_code == 0
    after = outputs(out)
    changed = sorted(k for k in after if after[k] != first.get(k))
    village = next(k.split("/")[1] for k in first if hh in k)
    allowed = (f"台账/{village}台账.xlsx", "全县汇总.xlsx", f"公示/{village}2020年拟退出贫困户公示名单.docx",
               "公示/全县2020年拟退出贫困户公示名单.docx")
    assert all(hh in k or k in allowed for k in changed), changed
    assert any(hh in k and "收入核算表" in k for k in changed)
    assert "完成 6，" in res.stderr  # 两份户档 + 村台账 + 村公示 + 汇总 + 全县公示


def test_force_rebuilds_everything(data, tmp_path):
    out = tmp_path / "out"
    invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1")
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1", "--force")
    assert "跳过 0" in res.stderr


def test_two_runs_same_bytes(data, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        assert invoke("batch", "--data", data, "--period", "2020-12", "-o", d, "--docs", "docx").exit_code == 0
    assert outputs(a) == outputs(b)


def test_failure_is_isolated(data, tmp_path):
    tpl = tmp_path / "tpl"
    shutil.copytree(ROOT / "templates", tpl, ignore=shutil.ignore_patterns("*.py"))
    bad_hh = next(p for p in openpyxl.load_workbook(data / "户籍导出.xlsx")["贫困户成员信息"].iter_rows(min_row=2, max_row=2,
                                                                                                  values_only=True))[6]
    card = tpl / "typst" / "household_card.typ"
    card.write_text(card.read_text(encoding="utf-8") + f'\n#if c.hh_id == "{bad_hh}" {{ c.missing.value }}\n',
                    encoding="utf-8")
    project = tmp_path / "项目.yaml"
    project.write_text("数据: [data/户籍导出.xlsx, data/村.yaml, data/问题.xlsx]\n模板目录: tpl\n", encoding="utf-8")
    out = tmp_path / "out"
    res = invoke("batch", project, "--period", "2020-12", "-o", out, "-j", "1")
    assert res.exit_code == 1
    assert "失败 1" in res.stderr and bad_hh in res.stderr
    done = outputs(out)
    assert len([k for k in done if k.endswith("户情卡.pdf")]) == 7  # 其他户照常完成
    assert any(bad_hh in k and k.endswith("户情卡.docx") for k in done)  # 同一户的其他文书也照常完成
    import json

    report = json.loads((out / "批处理报告.json").read_text(encoding="utf-8"))
    assert report["失败"] == 1 and bad_hh in report["失败明细"][0]["输出"]


def test_kill_and_resume_gives_the_same_bytes(tmp_path):
    data = tmp_path / "big"
    generate(80, 4, data)  # 足够多的户，保证能在中途杀掉
    clean = tmp_path / "clean"
    assert invoke("batch", "--data", data, "--period", "2020-12", "-o", clean, "-j", "1").exit_code == 0
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "docgen", "batch", "--data", str(data), "--period", "2020-12", "-o", str(out), "-j", "1", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        docs = list((out / "户档").rglob("*.*")) if (out / "户档").exists() else []
        if len(docs) >= 5:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "批处理在杀掉之前已经跑完"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = {k: v for k, v in outputs(out).items() if not k.endswith(".part")}
    expected = outputs(clean)
    assert len(partial) < len(expected)  # 确实是中途杀掉的
    for k, v in partial.items():  # 已经出现的输出都是完整的（写一半的只会是隐藏的 .part 临时文件）
        assert v == expected[k], k
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "-j", "1")
    assert res.exit_code == 0, res.stderr
    assert outputs(out) == outputs(clean)
    assert not list(out.rglob("*.part"))  # 续跑时清掉上次被杀留下的临时文件


def test_fast_docx_equals_docxtpl():
    from docgen.households.compute import Settings, assess
    from docgen.households.docs import DocxRenderer, household_context
    from conftest import staged_households

    from docgen.render.fastdocx import CompiledDocx

    hhs = staged_households([ROOT / "samples" / "households" / "户籍导出.xlsx"])
    for name in ("household_income.docx", "household_card.docx"):
        tpl = ROOT / "templates" / "docx" / name
        fast, ref = CompiledDocx(tpl), DocxRenderer(tpl)
        for h in hhs[:5]:
            ctx = household_context(assess(h, Settings(), dt.date(2020, 12, 31)), Settings())
            ctx["head"] = ctx["head"] + " <特殊> & 字符"  # 转义后内容仍相同
            a, b = zipfile.ZipFile(io.BytesIO(fast.render(ctx))), zipfile.ZipFile(io.BytesIO(ref.render(ctx)))
            assert a.testzip() is None and sorted(a.namelist()) == sorted(b.namelist())
            c14n = [etree.tostring(etree.fromstring(z.read("word/document.xml")), method="c14n") for z in (a, b)]
            assert c14n[0] == c14n[1]
            for n in a.namelist():
                if n not in ("word/document.xml", "docProps/core.xml"):
                    assert a.read(n) == b.read(n), n


def test_batch_input_errors(tmp_path, data):
    res = invoke("batch", "--data", data, "--period", "2020-13", "-o", tmp_path / "o")
    assert res.exit_code == 2 and "YYYY-MM" in res.stderr
    res = invoke("batch", "--period", "2020-12", "-o", tmp_path / "o")
    assert res.exit_code == 2 and "没有数据" in res.stderr
    wb = openpyxl.load_workbook(data / "户籍导出.xlsx")
    wb["贫困户成员信息"].cell(2, 18).value = "强劳动力"
    wb.save(data / "户籍导出.xlsx")
    out = tmp_path / "o"
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out)
    assert res.exit_code == 2 and "户籍导出.xlsx:贫困户成员信息:2:劳动技能" in res.stderr
    assert outputs(out) == {}
    assert not out.exists()  # 新建的输出目录也不留下


def test_archive_rebuilds_only_changed_village(tmp_path):
    data = tmp_path / "d"
    generate(20, 6, data)
    out = tmp_path / "out"
    args = ["batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1", "--archive", "default"]
    assert invoke(*args).exit_code == 0
    arch = out / "档案"
    before = {p.relative_to(arch).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in arch.rglob("*") if p.is_file()}
    wb = openpyxl.load_workbook(data / "户籍导出.xlsx")
    ws = wb["贫困户家庭收入"]
    hh = ws.cell(3, 1).value
    ws.cell(3, 5).value = (ws.cell(3, 5).value or 0) + 1000
    wb.save(data / "户籍导出.xlsx")
    assert invoke(*args).exit_code == 0
    after = {p.relative_to(arch).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in arch.rglob("*") if p.is_file()}
    def unit(k):  # 每村的包、zip 与编号登记
        return k if k.startswith("编号登记/") else k.split("/")[0]

    touched = {unit(k) for k in after if after[k] != before.get(k)}
    village_bag = next(k.split("/")[0] for k in after if k.startswith(hh[:12]) and "/" in k)
    assert village_bag in touched and f"编号登记/{hh[:12]}.json" in touched
    assert "000000000000-县级" in touched  # 全县汇总与全县公示名单随之变了：县级的包也重建
    others = {unit(k) for k in after if "/" in k and hh[:12] not in k and "000000000000" not in k}
    assert others and not (others & touched)  # 其他村的包、编号登记一个字节、一个时间戳都没动
    from docgen.archive.profile import load_profile
    from docgen.archive.verify import verify_archive

    assert verify_archive(arch, load_profile("default")) == []
    # 与整体重建的结果相同
    full = tmp_path / "full"
    shutil.copytree(out, full, ignore=shutil.ignore_patterns("档案"))
    assert invoke("batch", "--data", data, "--period", "2020-12", "-o", full, "--docs", "docx", "-j", "1",
                  "--archive", "default").exit_code == 0
    assert {k: v[0] for k, v in after.items()} == {p.relative_to(full / "档案").as_posix(): p.read_bytes()
                                                   for p in (full / "档案").rglob("*") if p.is_file()}
    # `docgen archive build` 清点同样的输出：包、zip、目录与 PDF、元数据、完整性报告逐字节相同（编号登记另记了来源指纹）
    whole = tmp_path / "whole"
    res = invoke("archive", "build", out / "户档", out / "台账", out / "公示", out / "全县汇总.xlsx", "-o", whole,
                 "--year", "2020", "--date", "2020-12-31", *[x for f in sorted(data.glob("*.xlsx")) + [data / "村.yaml"]
                                                               for x in ("--data", f)])
    assert res.exit_code == 0, res.stderr
    assert {k: v[0] for k, v in after.items() if not k.startswith("编号登记/")} == {
        p.relative_to(whole).as_posix(): p.read_bytes() for p in whole.rglob("*")
        if p.is_file() and not p.relative_to(whole).as_posix().startswith("编号登记/")}
    # （县级包——全县公示名单等——批处理还不建，见 issue #13）


# ---------------------------------------------------------------- 按村分拣（内存与户数无关的路径）


def test_errors_across_villages_are_all_found_and_nothing_is_cached(tmp_path):
    """埋下的错误（含相邻的户、即不同村之间重复的身份证号）逐村校验也一个不漏；有错不留分拣结果。"""
    from conftest import check_issues

    from docgen.households.load import collect_files
    from docgen.households.stage import DataError, Staging
    from docgen.settings import Settings

    d = tmp_path / "bad"
    generate(300, 7, d, error_rate=0.3)
    planted = json.loads((d / "planted-errors.json").read_text(encoding="utf-8"))
    issues = check_issues([d])
    found = {(i.location.sheet, i.location.row, i.location.field, i.code) for i in issues}
    assert any(p["code"] == "ID004" for p in planted)
    for p in planted:
        assert (p["sheet"], p["row"], p["field"], p["code"]) in found, p
    with pytest.raises(DataError) as exc:
        Staging.open_or_build(collect_files([d]), Settings(), tmp_path / "cache", "test", (2020, 12))
    assert sorted(map(str, exc.value.issues)) == sorted(str(i) for i in issues if i.severity == "error")
    assert not list((tmp_path / "cache").glob("*.sqlite"))  # 有错不留缓存


def test_villages_with_the_same_name_get_separate_ledgers(tmp_path):
    """两个村代码同名（不同乡镇常有同名村）：各出一册台账，文件名加村代码；全县汇总的户数是全部户。"""
    d = tmp_path / "data"
    generate(10, 4, d)
    (d / "村.yaml").write_text((d / "村.yaml").read_text(encoding="utf-8").replace("示例乙村", "示例甲村"), encoding="utf-8")
    wb = openpyxl.load_workbook(d / "户籍导出.xlsx")
    ws = wb["贫困户成员信息"]
    for row in ws.iter_rows(min_row=2):
        if row[4].value == "示例乙村":
            row[4].value = "示例甲村"
    wb.save(d / "户籍导出.xlsx")
    out = tmp_path / "out"
    res = invoke("batch", "--data", d, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1")
    assert res.exit_code == 0, res.stderr
    ledgers = sorted(p.name for p in (out / "台账").iterdir())
    assert ledgers == ["示例甲村-610202006201台账.xlsx", "示例甲村-610202100201台账.xlsx"]
    total = 0
    for name in ledgers:
        code = name.split("-")[1][:12]
        ws = openpyxl.load_workbook(out / "台账" / name)["住房安全动态监测台账"]
        ids = [r[0] for r in sheet_table(ws, "户编号")[2]]
        assert ids and all(i.startswith(code) for i in ids)
        total += len(ids)
    assert total == 10
    summary = openpyxl.load_workbook(out / "全县汇总.xlsx")
    head, _, rows = sheet_table(summary["户收入核算"], "户编号")
    assert len(rows) == 10
    assert summary["户收入核算"].merged_cells.ranges and summary["户收入核算"].freeze_panes == f"A{head + 1}"
    villages = sheet_table(summary["各村统计"], "村")[2]
    assert len([v for v in villages if v[0] == "示例甲村"]) == 2  # 同名的两个村各一行


def test_archive_interrupted_between_villages_is_completed_by_the_next_run(tmp_path, monkeypatch):
    """档案整理在两个村之间中断（这里让第二个村的 zip 出错；被杀时还会留下隐藏的临时文件夹）：
    下次运行只补建没建完的村，结果与一次建完相同。"""
    from docgen.archive import outputs as archive_outputs

    data = tmp_path / "d"
    generate(12, 8, data)
    args = ["--data", data, "--period", "2020-12", "--docs", "docx", "-j", "1", "--archive", "default"]
    clean = tmp_path / "clean"
    assert invoke("batch", *args, "-o", clean).exit_code == 0
    real_zip, calls = archive_outputs.zip_dir, []

    def failing_zip(src, target):
        calls.append(src)
        if len(calls) == 2:
            raise OSError("磁盘已满")
        real_zip(src, target)

    monkeypatch.setattr(archive_outputs, "zip_dir", failing_zip)
    out = tmp_path / "out"
    assert invoke("batch", *args, "-o", out).exit_code != 0
    monkeypatch.setattr(archive_outputs, "zip_dir", real_zip)
    done = sorted(p.name for p in (out / "档案" / "编号登记").glob("*.json"))
    assert len(done) == 1  # 第一个村建完并登记，第二个没有
    (out / "档案" / ".610202006201.stale").mkdir()  # 被杀时留下的临时文件夹
    mtime = (out / "档案" / "编号登记" / done[0]).stat().st_mtime_ns
    assert invoke("batch", *args, "-o", out).exit_code == 0
    assert (out / "档案" / "编号登记" / done[0]).stat().st_mtime_ns == mtime  # 建完的村没有重建
    assert outputs(out / "档案") == outputs(clean / "档案")


def test_legacy_single_numbering_file_is_split_per_village(tmp_path):
    """旧版档案只有一个 编号登记.json：第一次逐村建档时拆成每村一个，件号、卷号不变，结果与原来相同。"""
    import json

    data = tmp_path / "d"
    generate(12, 9, data)
    out = tmp_path / "out"
    args = ["batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1", "--archive", "default"]
    assert invoke(*args).exit_code == 0
    arch = out / "档案"
    before = outputs(arch)
    legacy = {"件": {}, "卷": {}, "首次建档": None}
    for f in sorted((arch / "编号登记").glob("*.json")):
        part = json.loads(f.read_text(encoding="utf-8"))
        legacy["件"].update(part["件"])
        legacy["卷"].update(part["卷"])
        legacy["首次建档"] = part["首次建档"]
    shutil.rmtree(arch / "编号登记")
    (arch / "编号登记.json").write_text(json.dumps(legacy, ensure_ascii=False), encoding="utf-8")
    assert invoke(*args).exit_code == 0
    assert not (arch / "编号登记.json").exists()
    assert outputs(arch) == before


def test_progress_lines_when_not_a_terminal_and_quiet_for_cron(data, tmp_path):
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", tmp_path / "a", "--docs", "docx", "-j", "1")
    assert res.exit_code == 0
    total = len([p for p in (tmp_path / "a").rglob("*") if p.suffix in (".docx", ".xlsx")])
    assert f"进度 1/{total}" in res.stderr and "批处理完成" in res.stderr
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", tmp_path / "b", "--docs", "docx", "-j", "1", "-q")
    assert res.exit_code == 0 and res.stderr == "" and res.output == ""


def test_project_file_sets_formats_and_archive_profile(data, tmp_path):
    project = tmp_path / "项目.yaml"
    project.write_text("数据: [data/户籍导出.xlsx, data/村.yaml]\n格式: [docx]\n档案方案: jiangxi\n", encoding="utf-8")
    out = tmp_path / "out"
    res = invoke("batch", project, "--period", "2020-12", "-o", out, "-j", "1")
    assert res.exit_code == 0, res.stderr
    assert not list((out / "户档").rglob("*.pdf")) and list((out / "户档").rglob("*.docx"))
    assert any(p.name.startswith("J001-JF") for p in (out / "档案").rglob("*.xml"))  # 江西方案的档号
    # 命令行优先；方案有错时在渲染之前报出，不写任何户档
    bad = tmp_path / "坏方案.yaml"
    bad.write_text("全宗号: 1\n", encoding="utf-8")
    project.write_text("数据: [data/户籍导出.xlsx]\n档案方案: 坏方案.yaml\n", encoding="utf-8")
    res = invoke("batch", project, "--period", "2020-12", "-o", tmp_path / "o2", "-j", "1")
    assert res.exit_code == 2 and "坏方案.yaml" in res.stderr
    assert not (tmp_path / "o2" / "户档").exists()
    project.write_text("数据: [data/户籍导出.xlsx]\n输出: x\n", encoding="utf-8")
    res = invoke("batch", project, "--period", "2020-12", "-o", tmp_path / "o3")
    assert res.exit_code == 2 and "项目.yaml:2" in res.stderr and "未知的项目设置“输出”" in res.stderr


def test_project_file_output_directory(data, tmp_path):
    project = tmp_path / "项目.yaml"
    project.write_text("数据: [data/户籍导出.xlsx, data/村.yaml]\n格式: [docx]\n输出目录: 月末\n", encoding="utf-8")
    res = invoke("batch", project, "--period", "2020-12", "--dry-run")
    assert res.exit_code == 0 and "生成\t户情卡.docx" in res.output
    assert not list(tmp_path.rglob("*.docx"))  # 只打印计划
    res = invoke("batch", project, "--period", "2020-12", "-j", "1", "-q")
    assert res.exit_code == 0 and list((tmp_path / "月末" / "户档").rglob("*.docx"))
    res = invoke("batch", "--data", data, "--period", "2020-12")
    assert res.exit_code == 2 and "没有输出目录" in res.stderr


def test_staging_revalidates_only_villages_whose_rows_changed(tmp_path, monkeypatch):
    """导出表改了一户：只重新校验、核算那一户所在的村，其他村沿用上次的结果；结果与从头分拣相同。
    改了村名单（全县的小表）：全部重来。"""
    import docgen.households.validate as validate
    from docgen.households.compute import Settings
    from docgen.households.load import collect_files
    from docgen.households.stage import Staging

    d = tmp_path / "d"
    generate(30, 11, d)  # 两个村
    files = [d / "户籍导出.xlsx", d / "村.yaml", d / "问题.xlsx"]
    cache = tmp_path / "cache"
    Staging.open_or_build(collect_files(files), Settings(), cache, "t", (2020, 12)).close()
    seen: list[set] = []
    real = validate.validate_part

    def counting(c, by_kind, *a, **kw):
        seen.append({r.text("户编号")[:12] for t in by_kind["members"] for r in t.rows})
        return real(c, by_kind, *a, **kw)

    monkeypatch.setattr(validate, "validate_part", counting)
    wb = openpyxl.load_workbook(d / "户籍导出.xlsx")
    ws = wb["贫困户家庭收入"]
    hh = ws.cell(2, 1).value
    ws.cell(2, 5).value = (ws.cell(2, 5).value or 0) + 777
    wb.save(d / "户籍导出.xlsx")
    stg = Staging.open_or_build(collect_files(files), Settings(), cache, "t", (2020, 12))
    assert seen == [{hh[:12]}]
    fresh = Staging.open_or_build(collect_files(files), Settings(), tmp_path / "fresh", "t", (2020, 12))
    assert list(stg.households()) == list(fresh.households())
    assert stg.codes() == fresh.codes() and len(stg.codes()) == 2
    for code in stg.codes():
        assert stg.assessments(code) == fresh.assessments(code)
    assert [str(i) for i in stg.warnings] == [str(i) for i in fresh.warnings]
    seen.clear()
    (d / "村.yaml").write_text((d / "村.yaml").read_text(encoding="utf-8").replace("黄堡镇", "黄堡街道"), encoding="utf-8")
    Staging.open_or_build(collect_files(files), Settings(), cache, "t", (2020, 12))
    assert len(seen) == len(stg.codes())


def test_data_warnings_do_not_stop_the_run_but_are_reported(data, tmp_path):
    wb = openpyxl.load_workbook(data / "户籍导出.xlsx")
    ws = wb["贫困户成员信息"]
    rows = list(ws.iter_rows(min_row=2))
    second = next(b for a, b in zip(rows, rows[1:]) if a[6].value == b[6].value)  # 同一户的第二个成员
    second[5].value = "另一个组"  # 同户各成员的“组”不一致：HH003 警告
    wb.save(data / "户籍导出.xlsx")
    out = tmp_path / "out"
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1")
    assert res.exit_code == 0, res.stderr
    assert "数据有 1 个警告" in res.stderr and "docgen check" in res.stderr
    import json

    assert json.loads((out / "批处理报告.json").read_text(encoding="utf-8"))["数据警告"] == 1


def test_batch_archive_has_county_bundle_catalogue_pdfs_and_no_missing_gongshi(tmp_path):
    """县级的包收全县汇总与全县公示名单；每村的包都有本村公示名单（不再报缺）；目录、卷内目录、备考表与盒脊有 PDF；
    户情卡以自己的题名编目；Bagging-Date 取自期别；文件夹 755。"""
    import bagit
    import pikepdf

    data = tmp_path / "d"
    generate(30, 9, data)
    out = tmp_path / "out"
    res = invoke("batch", "--data", data, "--period", "2020-12", "-o", out, "--docs", "docx", "-j", "1",
                 "--archive", "default")
    assert res.exit_code == 0, res.stderr
    arch = out / "档案"
    county = arch / "000000000000-县级"
    files = [p.name for p in (county / "data").rglob("*") if p.is_file()]
    assert any("全县汇总" in n for n in files) and any("全县" in n and "公示名单" in n for n in files)
    rep = openpyxl.load_workbook(arch / "完整性报告.xlsx")["完整性"]
    rows = list(rep.iter_rows(min_row=3, values_only=True))
    assert not [r for r in rows if r[1] in ("村", "县") and r[4] != "齐全"], rows  # 台账、公示名单、汇总都在
    for bag in (p for p in arch.iterdir() if (p / "bagit.txt").is_file()):
        b = bagit.Bag(str(bag))
        b.validate()
        assert b.info["Bagging-Date"] == "2020-12-31"
        cat = bag / "data" / "目录"
        for name in ("归档文件目录.pdf", "备考表与盒脊.pdf"):
            with pikepdf.open(cat / name) as pdf:
                assert len(pdf.pages) >= 1 and b"pdfaid" in pdf.Root.Metadata.read_bytes()
        assert oct(bag.stat().st_mode & 0o777) == "0o755" and oct((bag / "data").stat().st_mode & 0o777) == "0o755"
        import re
        import zipfile

        xml = zipfile.ZipFile(cat / "备考表.docx").read("word/document.xml").decode()
        boxes = len(re.findall(r"盒内文件情况说明", xml))
        assert boxes >= 1 and len(re.findall(r'<w:trHeight w:val="6803" w:hRule="exact"/>', xml)) == boxes  # 120 mm 的方框
        assert "footerReference" not in xml  # 备考表不是公文：没有公文页码
        if bag != county:
            assert (cat / "卷内目录.pdf").is_file()
            wb = openpyxl.load_workbook(cat / "归档文件目录.xlsx", read_only=True)
            titles = [r[5] for r in wb["卷内目录"].iter_rows(min_row=3, values_only=True)]
            assert any(t.endswith("户情卡") for t in titles) and not any(t.endswith("入户调查表") for t in titles)
