"""命令行：``docgen render INPUT -o OUTPUT``。帮助与提示均为中文。

退出码：0 成功；2 输入有误（不写任何文件）；1 内部错误。
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from docgen import __version__
from docgen.errors import DocgenError, InputError

err = Console(stderr=True, highlight=False, soft_wrap=True)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# click 的界面文字经 gettext 取得；这里把它们换成中文（只影响 docgen 自己的进程）。
ZH_CLICK = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看用法。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是不是要写 {possibility}？",
    "(Possible options: {possibilities})": "（可能是：{possibilities}）",
    "Aborted!": "已中止。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数值。",
    "{value!r} is not {choice}.": "{value!r} 不可用，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不可用，应为 {choices} 之一。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 没有写入权限。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "Could not open file {filename!r}: {message}": "打不开文件 {filename!r}：{message}",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面要跟一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面要跟 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能跟值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 要有 {nargs} 个值。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats} 之一。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是 是/否 的写法，可用：{states}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid start character for option ({option})": "选项的开头字符不对（{option}）",
    "unknown error": "未知错误",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数字",
    "integer range": "整数",
    "float range": "数字",
    "boolean": "是/否",
    "text": "文字",
    "filename": "文件名",
}


def _zh(message: str) -> str:
    return ZH_CLICK.get(message, message)


def _ngettext_zh(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


for _mod in (click.core, click.exceptions, click.formatting, click.decorators, click.types, click.parser):
    if hasattr(_mod, "_"):
        _mod._ = _zh
    if hasattr(_mod, "ngettext"):
        _mod.ngettext = _ngettext_zh


def _zh_period(cls):
    """click 在“缺少参数 '输入文件'”之类的句末写死了英文句点：换成中文句号。"""
    original = cls.format_message

    def format_message(self):
        text = original(self)
        return text[:-1] + "。" if text.endswith(".") and not text.endswith("..") else text

    cls.format_message = format_message


_zh_period(click.exceptions.MissingParameter)


@click.group(context_settings=CONTEXT, no_args_is_help=True)
@click.version_option(__version__, "-V", "--version", message="docgen %(version)s")
@click.option("-v", "--verbose", is_flag=True, help="出错时显示详细的技术信息（调用栈）。")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """docgen：把结构化数据生成为符合 GB/T 9704-2012 的公文、清单与台账。"""
    ctx.obj = {"verbose": verbose}
    logging.basicConfig(level=logging.WARNING, format="%(message)s")


@cli.command("render", context_settings=CONTEXT)
@click.argument("input_path", metavar="输入文件", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", metavar="输出文件", required=True, type=click.Path(path_type=Path),
              help="输出文件；格式由扩展名决定：.docx（Word）、.xlsx（Excel，任务清单）、.pdf、.html。")
@click.option("--font-dir", "font_dirs", metavar="目录", multiple=True, type=click.Path(path_type=Path),
              help="存放自有授权字体的文件夹（可重复）；其中的字体优先于系统字体。")
@click.option("--fallback", "fallbacks", metavar="角色=字体,字体", multiple=True,
              help="改写某种字体的回退顺序，如 “仿宋=仿宋_GB2312,FandolFang”（角色：小标宋、仿宋、黑体、楷体、宋体）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示字体替代等提示。")
@click.pass_context
def render_cmd(ctx: click.Context, input_path: Path, output: Path, font_dirs: tuple[Path, ...],
               fallbacks: tuple[str, ...], quiet: bool) -> None:
    """把 输入文件 渲染为 Word、Excel、PDF 或 HTML。

    输入可以是公文 YAML、任务清单 YAML，或任务清单的 Excel / Word 表格；
    文书种类由输入内容判断，输出格式由 -o 的扩展名决定。例如：

        docgen render samples/tongwang-2020-108/notice.yaml -o out/notice.pdf

        docgen render samples/tongwang-2020-108/tasklist.yaml -o out/tasklist.xlsx
    """
    from docgen.api import ALL_FORMATS, render_file
    from docgen.fonts import FontSet

    def run() -> None:
        if output.is_dir():
            raise InputError(f"{output}: 是文件夹——-o 要给文件名，如 {output / (input_path.stem + '.pdf')}")
        if output.suffix.lower() not in ALL_FORMATS:
            raise InputError(f"{output}: 不支持的输出格式“{output.suffix or '（无扩展名）'}”，请用 {'、'.join(ALL_FORMATS)}")
        if not input_path.is_file():
            raise InputError(f"{input_path}: 找不到输入文件")
        chains = {}
        for f in fallbacks:
            role, sep, names = f.partition("=")
            if not sep or not names.strip():
                raise InputError(f"--fallback {f!r} 格式应为 角色=字体,字体")
            chains[role.strip()] = [n.strip() for n in names.split(",") if n.strip()]
        fonts = FontSet([str(d) for d in font_dirs], chains)
        out = render_file(input_path, output, fonts)
        if not quiet:
            if output.suffix.lower() in (".pdf", ".html"):
                for msg in fonts.substitutions():
                    err.print(Text.assemble(("提示：", "yellow"), str(msg)))
            err.print(Text.assemble(("已生成 ", "green"), str(out)))

    _guard(ctx, run)


@cli.command("import", context_settings=CONTEXT)
@click.argument("input_path", metavar="输入文件", type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", metavar="输出.yaml", required=True, type=click.Path(path_type=Path),
              help="写出的任务清单 YAML 文件。")
@click.option("--year", "year", metavar="年份", type=int, default=None,
              help="完成时限中没写年份时用的年份（不写则从标题或文件名中找）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示提示。")
@click.pass_context
def import_cmd(ctx: click.Context, input_path: Path, output: Path, year: int | None, quiet: bool) -> None:
    """把已有的 Word（.docx）或 Excel（.xlsx）任务清单读成 YAML。

    合并单元格（Word 的纵向/横向合并、Excel 的合并区域）原样保留：~ 表示与上格合并，< 表示与左格合并。
    导入 → 渲染 → 再导入，得到相同的数据。例如：

        docgen import 旧清单.xlsx -o 清单.yaml
    """
    from docgen.importer import import_tasklist
    from docgen.util.fs import atomic_write

    def run() -> None:
        if output.suffix.lower() not in (".yaml", ".yml"):
            raise InputError(f"{output}: 导入结果应写成 .yaml 文件")
        if input_path.suffix.lower() not in (".docx", ".xlsx"):
            raise InputError(f"{input_path}: 只能导入 .docx 或 .xlsx 文件")
        if not input_path.is_file():
            raise InputError(f"{input_path}: 找不到输入文件")
        text = import_tasklist(input_path, year)
        atomic_write(output, text.encode("utf-8"))
        if not quiet:
            err.print(Text.assemble(("已导入 ", "green"), f"{input_path} → {output}"))

    _guard(ctx, run)


@cli.command("lint", context_settings=CONTEXT)
@click.argument("paths", metavar="文件...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="结果格式：text（逐条中文）或 json。")
@click.option("--fix", is_flag=True, help="对 YAML 源文件做安全修正（标点全半角、括号配对、发文字号的括号），并报告改了什么。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（可关闭规则或改级别）；默认读当前目录的 docgen.yml。")
@click.pass_context
def lint_cmd(ctx: click.Context, paths: tuple[Path, ...], fmt: str, fix: bool, config: Path | None) -> None:
    """公文体检：发出前检查公文、任务清单的 YAML 与 Word 文件。

    检查 GB/T 9704 的结构（发文字号、日期、标题、主送、附件说明、序号、抄送）、GB/T 15834 的标点、
    日期与时限、泄密与个人信息（账号密码、身份证号、手机号、银行卡号），Word 文件另查版式。
    有错误时退出码为 1。例如：

        docgen lint samples/tongwang-2020-108/notice.yaml 旧通知.docx
    """
    import json

    from docgen.lint import LintConfig, apply_fixes, lint_paths

    def run() -> None:
        cfg = LintConfig.load(config)
        try:
            findings = lint_paths(list(paths), cfg)
        except InputError as exc:  # 文件读不了：--format json 时也给 JSON（stdout），退出码 2
            if fmt != "json":
                raise
            click.echo(json.dumps({"错误": exc.message, "问题": [str(i) for i in exc.issues], "findings": []},
                                  ensure_ascii=False, indent=2))
            sys.exit(exc.exit_code)
        notes: list[str] = []
        if fix:
            for _ in range(5):  # 修正后重查：相邻的问题可能要再改一轮
                changed = apply_fixes(findings)
                notes += [n for n in changed if "已修正" in n]
                findings = lint_paths(list(paths), cfg)
                if not any("已修正" in n for n in changed):
                    notes += [n for n in changed if "未自动修正" in n]
                    break
        errors = [f for f in findings if f.severity == "error"]
        if fmt == "json":
            click.echo(json.dumps({"findings": [f.as_dict() for f in findings], "fixed": notes},
                                  ensure_ascii=False, indent=2))
        else:
            for n in notes:
                click.echo(n)
            for f in findings:
                click.echo(str(f))
            warn = sum(f.severity == "warning" for f in findings)
            click.echo(f"共检查 {len(paths)} 个文件：{len(errors)} 个错误，{warn} 个警告。" if findings
                       else f"共检查 {len(paths)} 个文件：没有发现问题。")
        if errors:
            sys.exit(1)

    _guard(ctx, run)


@cli.command("check-templates", context_settings=CONTEXT)
@click.option("--dir", "root", metavar="模板目录", type=click.Path(path_type=Path), default=None,
              help="要检查的模板目录（默认为 docgen 使用的 templates/）。")
@click.pass_context
def check_templates_cmd(ctx: click.Context, root: Path | None) -> None:
    """对照数据模型检查全部 Word、HTML 与 Typst 模板：未声明或拼错的变量、被 Word 拆开的标签、语法错误。"""
    from docgen.lint.templates import check_templates
    from docgen.render.env import templates_dir

    def run() -> None:
        d = root or templates_dir()
        if not d.is_dir():
            raise InputError(f"{d}: 模板目录不存在")
        findings = check_templates(d)
        for f in findings:
            click.echo(str(f))
        n = sum(len(list((d / sub).glob(pat))) for sub, pat in (("html", "*"), ("docx", "*.docx"), ("typst", "*.typ")))
        click.echo(f"共检查 {n} 个模板：{len(findings)} 个问题。" if findings else f"共检查 {n} 个模板：没有发现问题。")
        if findings:
            sys.exit(1)

    _guard(ctx, run)


@cli.command("check", context_settings=CONTEXT)
@click.argument("paths", metavar="数据文件或文件夹...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--period", "period", metavar="YYYY-MM", default=None,
              help="期别，如 2020-12：决定基准日期（算年龄、核算年度）；文件夹里有几个月的导出表时选哪一份。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（贫困线、列名映射、基准日期……）；默认读当前目录的 docgen.yml。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="结果格式：text（表格）或 json。")
@click.option("--strict", is_flag=True, help="有警告也按失败处理（退出码 2）。")
@click.pass_context
def check_cmd(ctx: click.Context, paths: tuple[Path, ...], period: str | None, config: Path | None, fmt: str,
              strict: bool) -> None:
    """校验建档立卡导出数据（xlsx/csv）及村、帮扶责任人、问题、走访记录（yaml/xlsx）。

    可以给文件，也可以给文件夹（与 batch --data 相同：锁定文件、隐藏文件跳过并说明）。
    先说明每张表哪一行是表头、读成什么表，再列出全部问题（文件、工作表、行、字段、级别、代码、说明）；
    有错误时退出码为 2。例如：

        docgen check 户籍.xlsx 村名单.yaml

        docgen check 数据文件夹 --period 2020-12
    """
    import json

    from docgen.households.load import collect_files
    from docgen.households.stage import check_data
    from docgen.settings import load_settings

    def run() -> None:
        ym = parse_period(period, "--period") if period else None
        settings = load_settings(config)
        data = collect_files(list(paths), ym)
        intake = check_data(data, settings, ym, workers=min(2, os.cpu_count() or 1))
        issues = sorted(intake.issues, key=lambda i: (i.location.file, i.location.sheet or "", i.location.row or 0))
        if fmt == "json":
            click.echo(json.dumps({
                "files": [f.name for f in data.files], "notes": intake.notes,
                "sheets": [{"file": s.file, "sheet": s.sheet, "kind": s.kind, "header_rows": [s.header_first, s.header_row]
                            if s.header_row else None, "data_rows": s.data_rows} for s in intake.sheets],
                "reference_date": intake.reference.isoformat() if intake.reference else None,
                "households": intake.households, "members": intake.members,
                "errors": len(intake.errors), "warnings": len(intake.warnings),
                "issues": [{"file": i.location.file, "sheet": i.location.sheet, "row": i.location.row,
                            "field": i.location.field, "severity": i.severity, "code": i.code,
                            "message": i.message} for i in issues]}, ensure_ascii=False, indent=2))
        else:
            from rich.console import Console
            from rich.table import Table
            from rich.text import Text

            out = Console(highlight=False, soft_wrap=False, width=160)
            for n in intake.notes:
                out.print(Text(n))
            for s in intake.sheets:
                out.print(Text(s.describe()))
            if intake.reference:
                out.print(Text(f"基准日期 {intake.reference}（{intake.reference_source}）"))
            if issues:
                t = Table("文件", "工作表", "行", "字段", "级别", "代码", "说明", show_lines=False)
                for col in t.columns:  # 中文长句不截断成“…”：折行显示全文
                    col.overflow = "fold"
                for i in issues:  # 数据原样显示，不当作 rich 标记
                    t.add_row(*(Text(x) for x in (i.location.file, i.location.sheet or "", str(i.location.row or ""),
                                                  i.location.field or "", "错误" if i.severity == "error" else "警告",
                                                  i.code, i.message)))
                out.print(t)
            out.print(Text(f"共 {intake.households} 户 {intake.members} 人：{len(intake.errors)} 个错误，"
                           f"{len(intake.warnings)} 个警告。"))
        if intake.errors or (strict and intake.warnings):
            sys.exit(2)

    _guard(ctx, run)


def parse_period(value: str, where: str) -> tuple[int, int]:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value or ""):
        raise InputError(f"{where} 应写作 YYYY-MM，如 2020-12，得到 {value!r}")
    if not 2000 <= int(value[:4]) <= 2100:
        raise InputError(f"{where} 的年份应在 2000–2100 之间，得到 {value!r}")
    return int(value[:4]), int(value[5:7])


@cli.command("sample-data", context_settings=CONTEXT)
@click.option("--households", "n", type=click.IntRange(1, 1_000_000), default=60, show_default=True, help="户数。")
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子：同一种子得到同样的数据。")
@click.option("--error-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="按比例埋下已知错误（位置写入 planted-errors.json），用来检验 docgen check。")
@click.option("--year", type=int, default=2020, show_default=True, help="收入年度。")
@click.option("--handbook", "handbook", metavar="比例", type=click.FloatRange(0, 1), default=None,
              help="另照导出表录一份帮扶手册（帮扶手册.xlsx）与走访记录（走访记录.xlsx），按这个比例的户埋下与库不一致之处"
                   "（写入 planted-crosscheck.json），用来检验 docgen crosscheck。")
@click.option("-o", "--output", "out", metavar="目录", required=True, type=click.Path(path_type=Path), help="输出目录。")
@click.pass_context
def sample_data_cmd(ctx: click.Context, n: int, seed: int, error_rate: float, year: int, handbook, out: Path) -> None:
    """生成王益区的示例建档立卡数据（导出表版式；村和人都标明“示例”）。"""
    from docgen.households.sample import generate

    def run() -> None:
        stats = generate(n, seed, out, error_rate, year)
        planted = None
        if handbook is not None:
            from docgen.crosscheck.sample import write_handbook

            planted = write_handbook(out, out / "帮扶手册", seed=seed, rate=handbook)
        err.print(Text.assemble(("已生成 ", "green"), f"{out}：{stats['villages']} 个村 {stats['households']} 户 "
                                f"{stats['members']} 人" + (f"，埋下 {stats['planted']} 个已知错误" if stats["planted"] else "")
                                + (f"；帮扶手册与走访记录在 {out / '帮扶手册'}，埋下 {len(planted)} 处不一致"
                                   if planted is not None else "")))

    _guard(ctx, run)


@cli.command("ledger", context_settings=CONTEXT)
@click.argument("paths", metavar="数据文件或文件夹...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", metavar="目录", required=True, type=click.Path(path_type=Path), help="输出目录。")
@click.option("--docs", "docs", type=click.Choice(["all", "docx", "pdf", "none"]), default="all", show_default=True,
              help="同时生成哪些户档文书（收入核算表、户情卡）。")
@click.option("--period", "period", metavar="YYYY-MM", default=None,
              help="期别，如 2020-12：基准日期为其最后一天（算年龄、核算年度、报告日期）。不写时取导出表所写的月份，"
                   "再不然取最近收入年度的年末；docgen.yml 的“基准日期”优先。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（贫困线、监测线倍数、身份证号打码、公示单位……）；默认读当前目录的 docgen.yml。")
@click.option("-j", "--jobs", "jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="并行进程数。")
@click.pass_context
def ledger_cmd(ctx: click.Context, paths: tuple[Path, ...], out: Path, docs: str, period: str | None,
               config: Path | None, jobs: int) -> None:
    """生成台账（每村一册与全县汇总）、每户的收入核算表与户情卡、拟退出户公示名单（每村与全县）。

    与 docgen batch 是同一条流水线，只是一次做完、不增量：同样的数据与期别得到一样的文件。
    数据先经过与 docgen check 相同的校验；有错误时不生成任何文件（退出码 2）。例如：

        docgen ledger samples/households --period 2020-12 -o out/台账
    """
    from docgen.households.build import build_ledgers
    from docgen.households.load import collect_files
    from docgen.settings import load_settings

    def run() -> None:
        ym = parse_period(period, "--period") if period else None
        settings = load_settings(config)
        data = collect_files(list(paths), ym)
        for n in data.notes:
            err.print(Text(n))
        kinds = {"all": ("docx", "pdf"), "docx": ("docx",), "pdf": ("pdf",), "none": ()}[docs]
        bar = _progress_bar("生成") if err.is_terminal else None
        try:
            summary = build_ledgers(data, out, period=period, docs=kinds, settings=settings, workers=jobs,
                                    progress=bar.advance if bar else None, on_total=bar.total if bar else None)
        finally:
            if bar:
                bar.stop()
        err.print(Text.assemble(("已生成 ", "green"), f"{out}：{summary.done} 个文件（各村台账与公示名单、全县汇总与公示名单、户档）"
                                f"，用时 {summary.seconds:.1f} 秒"))
        if summary.warnings:
            err.print(Text(f"数据有 {summary.warnings} 个警告（不影响生成；用 docgen check 逐条查看）"))

    _guard(ctx, run)


class _progress_bar:
    """终端里的进度条（总数知道后显示剩余时间）。"""

    def __init__(self, label: str):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.p = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                          transient=True)
        self.p.start()
        self.task = self.p.add_task(label, total=None)

    def advance(self) -> None:
        self.p.advance(self.task)

    def total(self, n: int) -> None:
        self.p.update(self.task, total=n)

    def stop(self) -> None:
        self.p.stop()


@cli.group("archive", context_settings=CONTEXT)
def archive_group() -> None:
    """档案整理：按整理方案编号、编目、装盒，打成可校验的档案包（DA/T 22-2015、一户一卷、BagIt）。"""


@archive_group.command("build", context_settings=CONTEXT)
@click.argument("sources", metavar="来源文件夹...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", metavar="档案文件夹", required=True, type=click.Path(path_type=Path))
@click.option("--profile", "profile", metavar="方案", default="default", show_default=True,
              help="整理方案：archive_schema/ 中的名称（default、jiangxi）或 .yaml 文件。")
@click.option("--data", "data", metavar="数据文件", multiple=True, type=click.Path(path_type=Path),
              help="户籍导出表、村名单（用于户主姓名、村名和“哪些户应有户卷”）；可重复。")
@click.option("--manifest", "manifest", metavar="清单表", type=click.Path(path_type=Path), default=None,
              help="清单表（xlsx/csv）：文件、户编号、村代码、文件类型、题名、日期、责任者、文号、密级、页数、备注。")
@click.option("--year", "year", type=int, required=True, help="归档年度。")
@click.option("--date", "date", metavar="日期", default=None, help="整理日期（写入备考表与 bag-info；默认为年度末）。")
@click.option("--strict", is_flag=True, help="缺少必备文件或有认不出的文件时失败（不生成档案）。")
@click.option("--no-pdf", is_flag=True, help="不生成目录、备考表、盒脊的 PDF（只生成 XLSX、DOCX）。")
@click.option("-j", "--jobs", "jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认为全部核心）：各村同时建。")
@click.pass_context
def archive_build_cmd(ctx, sources, out, profile, data, manifest, year, date, strict, no_pdf, jobs) -> None:
    """建档案包：每村一个 BagIt 包和一个移交 zip（县级的文件另成一个包），附完整性报告。来源可以是文件夹或文件。例如：

        docgen archive build out/households -o out/档案 --data samples/households/户籍导出.xlsx --year 2020
    """
    from docgen.archive.build import build_archive
    from docgen.archive.profile import load_profile
    from docgen.model.base import parse_date

    def run() -> None:
        import datetime as dt

        prof = load_profile(profile)
        d = parse_date(date) if date else dt.date(year, 12, 31)
        stats = build_archive(list(sources), out, prof, year=year, date=d, manifest=manifest, data_files=list(data),
                              strict=strict, pdf=not no_pdf, workers=jobs or os.cpu_count() or 1)
        for g in stats["gaps"]:
            parts = [f"缺少 {'、'.join(g['缺少'])}" if g["缺少"] else "", f"重复 {'、'.join(g['重复'])}" if g["重复"] else ""]
            err.print(Text.assemble(("不齐全：", "yellow"), f"{g['范围']} {g['编号']} {g['名称']}：{'；'.join(p for p in parts if p)}"))
        for p in stats["unknown"]:
            err.print(Text.assemble(("未归档：", "yellow"), f"{p}（认不出文件类型）"))
        for p in stats["unhoused"]:
            err.print(Text.assemble(("未归档：", "yellow"), f"{p}（属于户卷的文件类型，却认不出是哪一户）"))
        err.print(Text.assemble(("已生成 ", "green"), f"{out}：{stats['bundles']} 个档案包，{stats['items']} 件，{stats['volumes']} 卷"
                  f"（卷内 {stats['volume_items']} 件），{stats['boxes']} 盒；不齐全 {len(stats['gaps'])} 处。"))

    _guard(ctx, run)


@archive_group.command("verify", context_settings=CONTEXT)
@click.argument("root", metavar="路径", type=click.Path(path_type=Path))
@click.option("--profile", "profile", metavar="方案", default="default", show_default=True, help="整理方案。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式：text（逐条说明）或 json（每个问题的种类、包、路径、应为、实为）。")
@click.pass_context
def archive_verify_cmd(ctx, root, profile, fmt) -> None:
    """核对档案包：路径可以是一个档案包文件夹、一个移交 zip，或装着它们的文件夹。核对校验值（改动、缺少、多出、
    改名的文件）、目录与文件一一对应、档号合乎整理方案且连续不重、同一全宗内档号不重复。全部通过时退出码为 0，
    有问题时为 1。例如：

        docgen archive verify out/档案

        docgen archive verify out/档案/610202001201-示例村.zip --format json
    """
    import json

    from docgen.archive.profile import load_profile
    from docgen.archive.verify import verify_archive

    def run() -> None:
        prof = load_profile(profile)
        try:
            problems = verify_archive(root, prof)
        except InputError as exc:  # 路径不存在、zip 打不开、没有包：--format json 时也是 JSON
            if fmt != "json":
                raise
            click.echo(json.dumps({"路径": str(root), "错误": str(exc)}, ensure_ascii=False, indent=1))
            sys.exit(exc.exit_code)
        if fmt == "json":
            click.echo(json.dumps({"路径": str(root), "问题数": len(problems),
                                   "问题": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=1))
        else:
            for p in problems:
                click.echo(str(p))
            click.echo(f"共 {len(problems)} 个问题。" if problems else "档案包核对无误。")
        if problems:
            sys.exit(1)

    _guard(ctx, run)


@cli.command("batch", context_settings=CONTEXT)
@click.argument("project", metavar="[项目文件]", required=False, type=click.Path(path_type=Path))
@click.option("--data", "data_dir", metavar="目录", type=click.Path(path_type=Path), default=None,
              help="数据目录（其中的 xlsx、csv、yaml 都读）；项目文件中写了“数据”时可省略。")
@click.option("--period", "period", metavar="YYYY-MM", required=True, help="批处理的月份，如 2020-12。")
@click.option("-o", "--output", "out", metavar="目录", default=None, type=click.Path(path_type=Path),
              help="输出目录；项目文件中写了“输出目录”时可省略。")
@click.option("-j", "--jobs", "jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认为全部核心）。")
@click.option("--docs", "docs", default=None, help="生成哪些户档格式：docx、pdf，逗号分隔（默认 docx,pdf，或项目文件中的“格式”）。")
@click.option("--dry-run", is_flag=True, help="只打印计划（哪些文书、给谁、用哪个模板、写到哪里、生成还是跳过）。")
@click.option("--force", is_flag=True, help="全部重做，不管内容是否变了。")
@click.option("--archive", "archive", metavar="方案", default=None,
              help="同时把户档与台账整理成档案包（输出目录下的“档案”），只重建有变化的村；值为整理方案名（如 default）"
                   "或方案文件；项目文件中可写“档案方案”。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（贫困线、列名映射、基准日期……）；项目文件中可写“配置”；默认读当前目录的 docgen.yml。")
@click.option("--handbook", "handbooks", metavar="帮扶手册.xlsx", multiple=True, type=click.Path(path_type=Path),
              help="同时做库册实证说核对（输出目录下的“核对”；未解决的不一致写在户情卡上）；项目文件中可写“帮扶手册”。")
@click.option("--cluster", "cluster", metavar="tcp://主机:8786", default=None,
              help="把各户文书交给 Dask 集群排（调度机地址）；不写时在本机多进程排。项目文件中可写“集群”。")
@click.option("-q", "--quiet", is_flag=True, help="只在出错时输出（适合定时任务）。")
@click.pass_context
def batch_cmd(ctx, project, data_dir, period, out, jobs, docs, dry_run, force, archive, config, handbooks, cluster,
              quiet) -> None:
    """月末批处理：每户的收入核算表与户情卡（DOCX、PDF）、每村台账、全县汇总。

    先算计划；每个输出按“输入记录 + 模板 + 配置 + docgen 版本”的哈希判断是否需要重做，没变的跳过；
    随时中断（包括强行杀掉）都不会留下写了一半的文件，再运行一次即可补完。例如：

        docgen batch --data samples/households --period 2020-12 -o out/月末
    """
    import os
    import time

    from docgen.batch.project import resolve_batch
    from docgen.batch.runner import run_batch

    def run() -> None:
        parse_period(period, "--period")
        job = resolve_batch(project, period=period, data_dir=data_dir, out=out, docs=docs, archive=archive,
                            config=config, handbooks=list(handbooks), cluster=cluster)
        data, target = job.data, job.out
        if not quiet:
            for n in data.notes:
                err.print(Text(n))
        workers = jobs or os.cpu_count() or 1
        bar = None
        if not quiet and not dry_run and err.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            bar = Progress(TextColumn("批处理"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                           transient=True)
        task = None
        plain = {"total": 0, "done": 0, "next": 0.0, "t0": time.monotonic()}  # 不是终端时：每 10 秒一行进度

        def progress():
            if bar is not None:
                bar.advance(task)
                return
            plain["done"] += 1
            now = time.monotonic()
            if quiet or dry_run or now < plain["next"]:
                return
            plain["next"] = now + 10
            done, total, spent = plain["done"], plain["total"], now - plain["t0"]
            left = f"，预计还需 {spent / done * (total - done):.0f} 秒" if total and done else ""
            err.print(f"进度 {done}/{total or '?'}，已用 {spent:.0f} 秒{left}", highlight=False)

        def print_decision(j, action):
            click.echo(f"{action}\t{j.kind}\t{j.household or j.village or '全县'}\t{j.target}")

        def on_total(n):
            plain["total"] = n
            if bar is not None:
                bar.update(task, total=n)

        def log(msg):
            err.print(Text(msg, style="red"))  # 文件名、错误原文里的 [ ] 不当作 rich 标记

        if bar is not None:
            bar.start()
            task = bar.add_task("批处理", total=None)
        try:
            decisions, summary = run_batch(data, target, period=period, kinds=job.kinds, workers=workers, force=force,
                                           dry_run=dry_run, templates=job.templates, settings=job.settings,
                                           progress=progress, log=None if quiet else log,
                                           archive_profile=job.archive, handbooks=job.handbooks, cluster=job.cluster,
                                           on_total=on_total, on_decision=print_decision if dry_run else None)
        finally:
            if bar is not None:
                bar.stop()
        if dry_run:
            click.echo(f"计划 {summary.planned} 项：生成 {summary.planned - summary.skipped}，跳过 {summary.skipped}。")
            return
        for n in summary.notes:
            if n not in data.notes and not quiet:
                err.print(Text(n))
        for failed_target, error in summary.failed if quiet else []:
            err.print(Text(f"失败 {failed_target}：{error}"))
        if not quiet or summary.failed:
            err.print(Text(f"批处理完成：计划 {summary.planned}，完成 {summary.done}，跳过 {summary.skipped}，"
                           f"失败 {len(summary.failed)}，用时 {summary.seconds:.1f} 秒（报告：{target / '批处理报告.json'}）"))
            if summary.warnings:
                err.print(Text(f"数据有 {summary.warnings} 个警告（不影响生成；用 docgen check 逐条查看）"))
        if summary.failed:
            sys.exit(1)

    _guard(ctx, run)


@cli.command("progress", context_settings=CONTEXT)
@click.argument("paths", metavar="跟踪表.xlsx...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--date", "date", metavar="日期", default=None, help="报告日期（判断逾期；不写时取表里的报告日期）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="结果格式。")
@click.pass_context
def progress_cmd(ctx, paths, date, fmt) -> None:
    """汇总各单位填好的任务跟踪表（docgen 导出的任务清单 Excel 中的“跟踪”表）：各状态、各类别的任务数与逾期任务。例如：

        docgen progress 跟踪-规划股.xlsx 跟踪-质监站.xlsx --date 2020-04-30
    """
    import json

    from docgen.load.tracking import read_progress

    def run() -> None:
        prog = read_progress(list(paths), _parse_day(date, "--date") if date else None)
        late = prog.overdue()
        if fmt == "json":
            click.echo(json.dumps({"报告日期": prog.report_date.isoformat() if prog.report_date else None,
                                   "任务数": len(prog.tasks), "各状态": prog.by_status(), "各类别": prog.by_category(),
                                   "逾期": [{"任务": t.task, "责任": t.owner, "截止日期": t.due.isoformat() if t.due else None,
                                           "状态": t.status, "来源": t.source} for t in late],
                                   "问题": [str(i) for i in prog.issues]}, ensure_ascii=False, indent=1))
        else:
            for i in prog.issues:
                click.echo(str(i))
            st = "，".join(f"{k} {v}" for k, v in prog.by_status().items())
            click.echo(f"共 {len(prog.tasks)} 项任务：{st}；完成 {prog.done_ratio:.1%}。")
            for t in late:
                click.echo(f"逾期：{t.task}（{t.owner}，截止 {t.due}，{t.status}）")
        if any(i.severity == "error" for i in prog.issues):
            sys.exit(2)

    _guard(ctx, run)


@cli.group("survey", context_settings=CONTEXT)
def survey_group() -> None:
    """住房安全“八查”：按村生成排查表，读回填好的表，每个“否”记进问题整改台账。"""


@survey_group.command("make", context_settings=CONTEXT)
@click.argument("paths", metavar="数据文件或文件夹...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", metavar="目录", required=True, type=click.Path(path_type=Path), help="排查表写到哪里。")
@click.option("--farmers", metavar="农户名单.xlsx", type=click.Path(path_type=Path), default=None,
              help="不是建档立卡户的其他农户（农户编号、户主、村或村代码、组，可有危房等级、住房解决方式）。")
@click.option("--period", "period", metavar="YYYY-MM", default=None, help="期别（选导出表、定基准日期）。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None, help="项目配置。")
@click.option("-j", "--jobs", "jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认为全部核心）。")
@click.pass_context
def survey_make_cmd(ctx, paths, out, farmers, period, config, jobs) -> None:
    """每村一个八查排查表（Excel）：每户一行，预填户编号、户主、组、危房等级等并锁定，八项检查用下拉（不适用的预填并锁定）。例如：

        docgen survey make samples/households --period 2020-12 -o out/八查
    """
    from docgen.campaign.survey import make_surveys
    from docgen.households.load import collect_files
    from docgen.settings import load_settings

    def run() -> None:
        ym = parse_period(period, "--period") if period else None
        if farmers is not None and not farmers.is_file():
            raise InputError(f"{farmers}: 找不到农户名单")
        data = collect_files(list(paths), ym)
        stats = make_surveys(data, out, settings=load_settings(config), period=ym, farmers=farmers,
                             workers=jobs or os.cpu_count() or 1)
        err.print(Text.assemble(("已生成 ", "green"), f"{out}：{stats['villages']} 个村的排查表，{stats['households']} 户"
                                f"（建档立卡户 {stats['registered']}）"))

    _guard(ctx, run)


@survey_group.command("read", context_settings=CONTEXT)
@click.argument("paths", metavar="排查表.xlsx...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ledger", "ledger", metavar="台账目录", required=True, type=click.Path(path_type=Path),
              help="问题整改台账所在的文件夹（没有就新建；再读较新的表时更新而不重复）。")
@click.option("--deadline", metavar="日期", default="2020-04-30", show_default=True, help="新问题的整改时限（八查：4 月底前清零销号）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="结果格式。")
@click.pass_context
def survey_read_cmd(ctx, paths, ledger, deadline, fmt) -> None:
    """读回填好的八查排查表：逐格检查（“否”却没写问题、适用的填了“不适用”、不认识的户、日期不在行动期间……），
    有错误时退出码 2、台账不动；没有错误时每个“否”记进问题整改台账（问题台账.sqlite 与 问题整改台账.xlsx）。例如：

        docgen survey read out/八查/*.xlsx --ledger out/问题台账
    """
    import json

    from docgen.campaign.problems import ProblemLedger
    from docgen.campaign.survey import read_surveys
    from docgen.model.base import parse_date

    def run() -> None:
        try:
            due = parse_date(deadline)
        except ValueError:
            raise InputError(f"--deadline 应为日期，如 2020-04-30，得到 {deadline!r}") from None
        result = read_surveys(list(paths))
        pending = sum(len(v) for v in result.pending.values())
        if result.errors:
            for i in result.issues:
                click.echo(str(i))
            raise InputError(f"排查表有 {len(result.errors)} 处错误，问题台账没有改动（改好后再读）")
        led = ProblemLedger(ledger)
        try:
            ch = led.apply_survey(result, due)
            day = max((r.date for r in result.rows if r.date), default=due)
            led.write_xlsx(day)
        finally:
            led.close()
        if fmt == "json":
            click.echo(json.dumps({"已排查户数": len(result.rows), "未排查户数": pending, "否": len(result.findings()),
                                   "台账": ch.as_dict(), "警告": [str(i) for i in result.issues]},
                                  ensure_ascii=False, indent=1))
        else:
            for i in result.issues:
                click.echo(str(i))
            click.echo(f"已排查 {len(result.rows)} 户（还有 {pending} 户没排查），“否” {len(result.findings())} 项；"
                       f"台账新增 {len(ch.added)} 条、更新 {len(ch.updated)} 条、复查已达标 {len(ch.rechecked_ok)} 条。")

    _guard(ctx, run)


@cli.group("problems", context_settings=CONTEXT)
def problems_group() -> None:
    """问题整改台账：记各单位的整改进展与销号、导入往年问题、看每周的数（未销号、逾期、本周销号、清零进度）。"""


def _ledger_folder(ledger: Path) -> None:
    from docgen.campaign.problems import DB

    if not (ledger / DB).is_file():
        raise InputError(f"{ledger}: 这里还没有问题台账（先用 docgen survey read 或 docgen problems import 建）")


@problems_group.command("update", context_settings=CONTEXT)
@click.argument("path", metavar="问题整改台账.xlsx", type=click.Path(path_type=Path))
@click.option("--ledger", "ledger", metavar="台账目录", required=True, type=click.Path(path_type=Path))
@click.option("--date", "date", metavar="日期", required=True, help="这次记账的日期（没有销号日期的改动记在这一天）。")
@click.pass_context
def problems_update_cmd(ctx, path, ledger, date) -> None:
    """读回各单位改过的 问题整改台账.xlsx（状态、整改措施、责任人、销号日期、佐证材料……）：先逐格检查
    （已销号要有销号日期与佐证材料、长期坚持要写长效机制……），有错误时退出码 2、台账不动；没有错误时记进台账，每处改动记一笔经过。"""
    from docgen.campaign.problems import ProblemLedger, read_edits

    def run() -> None:
        _ledger_folder(ledger)
        day = _parse_day(date, "--date")
        led = ProblemLedger(ledger)
        try:
            edits, issues = read_edits(path, led)
            for i in issues:
                click.echo(str(i))
            if any(i.severity == "error" for i in issues):
                raise InputError(f"{path.name}: 有 {sum(i.severity == 'error' for i in issues)} 处错误，台账没有改动（改好后再读）")
            changed = led.apply_edits(edits, day)
            led.write_xlsx(day)
        finally:
            led.close()
        click.echo(f"记下 {len(changed)} 条问题的改动。")

    _guard(ctx, run)


def _parse_day(value: str, where: str):
    from docgen.model.base import parse_date

    try:
        return parse_date(value)
    except ValueError:
        raise InputError(f"{where} 应为日期，如 2020-04-30，得到 {value!r}") from None


@problems_group.command("import", context_settings=CONTEXT)
@click.argument("path", metavar="往年问题.xlsx", type=click.Path(path_type=Path))
@click.option("--batch", "batch", metavar="批次", required=True, help="批次，如 2018年第3批（问题编号为“往年-批次-序号”）。")
@click.option("--ledger", "ledger", metavar="台账目录", required=True, type=click.Path(path_type=Path))
@click.pass_context
def problems_import_cmd(ctx, path, batch, ledger) -> None:
    """把往年（按批次）的问题导入同一本台账，逐一核实：序号、问题描述必有，状态不写时为“整改中”；同一批再导一遍时更新而不重复。"""
    from docgen.campaign.problems import ProblemLedger

    def run() -> None:
        if not batch.strip() or any(ch in batch for ch in "/\\"):
            raise InputError(f"--batch 应为批次名称，如 2018年第3批，得到 {batch!r}")
        led = ProblemLedger(ledger)
        try:
            done, issues = led.import_prior(path, batch.strip())
            for i in issues:
                click.echo(str(i))
            if any(i.severity == "error" for i in issues):
                led.db.rollback()
                raise InputError(f"{path.name}: 有错误，没有导入")
            led.write_xlsx(_parse_day("2020-03-20", "日期"))
        finally:
            led.close()
        click.echo(f"导入 {len(done)} 条往年问题（{batch}）。")

    _guard(ctx, run)


@problems_group.command("status", context_settings=CONTEXT)
@click.option("--ledger", "ledger", metavar="台账目录", required=True, type=click.Path(path_type=Path))
@click.option("--date", "date", metavar="日期", required=True, help="截至哪一天（判断逾期、本周销号）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="结果格式。")
@click.pass_context
def problems_status_cmd(ctx, ledger, date, fmt) -> None:
    """每周要看的数：各村、各责任单位的 未销号、逾期、本周销号、清零进度。"""
    import json

    from docgen.campaign.problems import ProblemLedger

    def run() -> None:
        _ledger_folder(ledger)
        led = ProblemLedger(ledger)
        try:
            st = led.stats(_parse_day(date, "--date"))
        finally:
            led.close()
        if fmt == "json":
            click.echo(json.dumps(st, ensure_ascii=False, indent=1))
            return
        click.echo(f"共 {st['总数']} 条：未销号 {st['未销号']}（逾期 {st['逾期']}），本周销号 {st['本周销号']}，清零进度 {st['清零进度']:.1%}")
        for name, v in st["各村"].items():
            click.echo(f"  {name}：{v['总数']} 条，未销号 {v['未销号']}，逾期 {v['逾期']}，清零进度 {v['清零进度']:.1%}")

    _guard(ctx, run)


@cli.group("report", context_settings=CONTEXT)
def report_group() -> None:
    """冲刺行动的报告：每周进展情况报告（上行文“报告”，Word 与 PDF）。"""


@report_group.command("week", context_settings=CONTEXT)
@click.argument("paths", metavar="跟踪表.xlsx...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ledger", "ledger", metavar="台账目录", required=True, type=click.Path(path_type=Path),
              help="问题整改台账所在的文件夹（docgen survey read 建的那个）；本期的数也记在这里，下周比较用。")
@click.option("-o", "--output", "out", metavar="目录", required=True, type=click.Path(path_type=Path), help="报告写到哪里。")
@click.option("--date", "date", metavar="日期", default=None, help="报告日期（截至哪一天；不写时取跟踪表里的报告日期）。")
@click.option("--number", "number", metavar="发文字号", default=None, help="这一期的发文字号（不写时按 docgen.yml“周报”里的写法）。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（“周报”一节写版头与版记，“冲刺行动”写起止日期）。")
@click.option("--font-dir", "font_dirs", metavar="目录", multiple=True, type=click.Path(path_type=Path),
              help="另找字体的文件夹（可写几次）。")
@click.pass_context
def report_week_cmd(ctx, paths, ledger, out, date, number, config, font_dirs) -> None:
    """由各单位填回的任务跟踪表、问题整改台账与八查结果排出本周的进展情况报告（第几周从行动开始算）：总体进展与较上期的变化、
    逾期任务、各村住房安全排查与问题整改、逐周清零进度图、下周工作。例如：

        docgen report week 跟踪/*.xlsx --ledger out/问题台账 --date 2020-04-02 -o out/周报
    """
    from docgen.campaign.report import weekly_report
    from docgen.fonts import FontSet
    from docgen.settings import load_settings

    def run() -> None:
        day = _parse_day(date, "--date") if date else None
        if number is not None and not number.strip():
            raise InputError("--number 不能是空的")
        rep, written = weekly_report(list(paths), ledger, out, day=day, settings=load_settings(config),
                                     fonts=FontSet([str(d) for d in font_dirs]), number=number)
        for i in rep.figures.issues:
            click.echo(str(i))
        err.print(Text.assemble(("已生成 ", "green"), f"第{rep.figures.week}周进展情况报告："
                                f"{'、'.join(str(p) for p in written.values())}"))

    _guard(ctx, run)


@cli.group("crosscheck", context_settings=CONTEXT)
def crosscheck_group() -> None:
    """库册实证说：国办系统导出表（库）、帮扶手册录入表（册）与走访记录逐户逐项核对。"""


@crosscheck_group.command("template", context_settings=CONTEXT)
@click.option("-o", "--output", "out", metavar="帮扶手册.xlsx", required=True, type=click.Path(path_type=Path))
@click.option("--data", "data", metavar="数据文件或文件夹", multiple=True, type=click.Path(path_type=Path),
              help="给了导出表时，家庭情况表预填各户的户编号、户主、村。")
@click.option("--period", "period", metavar="YYYY-MM", default=None, help="期别（选导出表）。")
@click.pass_context
def crosscheck_template_cmd(ctx, out, data, period) -> None:
    """写出帮扶手册录入表（家庭情况、家庭成员、帮扶措施、收入四张表，取值字段用下拉）。"""
    from docgen.crosscheck.handbook import write_template

    def run() -> None:
        rows = []
        if data:
            from docgen.households.load import collect_files
            from docgen.households.stage import staged

            with staged(collect_files(list(data), parse_period(period, "--period") if period else None), None,
                        parse_period(period, "--period") if period else None) as stg:
                rows = [(a.household.hh_id, a.household.head.name, a.household.village) for a in stg.all_assessments()]
        write_template(out, rows)
        err.print(Text.assemble(("已生成 ", "green"), f"{out}" + (f"（预填 {len(rows)} 户）" if rows else "")))

    _guard(ctx, run)


@crosscheck_group.command("run", context_settings=CONTEXT)
@click.argument("paths", metavar="数据文件或文件夹...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--handbook", "handbooks", metavar="帮扶手册.xlsx", multiple=True, required=True,
              type=click.Path(path_type=Path), help="帮扶手册录入表（可写几次）。")
@click.option("-o", "--output", "out", metavar="目录", required=True, type=click.Path(path_type=Path))
@click.option("--period", "period", metavar="YYYY-MM", default=None, help="期别（选导出表、定基准日期）。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（“核对: {收入容差: 元}”等）。")
@click.option("--no-sheets", "no_sheets", is_flag=True, help="只写报告工作簿，不写每户的核对单。")
@click.option("-j", "--jobs", "jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认为全部核心）。")
@click.pass_context
def crosscheck_run_cmd(ctx, paths, handbooks, out, period, config, no_sheets, jobs) -> None:
    """逐户逐项核对库与册、库与最近一次走访（走访记录放在数据文件里）：写出 库册核对.xlsx（汇总与每项一张表，两边的位置）
    和每户一份核对单（Word、PDF）。例如：

        docgen crosscheck run samples/households 走访记录.xlsx --handbook 帮扶手册.xlsx --period 2020-12 -o out/核对
    """
    from docgen.crosscheck.run import run_crosscheck
    from docgen.settings import load_settings

    def run() -> None:
        ym = parse_period(period, "--period") if period else None
        res, written = run_crosscheck(list(paths), list(handbooks), out, settings=load_settings(config), period=ym,
                                      sheets=not no_sheets, workers=jobs or os.cpu_count() or 1)
        for i in res.issues:
            click.echo(str(i))
        bad = len(res.by_household())
        err.print(Text.assemble(("已核对 ", "green"), f"库 {sum(res.households_ku.values())} 户、册 {sum(res.households_ce.values())} 户："
                                f"不一致 {len(res.mismatches)} 处（{bad} 户）；{written[0]}"
                                + (f"，核对单 {len(written) - 1} 份" if len(written) > 1 else "")))

    _guard(ctx, run)


@cli.command("password", context_settings=CONTEXT)
@click.argument("user", metavar="用户名")
@click.pass_context
def password_cmd(ctx, user) -> None:
    """为工作台账号生成口令散列（scrypt），把打印出的一行写进 docgen.yml 的“工作台: 账号”里。口令输入两遍，不显示。"""
    from docgen.web.passwords import hash_password

    def run() -> None:
        pw = click.prompt("口令", hide_input=True, confirmation_prompt="再输一遍", prompt_suffix="：")
        if len(pw) < 8:
            raise InputError("口令太短：至少 8 个字符")
        click.echo("工作台:\n  账号:\n    " + json_quote(user) + ": " + json_quote(hash_password(pw)))

    _guard(ctx, run)


def json_quote(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)


@cli.command("serve", context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址。默认只有本机能打开；要让别的电脑连上（如 0.0.0.0），须先在 docgen.yml 里设账号。")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="端口。")
@click.option("--config", "config", metavar="docgen.yml", type=click.Path(path_type=Path), default=None,
              help="项目配置（账号、上传上限、工作区……）；默认读当前目录的 docgen.yml。")
@click.option("--workspace", "workspace", metavar="文件夹", type=click.Path(path_type=Path), default=None,
              help="工作区（各账号的上传、草稿与输出）；默认为 docgen.yml 所写，或当前目录下的“docgen-工作台”。")
@click.pass_context
def serve_cmd(ctx, host, port, config, workspace) -> None:
    """开办公室工作台：在浏览器里起草公文、做任务清单、校验建档立卡数据、建档案、跑月末批处理。例如：

        docgen serve          然后在浏览器里打开 http://127.0.0.1:8765
    """
    from docgen.settings import load_settings

    def run() -> None:
        import uvicorn

        from docgen.web.app import Workbench

        settings = load_settings(config)
        wb = Workbench(settings, host=host, workspace=workspace)
        err.print(Text.assemble(("工作台已开：", "green"), f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
                                f"（工作区 {wb.root}；按 Ctrl+C 停止）"))
        uvicorn.run(wb.app(), host=host, port=port, log_level="warning", access_log=False,
                    server_header=False, date_header=False)

    _guard(ctx, run)


def os_error_zh(exc: OSError) -> str:
    """OSError → 中文：哪个文件、什么问题、怎么办。"""
    import errno

    name = exc.filename or ""
    msgs = {
        errno.EACCES: "没有权限（请检查文件夹的权限，或换一个自己的文件夹）",
        errno.EPERM: "不允许这样做（文件被锁定或设成了只读）",
        errno.EEXIST: "已经有同名的文件（这里要的是文件夹）",
        errno.EISDIR: "是文件夹（这里要的是文件名，如 通知.docx）",
        errno.ENOTDIR: "路径中有一级不是文件夹而是文件",
        errno.ENOSPC: "磁盘满了，请腾出空间后再试",
        errno.ENAMETOOLONG: "文件名太长",
        errno.EROFS: "在只读的磁盘上，写不进去",
        errno.ENOENT: "找不到",
    }
    what = msgs.get(exc.errno, f"读写出错（{exc.strerror or '未知原因'}）")
    return f"{name}: {what}" if name else what


def _guard(ctx: click.Context, fn) -> None:
    """把异常变成中文提示与退出码：输入错误 2，内部错误 1。"""
    verbose = bool(ctx.obj and ctx.obj.get("verbose"))
    try:
        fn()
    except InputError as exc:  # 提示里有用户的数据：原样显示，不当作 rich 标记
        err.print(Text.assemble(("输入有误：", "red"), str(exc)))
        sys.exit(exc.exit_code)
    except DocgenError as exc:
        if verbose:
            err.print_exception()
        err.print(Text.assemble(("出错：", "red"), str(exc)))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("已中断。")
        sys.exit(130)
    except sqlite3.OperationalError as exc:  # 状态库、分拣缓存写不进去（多半是磁盘满或没有写权限）
        if verbose:
            err.print_exception()
        full = "full" in str(exc)
        err.print(Text.assemble(("出错：", "red"), "磁盘满了，输出目录里的缓存与状态库写不进去，请腾出空间后再试" if full
                                else "输出目录里的缓存或状态库读写出错（没有写权限，或被另一个 docgen 占用），请检查后再试"))
        sys.exit(2)
    except OSError as exc:  # 读写文件时环境的问题（权限、已有同名文件、磁盘满）：说清楚是哪个文件，退出码 2
        if verbose:
            err.print_exception()
        err.print(Text.assemble(("出错：", "red"), os_error_zh(exc)))
        sys.exit(2)
    except Exception as exc:  # 内部错误：给出一行说明，--verbose 看调用栈
        if verbose:
            err.print_exception()
        err.print(Text.assemble(("内部错误：", "red"), f"{type(exc).__name__}: {exc}（加 -v 查看详细信息）"))
        sys.exit(1)


def main() -> None:
    """console script 入口。"""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    cli(prog_name="docgen")
