"""`docgen crosscheck run` 与工作台、批处理共用的一条路：读库（与 check / batch 同一条流水线）→ 读册 → 核对 → 写报告与核对单。
册里有错误（同一户两行、年度写不成年份、金额认不出……）时不核对、什么都不写：InputError 列出每一处。"""

from __future__ import annotations

from pathlib import Path


def run_crosscheck(data_paths: list[Path], handbooks: list[Path], out: Path, *, settings=None, period=None,
                   sheets: bool = True, workers: int = 1, fonts=None):
    from docgen.crosscheck.compare import crosscheck
    from docgen.crosscheck.handbook import read_handbooks
    from docgen.crosscheck.outputs import REPORT, SHEETS_DIR, write_report, write_sheets
    from docgen.errors import InputError
    from docgen.households.load import check_output_apart, collect_files
    from docgen.settings import Settings

    settings = settings or Settings()
    for h in handbooks:
        if not Path(h).is_file():
            raise InputError(f"{h}: 找不到帮扶手册录入表")
    hb = read_handbooks(handbooks)
    errors = [i for i in hb.issues if i.severity == "error"]
    if errors:
        raise InputError(f"帮扶手册录入表有 {len(errors)} 处错误，没有核对（改好后再核对）", errors)
    data = collect_files([p for p in data_paths], period)
    check_output_apart(data.files, Path(out))
    res = crosscheck(data, hb, settings, period, workers)
    stamp = res.reference  # 核对单上的日期：基准日期（不读今天的日期）
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if (out / SHEETS_DIR).is_dir():  # 上次的核对单：已改好的户不该还留着单子
        import shutil

        shutil.rmtree(out / SHEETS_DIR)
    written = [write_report(res, out / REPORT, stamp)]
    if sheets:
        written += write_sheets(res, out, settings, stamp, fonts)
    return res, written
