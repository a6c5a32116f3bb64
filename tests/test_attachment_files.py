"""附件可以是已有文件：Word（段落、标题、合并单元格的表格）或纯文本。"""

from __future__ import annotations

import io
import zipfile

import pymupdf
from click.testing import CliRunner
from conftest import MINIMAL
from docx import Document

from docgen.api import render_document
from docgen.cli import cli


def make_docx(path):
    d = Document()
    d.add_heading("工作安排", level=1)
    d.add_paragraph("各镇按月上报进度。")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["镇", "村", "户数"], ["黄堡镇", "甲村", "12"], ["", "乙村", "8"]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    t.cell(1, 0).merge(t.cell(2, 0))  # 纵向合并
    t.cell(1, 0).text = "黄堡镇"
    d.save(path)


def test_docx_attachment_renders_in_both_formats(write_yaml, tmp_path):
    make_docx(tmp_path / "安排.docx")
    src = write_yaml(MINIMAL + "附件:\n  - 名称: 工作安排表\n    文件: 安排.docx\n")
    pdf = pymupdf.open(stream=render_document(src, ".pdf"), filetype="pdf")
    text = "".join(p.get_text() for p in pdf).replace("\n", "")
    assert "一、工作安排" in text and "各镇按月上报进度。" in text and "黄堡镇" in text and "乙村" in text
    assert text.count("黄堡镇") == 1  # 合并单元格只出现一次
    xml = zipfile.ZipFile(io.BytesIO(render_document(src, ".docx"))).read("word/document.xml").decode()
    assert "各镇按月上报进度。" in xml and 'w:vMerge w:val="restart"' in xml


def test_text_attachment(write_yaml, tmp_path):
    (tmp_path / "说明.txt").write_text("# 总体要求\n按时完成。\n", encoding="utf-8")
    src = write_yaml(MINIMAL + "附件:\n  - 名称: 说明\n    文件: 说明.txt\n")
    pdf = pymupdf.open(stream=render_document(src, ".pdf"), filetype="pdf")
    assert "一、总体要求" in pdf[-1].get_text()


def test_attachment_file_errors(write_yaml, tmp_path):
    (tmp_path / "扫描.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "坏.docx").write_bytes(b"not a zip")
    for name, fragment in (("扫描.pdf", "格式不支持"), ("坏.docx", "不是有效的Word 文档"), ("没有.docx", "找不到附件文件")):
        src = write_yaml(MINIMAL + f"附件:\n  - 名称: 甲\n    文件: {name}\n")
        out = tmp_path / "o.pdf"
        res = CliRunner().invoke(cli, ["render", str(src), "-o", str(out)])
        assert res.exit_code == 2, res.stderr
        assert fragment in res.stderr and "notice.yaml:13:附件[1].文件" in res.stderr
        assert not out.exists()


def test_attachment_needs_content(write_yaml, tmp_path):
    res = CliRunner().invoke(cli, ["render", str(write_yaml(MINIMAL + "附件:\n  - 名称: 甲\n")), "-o", str(tmp_path / "o.pdf")])
    assert res.exit_code == 2 and "缺少内容" in res.stderr and "notice.yaml:12:附件[1]" in res.stderr


def test_docgen_notice_docx_as_attachment_keeps_the_closing_paragraph_whole(sample_docx):
    """docgen 出的 Word 公文把正文末段的末两行拆成“公文正文（续）”一段（与署名同页）；拿它当附件文件读时接回一段。"""
    from docgen.api import load_notice
    from docgen.load.attachment_file import read_attachment_file

    from conftest import SAMPLE

    parts = read_attachment_file(sample_docx, "附件[1].文件")
    text = "\n".join(c for k, c in parts if k == "text").splitlines()
    last = load_notice(SAMPLE).blocks[-1].text
    assert last in text
