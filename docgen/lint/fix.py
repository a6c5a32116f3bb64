"""对 YAML 源文件做安全修正（标点全半角、括号配对、发文字号的括号），原子写回并报告改了什么。"""

from __future__ import annotations

from pathlib import Path

from docgen.lint.core import Finding
from docgen.util.fs import atomic_write

SAFE_RULES = {"PU001", "PU002", "GW001"}


def apply_fixes(findings: list[Finding]) -> list[str]:
    """按文件应用可安全修正的结果；返回中文的修改说明。只改 YAML（.docx 只报告不改）。"""
    by_file: dict[Path, list[Finding]] = {}
    for f in findings:
        u = f.unit
        if f.fix is None or f.rule not in SAFE_RULES or u is None or getattr(u, "span", None) is None or f.path is None:
            continue
        if f.path.suffix.lower() not in (".yaml", ".yml"):
            continue
        by_file.setdefault(f.path, []).append(f)
    notes = []
    for doc_path, items in by_file.items():
        text = doc_path.read_text(encoding="utf-8-sig")
        # 从后往前改，前面的区间不受影响
        for f in sorted(items, key=lambda f: f.unit.span[0], reverse=True):
            a, b = f.unit.span
            seg = text[a:b]
            if seg.count(f.fix.old) != 1:
                notes.append(f"{f.location}: 未自动修正 [{f.rule}]（同一处有多个相同片段，请手工修改）：{f.fix.old}")
                continue
            # 修正都是等长的字符替换（半角→全角），其他单元的区间不受影响
            text = text[:a] + seg.replace(f.fix.old, f.fix.new) + text[b:]
            notes.append(f"{f.location}: 已修正 [{f.rule}] {f.fix.old} → {f.fix.new}")
        atomic_write(doc_path, text.encode("utf-8"))
    return notes
