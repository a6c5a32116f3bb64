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
        from docgen.households.load import collect_files
        from docgen.households.stage import check_data
        from docgen.settings import Settings

        data = collect_files([hh], (2020, 12))
        report = check_data(data, Settings(), (2020, 12))
        print(f"校验 samples/households：{report.households} 户，{len(report.errors)} 个错误，{len(report.warnings)} 个警告")
        try:
            summary = build_ledgers(data, out / "households", period="2020-12")
            print(f"已生成 out/households：{summary.done} 个文件（各村台账与公示名单、全县汇总与公示名单、户档）")
        except DocgenError as exc:
            failed += 1
            print(f"失败 samples/households: {exc}", file=sys.stderr)
        else:
            # 把生成的台账、户档、公示名单整理成档案包并核对
            from docgen.archive.build import build_archive
            from docgen.archive.profile import load_profile
            from docgen.archive.verify import verify_archive
            import datetime as dt

            profile = load_profile("default")
            arch = out / "档案"
            stats = build_archive([out / "households"], arch, profile, year=2020, date=dt.date(2020, 12, 31),
                                  data_files=[hh / "户籍导出.xlsx", hh / "村.yaml"])
            problems = verify_archive(arch, profile)
            print(f"已生成 out/档案：{stats['bundles']} 个档案包，{stats['volumes']} 卷，{stats['boxes']} 盒；"
                  f"材料不齐全 {len(stats['gaps'])} 处（见 out/档案/完整性报告.xlsx）；核对{'无误' if not problems else '有问题'}")
            for p in problems:
                print(f"  {p}", file=sys.stderr)
            failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
