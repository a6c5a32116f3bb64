"""PDF 正文的逐行两端对齐与标点挤压。

WeasyPrint 的两端对齐只在空格处加宽，中文没有空格，按标点禁则提前断开的行就短 1–14 mm。中文排版的做法是：
行内字距均匀加宽撑满版心；行末闭标点落在版心外一个字位时，压缩标点（行末标点与行内其他闭标点各让出半个字）
把它挤进本行。断行位置由 `docgen.layout.body_lines` 决定（DOCX 用同一个函数），这里只算每个字的字距，
每行用 `<br>` 结束、段落不自动换行，所以 PDF 的断行与算出来的完全一样。
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from docgen.layout import _NO_END, GB9704, HANG, body_lines, text_width_em

Part = tuple[str, str | None]  # (文字, CSS 类：None 为正文字体)


def _em(ch: str, ascii_em: Callable[[str, str | None], float], cls: str | None) -> float:
    if text_width_em(ch) == 1.0:
        return 1.0
    return ascii_em(ch, cls)


def line_spacings(parts: Sequence[Part], ascii_em: Callable[[str, str | None], float],
                  indent_em: float = 2.0) -> list[tuple[int, int, bool, list[float]]]:
    """一段正文每行的 (起, 止, 是否挤压行末标点, 各字的字距 pt)：提前断开的行均匀加宽；行末闭标点落在版心外时
    先压缩行内标点、不够再均匀收紧。`ascii_em(字, 类)` 给出非汉字字符在该字体中的字宽（字号为 1）。"""
    g = GB9704
    size, cs = g.body_pt, g.char_spacing_pt
    width = g.char_pitch_pt * 28 - cs  # 28 个字位：最后一个字后面的字距不算
    text = "".join(t for t, _ in parts)
    cls = [c for t, c in parts for _ in t]
    lines = body_lines(text, indent_em, 28.0)
    out = []
    for li, (a, b, hang) in enumerate(lines):
        chars = text[a:b]
        n = len(chars)
        if not n:
            continue
        adv = [_em(c, ascii_em, cls[a + i]) * size for i, c in enumerate(chars)]
        ls = [cs] * n
        target = width - (indent_em * size if li == 0 else 0.0)
        # 版心内的行宽：末字只算字面（挤压的行末标点只算它的前半个字）
        natural = sum(adv[:-1]) + cs * (n - 1) + (0.5 * size if hang else adv[-1])
        extra = target - natural
        if hang:
            ls[-1] = cs - 0.5 * size
        last = li == len(lines) - 1
        if extra < -1e-6:
            # 先压缩行内其他标点（闭标点压后半、开标点压前半，从右往左），不够再均匀收紧字距
            for i in range(n - 2, -1, -1):
                if extra >= -1e-6:
                    break
                if chars[i] in HANG:
                    take = min(0.5 * size, -extra)
                    ls[i] -= take
                    extra += take
                elif chars[i] in _NO_END and i > 0:
                    take = min(0.5 * size, -extra)
                    ls[i - 1] -= take
                    extra += take
        if n > 1 and (extra < -1e-6 or (extra > 1e-6 and not last)):
            step = extra / (n - 1)
            for i in range(n - 1):
                ls[i] += step
        out.append((a, b, hang, ls))
    return out


def squeezes(text: str, indent_em: float = 2.0) -> dict[int, float]:
    """Word 版用：行末闭标点挤进版心的那些行里，哪些字要改字距、改多少（pt，相对正文字距；负数为收紧）。
    Word 与 LibreOffice 在这里本会让标点悬挂到版心外（LibreOffice 导出 PDF 时还把悬挂的标点丢了），写明字距后
    这一行正好 28 个字位，两种软件都不必悬挂，断行与 PDF 相同。西文按半个字算（Word 的仿宋_GB2312）。"""
    cs = GB9704.char_spacing_pt
    out: dict[int, float] = {}
    for a, _, hang, ls in line_spacings([(text, None)], lambda ch, cls: 0.5, indent_em):
        if hang:
            out.update({a + i: v - cs for i, v in enumerate(ls) if abs(v - cs) > 1e-3})
    return out


def justify_paragraph(parts: Sequence[Part], ascii_em: Callable[[str, str | None], float],
                      indent_em: float = 2.0) -> Markup:
    """一段正文（可含换用字体的标题部分）排成逐行两端对齐的 HTML：每个字的字距写在 span 上，行间用 `<br>`。"""
    cs = GB9704.char_spacing_pt
    text = "".join(t for t, _ in parts)
    cls = [c for t, c in parts for _ in t]
    lines = line_spacings(parts, ascii_em, indent_em)
    out: list[str] = []
    for li, (a, b, _hang, ls) in enumerate(lines):
        chars = text[a:b]
        n = len(chars)
        last = li == len(lines) - 1
        # 同一字体、同一字距的相邻字合成一个 span
        i = 0
        while i < n:
            j = i + 1
            while j < n and cls[a + j] == cls[a + i] and abs(ls[j] - ls[i]) < 5e-4:
                j += 1
            piece = str(escape(chars[i:j]))
            attrs = []
            if cls[a + i]:
                attrs.append(f'class="{cls[a + i]}"')
            if abs(ls[i] - cs) >= 5e-4:
                attrs.append(f'style="letter-spacing: {ls[i]:.3f}pt"')
            out.append(f"<span {' '.join(attrs)}>{piece}</span>" if attrs else piece)
            i = j
        if not last:
            out.append("<br>")
    return Markup("".join(out))
