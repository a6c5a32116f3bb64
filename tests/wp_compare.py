"""把 DOCX 交给 LibreOffice 排版，并与 docgen 自己排的 PDF 逐页比较（测试与 scripts/sweep_word_processor.py 共用）。"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from measure import lines

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# Word 字体名 → 本机开源替代（只给 LibreOffice 用，使其按相近的字体度量排版）
ALIASES = {"仿宋_GB2312": "FandolFang", "方正小标宋简体": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC",
           "楷体_GB2312": "LXGW WenKai", "宋体": "Noto Serif CJK SC"}


# 像打印一样输出“自动插入的空白页”（另起偶数页的分节前插入的空页；LibreOffice 导出 PDF 时默认略去，Word 与打印都保留）
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def lo_convert_many(docs: list[Path], work: Path) -> dict[Path, pymupdf.Document]:
    """一次启动 LibreOffice（字体按 ALIASES 换成本机的开源替代）把多份 DOCX 排成 PDF。"""
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "fonts.conf"
    aliases = "".join(f"<alias binding='same'><family>{k}</family><prefer><family>{v}</family></prefer></alias>"
                      for k, v in ALIASES.items())
    conf.write_text(f"<?xml version='1.0'?><fontconfig><include>/etc/fonts/fonts.conf</include>{aliases}</fontconfig>",
                    encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{work}/profile", "--convert-to", PDF_FILTER,
                    "--outdir", str(work), *map(str, docs)], check=True, env=env, capture_output=True,
                   timeout=60 + 10 * len(docs))
    return {d: pymupdf.open(work / (d.stem + ".pdf")) for d in docs}


def lo_convert(docx: Path, work: Path) -> pymupdf.Document:
    return lo_convert_many([docx], work)[docx]


PAGE_NO = re.compile(r"— \d+ —")


def norm(text: str) -> str:
    """比较用的文字：去掉空格（LibreOffice 在汉字与数字之间自动加的间距原文没有）与零宽空格。"""
    return re.sub(r"[\s\u200b]", "", text)


def body_lines(page: pymupdf.Page) -> list[str]:
    """版心内的 3号正文行（不含页码）。"""
    return [norm(ln.text) for ln in lines(page) if not ln.vertical and abs(ln.size - 16) < 0.3
            and 36 < ln.em_top < 262 and not PAGE_NO.fullmatch(ln.text.strip())]


@dataclass
class Comparison:
    same_pages: bool
    same_text: bool  # 每页的文字相同
    lines: int  # docgen PDF 的正文行数
    same_lines: int  # 其中在 LibreOffice 同一页上断得一样的行
    same_numbers: bool = True  # 每页的页码（有无与数字）相同
    banji_gap_mm: float = 0.0  # 两边版记末条分隔线的高度差（信函的版记没有线：0）
    banji_text_gap_mm: float = 0.0  # 两边版记最后一行文字的高度差；没有版记时为 0
    first_diff: str = ""


def compare_notice(pdf_path: Path, lo: pymupdf.Document) -> Comparison:
    ours = pymupdf.open(pdf_path)
    same_pages = len(ours) == len(lo)
    same_text = same_pages
    total = same = 0
    first = ""
    for k, page in enumerate(ours):
        mine = body_lines(page)
        theirs = body_lines(lo[k]) if k < len(lo) else []
        total += len(mine)
        left = Counter(theirs)
        for t in mine:
            if left[t] > 0:
                left[t] -= 1
                same += 1
            elif not first:
                first = f"第 {k + 1} 页：{t}"
        a = norm("".join(ln.text for ln in lines(page) if not PAGE_NO.fullmatch(ln.text.strip())))
        b = norm("".join(ln.text for ln in lines(lo[k]) if not PAGE_NO.fullmatch(ln.text.strip()))) if k < len(lo) else ""
        if sorted(a) != sorted(b):
            same_text = False
    numbers = [page_numbers(p) for p in ours] == [page_numbers(p) for p in lo]
    return Comparison(same_pages, same_text, total, same, numbers, abs(_banji_rule_mm(ours) - _banji_rule_mm(lo)),
                      abs(_banji_bottom_mm(ours) - _banji_bottom_mm(lo)), first)


def page_numbers(page: pymupdf.Page) -> list[str]:
    return [ln.text.strip() for ln in lines(page) if PAGE_NO.fullmatch(ln.text.strip())]


def _banji_rule_mm(doc: pymupdf.Document) -> float:
    """最后一页上最下一条通栏黑线（版记末条分隔线）的中线高度（mm）；没有时为 0。docgen 的线是填充的矩形、
    LibreOffice 的是描边的线，所以都取中线。"""
    cc = [ln.em_top for ln in lines(doc[-1]) if "抄送：" in ln.text]
    if not cc:
        return 0.0
    # 版记的线：抄送一行之上不远处起（不算同一页上附件表格的框线）、通栏、黑色
    ys = [(d["rect"].y0 + d["rect"].y1) / 2 for d in doc[-1].get_drawings()
          if d["rect"].width > 150 * 72 / 25.4 and d["rect"].height < 2 and d["rect"].y0 * 25.4 / 72 > cc[0] - 6
          and max(d.get("fill") or d.get("color") or (1, 1, 1)) < 0.2]
    return max(ys) * 25.4 / 72 if ys else 0.0


def _banji_bottom_mm(doc: pymupdf.Document) -> float:
    """最后一页上版记最后一行的字面框顶端（mm）；没有版记时为 0。"""
    tops = [ln.em_top for ln in lines(doc[-1]) if "抄送：" in ln.text or ln.text.rstrip().endswith("印发")]
    return max(tops) if tops else 0.0


def render_and_compare(sources: dict[str, str], work: Path) -> dict[str, Comparison]:
    """每份 YAML（名称 → 文字，图片已在 work 里）都排出 DOCX 与 PDF，DOCX 交给 LibreOffice，逐份比较。"""
    from docgen.api import render_file

    docs = {}
    for name, text in sources.items():
        src = work / f"{name}.yaml"
        src.write_text(text, encoding="utf-8")
        render_file(src, work / f"{name}.docx")
        render_file(src, work / f"{name}.pdf")
        docs[name] = work / f"{name}.docx"
    lo = lo_convert_many(list(docs.values()), work / "lo")
    return {name: compare_notice(work / f"{name}.pdf", lo[d]) for name, d in docs.items()}
