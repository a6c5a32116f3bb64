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
           "windows", "findings", "fixed", "lint", "jpeg", "default", "jiangxi"}


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
