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
        failed += _campaign_week(out, hh)
        failed += _crosscheck(out, hh)
    return 1 if failed else 0


def _crosscheck(out: Path, hh: Path) -> int:
    """库册实证说：照样例导出表录一份帮扶手册与走访记录（示例，一成的户埋下不一致）→ 核对 → out/核对。"""
    from docgen.crosscheck.run import run_crosscheck
    from docgen.crosscheck.sample import write_handbook

    try:
        planted = write_handbook(hh, out / "帮扶手册（示例）", seed=3, rate=0.1)
        res, written = run_crosscheck([hh, out / "帮扶手册（示例）" / "走访记录.xlsx"],
                                      [out / "帮扶手册（示例）" / "帮扶手册.xlsx"], out / "核对", period=(2020, 12))
    except DocgenError as exc:
        print(f"失败 库册核对示例: {exc}", file=sys.stderr)
        return 1
    print(f"已生成 out/核对：库册核对.xlsx 与 {len(written) - 1} 份核对单；示例手册埋下 {len(planted)} 处不一致，找到 "
          f"{len(res.mismatches)} 处")
    return 0


def _campaign_week(out: Path, hh: Path) -> int:
    """冲刺行动的一周：生成八查排查表 → 像排查人那样填好（示例）→ 读回记进问题台账 → 城乡建设科销号两条 →
    两个单位填回任务跟踪表 → 排出第 2 周进展情况报告。命令行的 survey make / survey read / problems update / report week
    走的是同样的函数。"""
    import datetime as dt

    from docgen.api import render_document
    from docgen.campaign.problems import XLSX, ProblemLedger, read_edits
    from docgen.campaign.report import weekly_report
    from docgen.campaign.sample import close_problems, fill_surveys, fill_tracking
    from docgen.campaign.survey import make_surveys, read_surveys
    from docgen.households.load import collect_files
    from docgen.settings import load_settings

    settings = load_settings(ROOT / "samples" / "campaign" / "docgen.yml")
    try:
        stats = make_surveys(collect_files([hh], (2020, 12)), out / "八查", settings=settings, period=(2020, 12))
        planted = fill_surveys(sorted((out / "八查").glob("*.xlsx")), out / "八查-填好（示例）", seed=7, rate=0.04)
        result = read_surveys(sorted((out / "八查-填好（示例）").glob("*.xlsx")))
        ledger = out / "问题台账"
        led = ProblemLedger(ledger)
        try:
            led.apply_survey(result, dt.date(2020, 4, 30))
            led.write_xlsx(dt.date(2020, 3, 26))
            numbers = [p["number"] for p in led.problems()][:2]
            edited = close_problems(ledger / XLSX, out / "问题整改台账-城乡建设科填（示例）.xlsx",
                                    {n: (dt.date(2020, 3, 31), "补办的认定证件复印件") for n in numbers})
            edits, issues = read_edits(edited, led)
            led.apply_edits(edits, dt.date(2020, 4, 1))
            led.write_xlsx(dt.date(2020, 4, 1))
        finally:
            led.close()
        blank = out / "跟踪" / "任务清单.xlsx"
        blank.parent.mkdir(parents=True, exist_ok=True)
        blank.write_bytes(render_document(ROOT / "samples" / "tongwang-2020-108" / "tasklist.yaml", ".xlsx"))
        day = dt.date(2020, 4, 2)
        sheets = [fill_tracking(blank, out / "跟踪" / "城乡建设科.xlsx",
                                {3: ("进行中", None), 9: ("已完成", dt.date(2020, 3, 30)), 10: ("进行中", None)}, day),
                  fill_tracking(blank, out / "跟踪" / "村镇建设股.xlsx",
                                {4: ("已销号", dt.date(2020, 3, 28)), 11: ("进行中", None)}, day)]
        rep, written = weekly_report(sheets, ledger, out / "周报", settings=settings)
    except DocgenError as exc:
        print(f"失败 冲刺行动示例: {exc}", file=sys.stderr)
        for i in getattr(exc, "issues", []):
            print(f"  {i}", file=sys.stderr)
        return 1
    print(f"已生成 out/八查：{stats['villages']} 个村的八查排查表，{stats['households']} 户；示例填写埋下 "
          f"{sum(len(v) for v in planted.values())} 个“否”，台账 {len(result.findings())} 条问题，销号 2 条")
    print(f"已生成 第{rep.figures.week}周进展情况报告：{'、'.join(str(p.relative_to(ROOT)) for p in written.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
