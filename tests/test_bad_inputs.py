"""坏输入语料（tests/data/bad/，由其中的 make_corpus.py 生成）：每类一个测试，逐个文件跑对应的命令。

每个坏输入都要：退出码 2；提示是中文、点出 文件:行:字段、说了期望什么；没有调用栈、没有“内部错误”、没有
PyYAML / pydantic / Python 的英文原话；数据原样引用（[/]、{{ }} 不被当作标记解释）；什么都不留下——输出位置
不存在、语料文件夹里没有多出任何文件（.docgen-cache、状态库、写了一半的文件）。"""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from docgen.cli import cli

BAD = Path(__file__).resolve().parent / "data" / "bad"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
BY_CLASS: dict[str, list[dict]] = defaultdict(list)
for c in CASES:
    BY_CLASS[c["类"]].append(c)

# 提示里允许出现的西文词（产品名、扩展名、字段代码等）；其余四个字母以上的英文词算漏出的英文原话
ALLOWED = {"yaml", "yml", "xlsx", "docx", "json", "excel", "word", "office", "libreoffice", "utf", "doctype", "entity",
           "xml", "rels", "workbook", "sharedstrings", "content_types", "types", "docgen", "pdf", "html", "true",
           "false", "link", "bold", "http", "passwd", "file", "real", "project", "format", "type", "unknown", "missing",
           "template", "archive", "value_error", "extra_forbidden", "literal_error", "control", "char", "duplicate",
           "error", "date_bad", "list", "odt", "ods", "opendocument", "spreadsheet", "mimetype", "content", "sheet",
           "windows", "findings", "fixed", "lint", "jpeg", "default", "jiangxi", "python", "object", "system", "binary"}


def test_corpus_is_large_enough():
    assert len(CASES) >= 100
    assert len(BY_CLASS) >= 10


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bad")
    shutil.copytree(BAD, root / "bad", ignore=shutil.ignore_patterns("make_corpus.py", "cases.yaml", "__pycache__"))
    return root / "bad"


def listing(d: Path) -> set[str]:
    return {str(p.relative_to(d)) for p in d.rglob("*")}


def english_words(text: str, case: dict) -> list[str]:
    names = " ".join([case["文件"], *case["命令"], case["期望"]]).lower()
    text = re.sub(r"(错误|警告)\[[^\]]*\]", "", text)  # 问题代码（如 公文.value_error）是标识符，不是给人读的句子
    text = re.sub(r"[\w./\[\]-]*/[\w./\[\]-]*|[\w.-]+\.(docx|xlsx|typ|yaml|yml|xml|json|png|jpg)", "", text)  # 路径
    words = re.findall(r"[A-Za-z_]{4,}", text)
    return [w for w in words if w.lower() not in ALLOWED and w.lower() not in names]


@pytest.mark.parametrize("cls", sorted(BY_CLASS))
def test_bad_input_class(cls, corpus, tmp_path):
    work = corpus / cls
    before = listing(corpus)
    for case in BY_CLASS[cls]:
        out = tmp_path / f"out-{case['文件'].replace('/', '_')}"
        args = [a.replace("{out}", str(out)) for a in case["命令"]]
        cwd = work / case.get("目录", "")
        old = os.getcwd()
        os.chdir(cwd)
        try:
            res = CliRunner().invoke(cli, args)
        finally:
            os.chdir(old)
        text = res.stderr + res.stdout
        label = f"{cls}/{case['文件']}：{text}"
        assert res.exit_code == 2, label
        assert res.exception is None or isinstance(res.exception, SystemExit), label
        assert "Traceback" not in text and "内部错误" not in text, label
        assert case["期望"] in text, label
        if case["位置"]:
            assert case["位置"] in text, label
        assert not english_words(text, case), (english_words(text, case), label)
        assert not list(tmp_path.glob(f"{out.name}*")), f"{label}：留下了输出 {list(tmp_path.glob(out.name + '*'))}"
    assert listing(corpus) == before, f"语料文件夹里多出了：{listing(corpus) - before}"


# ---------------------------------------------------------------- 数据不对劲但能做：照做，不丢东西、不解释

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "households"


def _sample_with(tmp_path: Path, edit) -> Path:
    """复制样例数据，`edit(工作簿)` 改导出表后存回。"""
    import openpyxl

    data = tmp_path / "数据"
    shutil.copytree(SAMPLE, data)
    wb = openpyxl.load_workbook(data / "户籍导出.xlsx")
    edit(wb)
    wb.save(data / "户籍导出.xlsx")
    return data


