"""工作台预览的省一遍排版（render_notice_pdf 的 hints）：带不带上次的版记留白，排出的 PDF 字节都一样——
改一个字、删一段、加一段之后拿旧的留白去排，也与从头两遍排的一样。"""

from __future__ import annotations

import pytest
from conftest import draw_png
from test_layout_sweep import case

from docgen.api import render_document
from docgen.fonts import FontSet

CASES = [i for i in range(60) if case(i)[1]["banji"]][:8]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("hints")
    draw_png(d / "seal.png", 400, 400, True)
    draw_png(d / "stamp.png", 300, 120, False)
    return d


@pytest.mark.parametrize("i", CASES)
def test_hinted_render_is_byte_identical(i, work, monkeypatch):
    fonts = FontSet()
    text, _ = case(i)
    src = work / f"n{i}.yaml"
    src.write_text(text, encoding="utf-8")
    hints: dict = {}
    first = render_document(src, ".pdf", fonts, hints)
    assert render_document(src, ".pdf", fonts) == first
    from docgen.render import pdf

    passes = []
    real = pdf._layout
    monkeypatch.setattr(pdf, "_layout", lambda *a, **k: passes.append(1) or real(*a, **k))
    assert render_document(src, ".pdf", fonts, dict(hints)) == first  # 用上次的留白：一遍排完，字节相同
    assert len(passes) == (1 if hints.get("版记留白") is not None else 2)
    # 改一个字、删掉最后一段、加一段：拿旧留白去排，与从头排的相同
    lines = text.splitlines()
    body = [k for k, ln in enumerate(lines) if ln.startswith("  ") and not ln.strip().startswith(("#", "-"))
            and "：" not in ln and ":" not in ln]
    edits = [text.replace("逐户", "逐家", 1)]
    if body:
        k = body[-1]
        edits.append("\n".join(lines[:k] + lines[k + 1:]) + "\n" if len(body) > 1 else text)
        edits.append("\n".join(lines[:k + 1] + [lines[k]] + lines[k + 1:]) + "\n")
    for n, edited in enumerate(edits):
        src.write_text(edited, encoding="utf-8")
        fresh = render_document(src, ".pdf", fonts)
        assert render_document(src, ".pdf", fonts, dict(hints)) == fresh, (i, n)
