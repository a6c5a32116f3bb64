"""命令行：每种错误输入给出中文、带 文件:行:要素 的提示，退出码 2，不写任何输出文件。"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import MINIMAL

from docgen.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def test_renders_minimal_notice_to_all_formats(write_yaml, tmp_path):
    src = write_yaml(MINIMAL)
    for suffix in (".docx", ".pdf", ".html"):
        out = tmp_path / f"out{suffix}"
        res = invoke("render", src, "-o", out, "-q")
        assert res.exit_code == 0, res.output + res.stderr
        assert out.stat().st_size > 1000
        assert oct(out.stat().st_mode & 0o777) != "0o600"  # 临时文件的权限不带到结果上
    assert not list(tmp_path.glob(".*.part"))


BAD = [
    # (说明, 要改的行, 期望的行号, 期望的要素名, 期望的提示片段)
    ("unknown-key", "颜色: 红\n", 11, "颜色", "未知的要素“颜色”"),
    ("doc-number-brackets", None, 2, "发文字号", "六角括号"),
    ("doc-number-leading-zero", None, 2, "发文字号", "不编虚位"),
    ("doc-number-di", None, 2, "发文字号", "不加“第”"),
    ("doc-number-shape", None, 2, "发文字号", "代字〔年份〕序号号"),
    ("bad-date", None, 10, "成文日期", "日期"),
    ("impossible-date", None, 10, "成文日期", "日期不存在"),
    ("title-punct", None, 3, "标题", "标题末尾不加标点"),
]
REPLACE = {
    "doc-number-brackets": ("某住建发〔2020〕5号", "某住建发[2020]5号"),
    "doc-number-leading-zero": ("某住建发〔2020〕5号", "某住建发〔2020〕005号"),
    "doc-number-di": ("某住建发〔2020〕5号", "某住建发〔2020〕第5号"),
    "doc-number-shape": ("某住建发〔2020〕5号", "某住建发2020年5号"),
    "bad-date": ("2020-04-01", "四月一日"),
    "impossible-date": ("2020-04-01", "2020年2月30日"),
    "title-punct": ("工作的通知", "工作的通知。"),
}


@pytest.mark.parametrize("case,extra,line,field,fragment", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_bad_input_is_reported_and_nothing_written(write_yaml, tmp_path, case, extra, line, field, fragment, suffix):
    text = MINIMAL
    if case in REPLACE:
        a, b = REPLACE[case]
        text = text.replace(a, b)
    if extra:
        text += extra
    src = write_yaml(text)
    out = tmp_path / f"out{suffix}"
    res = invoke("render", src, "-o", out)
    assert res.exit_code == 2, res.output + res.stderr
    assert f"notice.yaml:{line}:{field}" in res.stderr
    assert fragment in res.stderr
    assert "输入有误" in res.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [src]  # 也没有临时文件


@pytest.mark.parametrize("missing,key", [("标题", "标题: 关于做好农村危房改造工作的通知\n"),
                                         ("成文日期", "成文日期: 2020-04-01\n"),
                                         ("发文机关署名", "发文机关署名: 某某县住房和城乡建设局\n")])
def test_missing_required_element(write_yaml, tmp_path, missing, key):
    src = write_yaml(MINIMAL.replace(key, ""))
    out = tmp_path / "out.pdf"
    res = invoke("render", src, "-o", out)
    assert res.exit_code == 2
    assert f"缺少必填要素“{missing}”" in res.stderr
    assert f"notice.yaml:1:{missing}" in res.stderr
    assert not out.exists()


def test_all_problems_reported_at_once(write_yaml, tmp_path):
    text = MINIMAL.replace("某住建发〔2020〕5号", "某住建发[2020]05号").replace("2020-04-01", "2020-13-01") + "附件说明: x\n"
    res = invoke("render", write_yaml(text), "-o", tmp_path / "o.docx")
    assert res.exit_code == 2
    assert "共 3 处" in res.stderr
    assert "是不是要写“附件”" in res.stderr


def test_yaml_syntax_error_names_line(write_yaml, tmp_path):
    src = write_yaml(MINIMAL + "附注: 甲: 乙\n")
    res = invoke("render", src, "-o", tmp_path / "o.pdf")
    assert res.exit_code == 2
    assert "notice.yaml:11" in res.stderr and "YAML 格式错误" in res.stderr


def test_duplicate_key(write_yaml, tmp_path):
    res = invoke("render", write_yaml(MINIMAL + "标题: 又一个标题\n"), "-o", tmp_path / "o.pdf")
    assert res.exit_code == 2 and "notice.yaml:11:标题" in res.stderr and "重复" in res.stderr


def test_missing_input_and_bad_suffix(tmp_path, write_yaml):
    res = invoke("render", tmp_path / "nope.yaml", "-o", tmp_path / "o.pdf")
    assert res.exit_code == 2 and "找不到输入文件" in res.stderr
    res = invoke("render", write_yaml(MINIMAL), "-o", tmp_path / "o.txt")
    assert res.exit_code == 2 and "不支持的输出格式" in res.stderr
    assert not (tmp_path / "o.txt").exists()


def test_not_a_notice(write_yaml, tmp_path):
    res = invoke("render", write_yaml("名称: 随便\n"), "-o", tmp_path / "o.pdf")
    assert res.exit_code == 2 and "无法判断文书种类" in res.stderr


def test_internal_error_exit_1(write_yaml, tmp_path, monkeypatch):
    import docgen.render.pdf as pdf

    def boom(*a, **k):
        raise RuntimeError("排版引擎崩溃")

    monkeypatch.setattr(pdf, "render_notice_pdf", boom)
    out = tmp_path / "o.pdf"
    res = invoke("render", write_yaml(MINIMAL), "-o", out)
    assert res.exit_code == 1 and "内部错误" in res.stderr
    assert not out.exists()


def test_help_is_chinese():
    res = invoke("render", "--help")
    assert res.exit_code == 0
    assert "用法" in res.output and "输出文件" in res.output and "显示本帮助并退出" in res.output
    res = invoke("rendr")
    assert res.exit_code == 2 and "没有命令" in res.stderr


def test_font_substitution_is_reported(write_yaml, tmp_path):
    res = invoke("render", write_yaml(MINIMAL), "-o", tmp_path / "o.pdf")
    assert res.exit_code == 0
    assert "本机没有“仿宋_GB2312”，PDF 中仿宋改用“FandolFang”" in res.stderr


def test_fallback_order_is_configurable(write_yaml, tmp_path):
    import pymupdf

    out = tmp_path / "o.pdf"
    res = invoke("render", write_yaml(MINIMAL), "-o", out, "--fallback", "仿宋=Noto Serif CJK SC,FandolFang")
    assert res.exit_code == 0, res.stderr
    fonts = {f[3] for f in pymupdf.open(out).get_page_fonts(0)}
    assert not any("FandolFang" in f for f in fonts)
    res = invoke("render", write_yaml(MINIMAL), "-o", out, "--fallback", "隶书=X")
    assert res.exit_code == 2 and "角色“隶书”未知" in res.stderr


def test_user_font_dir_takes_precedence(write_yaml, tmp_path):
    """用户字体目录中的字体（这里把 FandolKai 复制一份并作为“仿宋”首选）被 PDF 采用。"""
    import shutil

    import pymupdf

    src_font = "/usr/local/share/fonts/docgen-fandol/FandolKai-Regular.otf"
    fdir = tmp_path / "fonts"
    fdir.mkdir()
    shutil.copy(src_font, fdir / "MyKai.otf")
    out = tmp_path / "o.pdf"
    res = invoke("render", write_yaml(MINIMAL), "-o", out, "--font-dir", fdir, "--fallback", "仿宋=FandolKai,FandolFang")
    assert res.exit_code == 0, res.stderr
    fonts = {f[3] for f in pymupdf.open(out).get_page_fonts(0)}
    assert any("FandolKai" in f for f in fonts)
    res = invoke("render", write_yaml(MINIMAL), "-o", out, "--font-dir", tmp_path / "nope")
    assert res.exit_code == 2 and "字体目录不存在" in res.stderr