def _column(ws, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1


def test_text_starting_with_equals_is_not_a_formula(tmp_path):
    """户主名写成“=HYPERLINK(…)”：台账、汇总里是文字，不是可点的公式。"""
    import openpyxl

    def edit(wb):
        ws = wb["贫困户成员信息"]
        c = ws.cell(2, _column(ws, "姓名"), '=HYPERLINK("http://x","点我")')
        c.data_type = "s"  # 导出表里是文字（不是公式）

    data = _sample_with(tmp_path, edit)
    out = tmp_path / "出"
    res = CliRunner().invoke(cli, ["ledger", str(data), "--period", "2020-12", "-o", str(out), "--docs", "none", "-j", "1"])
    assert res.exit_code == 0, res.stderr
    seen = 0
    for f in out.rglob("*.xlsx"):
        wb = openpyxl.load_workbook(f)
        for ws in wb:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (f.name, c.coordinate, c.value)
                    seen += isinstance(c.value, str) and c.value.startswith("=HYPERLINK")
    assert seen


def test_villages_whose_file_names_clash_do_not_overwrite(tmp_path):
    """“甲:乙村”与“甲?乙村”做成文件名都是“甲_乙村”：各出各的台账与户档文件夹，一个都不少。"""
    def edit(wb):
        ws = wb["贫困户成员信息"]
        col = _column(ws, "村")
        for r in range(2, ws.max_row + 1):
            ws.cell(r, col, "甲:乙村" if ws.cell(r, col).value == "示例甲村" else "甲?乙村")

    data = _sample_with(tmp_path, edit)
    (data / "村.yaml").unlink()
    out = tmp_path / "出"
    res = CliRunner().invoke(cli, ["ledger", str(data), "--period", "2020-12", "-o", str(out), "--docs", "docx", "-j", "1"])
    assert res.exit_code == 0, res.stderr
    ledgers = sorted(p.name for p in (out / "台账").iterdir())
    folders = sorted(p.name for p in (out / "户档").iterdir())
    assert len(ledgers) == 2 and len(set(ledgers)) == 2, ledgers
    assert len(folders) == 2, folders


def test_dry_run_writes_nothing(tmp_path):
    out = tmp_path / "出"
    res = CliRunner().invoke(cli, ["batch", "--data", str(SAMPLE), "--period", "2020-12", "-o", str(out), "--dry-run",
                                   "-j", "1"])
    assert res.exit_code == 0 and "计划" in res.stdout, res.stderr
    assert not out.exists()


def test_problems_that_fit_no_village_are_reported(tmp_path):
    """问题表里村名、涉及户都对不上的行：不悄悄消失，check 给出 文件:工作表:行:字段 的警告。"""
    import openpyxl

    data = tmp_path / "数据"
    shutil.copytree(SAMPLE, data)
    wb = openpyxl.load_workbook(data / "问题.xlsx")
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("村") + 1, "没有这个村")
    ws.cell(2, head.index("涉及户") + 1).value = None  # ws.cell(行, 列, None) 不会清空
    ws.cell(3, head.index("涉及户") + 1, "9999999999999999")
    wb.save(data / "问题.xlsx")
    res = CliRunner().invoke(cli, ["check", str(data), "--period", "2020-12", "--format", "json"])
    import json

    found = [i for i in json.loads(res.stdout)["issues"] if i["code"] == "REF003"]
    assert {(i["row"], i["field"]) for i in found} >= {(2, "村"), (3, "涉及户")}, found


def test_newline_in_village_name_keeps_bags_valid(tmp_path):
    """村名里有换行（导出表单元格里按了 Alt+回车）：档案包的 bag-info.txt 仍是一条一行，bagit 认得。"""
    import bagit

    def edit(wb):
        ws = wb["贫困户成员信息"]
        col = _column(ws, "村")
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, col).value == "示例甲村":
                ws.cell(r, col).value = "示例\n甲村"

    data = _sample_with(tmp_path, edit)
    (data / "村.yaml").unlink()
    out = tmp_path / "出"
    res = CliRunner().invoke(cli, ["batch", "--data", str(data), "--period", "2020-12", "-o", str(out), "--docs", "docx",
                                   "--archive", "default", "-j", "1"])
    assert res.exit_code == 0, res.stderr
    bags = [p.parent for p in (out / "档案").rglob("bagit.txt")]
    assert bags
    for b in bags:
        bagit.Bag(str(b)).validate()
    res = CliRunner().invoke(cli, ["archive", "verify", str(out / "档案")])
    assert res.exit_code == 0, res.stdout


def test_semicolon_and_tab_separated_exports_are_read_whole(tmp_path):
    """有的系统导出的 CSV 用分号或制表符分隔：照样整张读进来（原来“没有认出”）。"""
    src = (SAMPLE.parent.parent / "tests" / "data" / "bad" / "more" / "csv_quote" / "成员信息.csv").read_text(encoding="utf-8")
    clean = src.replace('"', "")
    for sep in (";", "\t"):
        d = tmp_path / f"d{ord(sep)}"
        d.mkdir()
        (d / "成员信息.csv").write_text(clean.replace(",", sep), encoding="utf-8")
        res = CliRunner().invoke(cli, ["check", str(d), "--period", "2020-12"])
        assert "读作成员信息表，7 行数据" in res.stderr + res.stdout, res.stderr + res.stdout
