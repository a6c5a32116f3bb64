"""make demo：把 samples/ 下的每个样例渲染到输出目录（默认 out/）。"""

from __future__ import annotations

import sys
from pathlib import Path

from docgen.api import detect_kind, render_file
from docgen.errors import DocgenError
from docgen.fonts import FontSet
from docgen.load.yamlsrc import load_yaml

ROOT = Path(__file__).resolve().parent.parent
FORMATS = {"notice": (".docx", ".pdf"), "tasklist": (".docx", ".xlsx", ".pdf")}


def main(out_dir: str = "out") -> int:
    out = ROOT / out_dir
    fonts = FontSet()
    for msg in fonts.substitutions():
        print(f"提示：{msg}")
    failed = 0
    for src in sorted((ROOT / "samples").glob("*/*.yaml")):
        try:
            kind = detect_kind(load_yaml(src))
        except DocgenError:
            continue  # 不是可直接渲染的文书（如被其他文件引用的数据）
        for suffix in FORMATS.get(kind, ()):
            target = out / src.parent.name / (src.stem + suffix)
            try:
                render_file(src, target, fonts)
                print(f"已生成 {target.relative_to(ROOT)}")
            except DocgenError as exc:
                failed += 1
                print(f"失败 {src.relative_to(ROOT)} → {suffix}: {exc}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
