"""README 中的完整公文 YAML 必须真能渲染（文档与代码不走样）。"""

from __future__ import annotations

import re

import pymupdf
from conftest import ROOT
from docx import Document

from docgen.api import render_file


def test_readme_notice_renders(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    block = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "notice.yaml").write_text(block, encoding="utf-8")
    doc = pymupdf.open()
    page = doc.new_page(width=100, height=100)
    page.draw_circle((50, 50), 45, color=(1, 0, 0), width=3)
    page.get_pixmap(dpi=144).save(tmp_path / "公章.png")
    page.get_pixmap(dpi=300).save(tmp_path / "进度图.png")
    d = Document()
    d.add_paragraph("原有方案的内容。")
    d.save(tmp_path / "原有方案.docx")
    for suffix in (".docx", ".pdf"):
        render_file(tmp_path / "notice.yaml", tmp_path / f"out{suffix}")
    pdf = pymupdf.open(tmp_path / "out.pdf")
    text = "".join(p.get_text() for p in pdf)
    for needle in ("000123", "秘密★1年", "特急", "某住建发〔2020〕5号", "（一）加强组织领导。", "附件：1.农村危房改造任务表",
                   "原有方案的内容。", "（联系人：王五，电话：0919-1234567）", "抄送：县政府办公室，县财政局。"):
        assert needle in text.replace("\n", ""), needle
    assert "#" not in text and "段中标题" not in text  # README 的注释不会混进公文
    assert len(pdf) % 2 == 0
    assert any(p.get_image_info() and "进度图" in p.get_text() for p in pdf)  # 图片附件


def test_readme_tasklist_renders(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    (tmp_path / "t.yaml").write_text(blocks[1], encoding="utf-8")
    from docgen.load.tasklist import load_tasklist

    t = load_tasklist(tmp_path / "t.yaml")
    assert len(t.rows) == 2 and t.rows[1][4] is None
    for suffix in (".docx", ".xlsx", ".pdf"):
        render_file(tmp_path / "t.yaml", tmp_path / f"o{suffix}")


def test_readme_docgen_yml_example_is_valid(tmp_path):
    """README 里的 docgen.yml 示例照抄就能用（不认识的键会报错）。"""
    from docgen.settings import load_settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("贫困线:"))
    (tmp_path / "docgen.yml").write_text(block, encoding="utf-8")
    s = load_settings(tmp_path / "docgen.yml")
    assert s.column_aliases["家庭收入"]["劳务收入"] == "工资性收入" and s.school_ages == (6, 15)


def test_readme_workbench_config_is_valid(tmp_path):
    """README 里工作台的 docgen.yml 片段照抄就能读（口令散列格式对，键都认识）。"""
    import textwrap

    from docgen.settings import load_settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/docgen serve" in readme.split("## 公文 YAML")[0]  # 快速开始里就有
    m = re.search(r"\n( *)```\n(\1工作台:\n.*?)\n\1```", readme, re.S)
    block = m.group(2)
    (tmp_path / "docgen.yml").write_text(textwrap.dedent(block), encoding="utf-8")
    s = load_settings(tmp_path / "docgen.yml")
    assert list(s.workbench.users) == ["张三"] and s.workbench.upload_limit_mb == 50


def test_readme_weekly_report_config_is_valid(tmp_path):
    """README 里周报的 docgen.yml 片段照抄就能读（版头按公文模型校验过）。"""
    from docgen.settings import load_settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("冲刺行动:"))
    (tmp_path / "docgen.yml").write_text(block, encoding="utf-8")
    s = load_settings(tmp_path / "docgen.yml")
    assert s.weekly["签发人"] == ["某某某"] and s.campaign[0].isoformat() == "2020-03-20"
