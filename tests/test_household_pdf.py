"""户档 PDF 的批量路径（Typst）：字体嵌入并子集化、文本与数据一致、A4 一页、同样输入同样字节、比逐户 WeasyPrint 快。"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pymupdf
import pytest
from conftest import ROOT

from docgen.fonts import FontSet
from docgen.households.compute import Settings, assess
from docgen.households.docs import household_context
from docgen.render.typst_engine import TypstForms

DATE = dt.date(2020, 12, 31)


@pytest.fixture(scope="module")
def forms():
    return TypstForms(ROOT / "templates" / "typst", FontSet())


@pytest.fixture(scope="module")
def contexts():
    from conftest import staged_households

    hhs = staged_households([ROOT / "samples" / "households" / "户籍导出.xlsx"])
    return [household_context(assess(h, Settings(), DATE), Settings()) for h in hhs[:6]]


@pytest.mark.parametrize("name", ["household_card.typ", "household_income.typ"])
def test_volume_pdf_properties(forms, contexts, name):
    for ctx in contexts:
        data = forms.render(name, ctx, DATE)
        pdf = pymupdf.open(stream=data, filetype="pdf")
        assert len(pdf) == 1
        assert (round(pdf[0].rect.width), round(pdf[0].rect.height)) == (595, 842)  # A4
        for xref, ext, ftype, basefont, *_ in pdf.get_page_fonts(0):
            assert ext not in ("n/a", "") and re.match(r"^[A-Z]{6}\+", basefont), basefont
        body = json.loads(forms.fonts_json)["st"][0].replace(" ", "").lower()  # 表格用宋体角色的第一个可用字体
        assert any(body in f[3].lower() for f in pdf.get_page_fonts(0)), pdf.get_page_fonts(0)
        assert len(data) <= 50 * 1024, len(data)  # 一页户档不超过 50 KB（#8）
        text = pdf[0].get_text().replace("\n", "")
        for key in ("hh_id", "head", "head_id", "per_capita", "verdict"):
            assert str(ctx[key]) in text, (key, ctx[key])
        if name == "household_card.typ":
            for m in ctx["members"]:
                assert m["name"] in text and m["id"] in text
        else:
            for i in ctx["items"]:
                assert i["name"] in text and i["amount"] in text
        assert pdf.metadata["keywords"].startswith("docgen")
        assert "第 1 页" not in text  # 一页的表不编页码


@pytest.mark.parametrize("name, key", [("household_card.typ", "members"), ("household_income.typ", "items")])
def test_long_forms_continue_with_page_numbers_and_repeated_headers(forms, contexts, name, key):
    """成员或收支项目多到一页排不下：每页“第 N 页 共 M 页”，续页页眉写户编号，表头在续页重复，数据一条不少。"""
    ctx = dict(contexts[0])
    rows = ctx[key]
    ctx[key] = [dict(rows[i % len(rows)], name=f"{rows[i % len(rows)]['name']}{i:02d}") for i in range(45)]
    pdf = pymupdf.open(stream=forms.render(name, ctx, DATE), filetype="pdf")
    total = len(pdf)
    assert total >= 2
    header = "姓名" if key == "members" else "金额（元）"
    for i, page in enumerate(pdf, start=1):
        text = page.get_text().replace("\n", "")
        assert f"第 {i} 页 共 {total} 页" in text
        assert header in text
        assert (ctx["hh_id"] in text) and (i == 1 or "（续）" in text)
        assert (round(page.rect.width), round(page.rect.height)) == (595, 842)
    everything = "".join(p.get_text() for p in pdf).replace("\n", "")
    assert all(r["name"] in everything for r in ctx[key])


def test_volume_pdf_keeps_tags_in_object_streams(forms, contexts):
    """带标签（结构树）的 PDF，小对象收在对象流里。"""
    import pikepdf

    with pikepdf.open(io.BytesIO(forms.render("household_income.typ", contexts[0], DATE))) as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert any(o.get("/Type") == "/ObjStm" for o in pdf.objects if isinstance(o, pikepdf.Stream))


def test_volume_pdf_is_deterministic(forms, contexts):
    a = forms.render("household_card.typ", contexts[0], DATE)
    other = TypstForms(ROOT / "templates" / "typst", FontSet())
    assert other.render("household_card.typ", contexts[0], DATE) == a


def test_values_are_data_not_markup(forms, contexts):
    ctx = dict(contexts[0], head="#{panic()} *粗体* $x$ <a>")
    text = pymupdf.open(stream=forms.render("household_card.typ", ctx, DATE), filetype="pdf")[0].get_text()
    assert "#{panic()} *粗体* $x$ <a>" in text.replace("\n", "")
