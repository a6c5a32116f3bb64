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
    # 建档立卡示例数据：校验、核算，生成台账、户档与公示名单
    hh = ROOT / "samples" / "households"
    if hh.is_dir():
        from docgen.households.build import build_ledgers
        from docgen.households.validate import validate_paths

        files = [hh / "户籍导出.xlsx", hh / "村.yaml", hh / "问题.xlsx"]
        report = validate_paths(files)
        print(f"校验 samples/households：{len(report.dataset.households)} 户，{len(report.errors)} 个错误，{len(report.warnings)} 个警告")
        try:
            stats = build_ledgers(files, out / "households")
            print(f"已生成 out/households：{stats['villages']} 个村台账、全县汇总、{stats['documents']} 份户档、公示名单")
        except DocgenError as exc:
            failed += 1
            print(f"失败 samples/households: {exc}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
