"""批处理的项目文件（项目.yaml）：一次读完、一次查完，全部问题一起报（`文件:行:键`），在做任何事之前。

CLI（`docgen batch 项目.yaml`）与工作台都用 :func:`load_project`；命令行选项只是覆盖其中的值。
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import InputError, Issue
from docgen.load.yamlsrc import YamlSource, load_yaml

KEYS = ("数据", "模板目录", "配置", "格式", "档案方案", "输出目录", "帮扶手册", "集群")
FORMATS = ("docx", "pdf")


@dataclass
class Project:
    path: Path
    data: list[Path] = field(default_factory=list)
    templates: Path | None = None
    config: Path | None = None
    formats: list[str] | None = None
    archive: str | None = None
    out: Path | None = None
    handbooks: list[Path] = field(default_factory=list)  # 帮扶手册录入表：给了就在月末一起做库册核对
    cluster: str | None = None  # Dask 调度机地址（tcp://主机:8786）：各户文书交给集群排


def _formats(value) -> tuple[list[str], str]:
    """户档格式：列表 [docx, pdf] 或 “docx,pdf” → (格式, 问题说明；没有问题时为空串)。"""
    items = value if isinstance(value, list) else str(value).split(",")
    out = [str(x).strip().lower() for x in items if str(x).strip()]
    bad = [x for x in out if x not in FORMATS]
    if bad or not out:
        return out, f"户档格式只能是 docx、pdf（可以都写），得到 {'、'.join(bad) or '空'}"
    return out, ""


def parse_formats(value, where: str) -> list[str]:
    """同 :func:`_formats`，有问题时抛出 InputError；`where` 是要指给用户的地方（如 --docs）。"""
    out, problem = _formats(value)
    if problem:
        raise InputError(f"{where}: {problem}")
    return out


def _text(src: YamlSource, key: str, issues: list[Issue]) -> str | None:
    v = src.data.get(key)
    if v is None:
        return None
    if isinstance(v, (dict, list)) or isinstance(v, bool) or str(v).strip() == "":
        issues.append(Issue(src.location((key,), key), "project.type", "应为一个文件或文件夹的名称（文字）"))
        return None
    return str(v).strip()


def load_project(path: str | Path) -> Project:
    """读并检查项目文件。任何一处有误都抛出 InputError，列出全部问题；路径相对于项目文件所在的文件夹。"""
    from docgen.households.docs import missing_templates

    p = Path(path)
    src = load_yaml(p)
    name = src.display_name
    if not isinstance(src.data, dict):
        kind = "列表" if isinstance(src.data, list) else "一段文字"
        raise InputError(f"{name}:1: 项目文件应为“键: 值”的映射（{'、'.join(KEYS)}），这里是{kind}")
    base = p.parent
    issues: list[Issue] = []
    proj = Project(p)
    for k in src.data:
        if k not in KEYS:
            issues.append(Issue(src.location((k,), str(k)), "project.unknown-key",
                                f"未知的项目设置“{k}”，可用：{'、'.join(KEYS)}"))
    data = src.data.get("数据")
    if data is not None:
        items = [data] if isinstance(data, str) else data  # 只有一个数据文件夹时可以直接写文字
        if not isinstance(items, list) or not items:
            issues.append(Issue(src.location(("数据",), "数据"), "project.type",
                                "应为数据文件或文件夹的名称，或它们的列表，如 [户籍导出.xlsx, 问题.xlsx]"))
        else:
            for i, item in enumerate(items):
                where = src.location(("数据", i) if isinstance(data, list) else ("数据",), "数据")
                if not isinstance(item, str) or not item.strip():
                    issues.append(Issue(where, "project.type", f"第 {i + 1} 项应为文件或文件夹的名称，得到 {item!r}"))
                    continue
                f = base / item
                if f.resolve() in [x.resolve() for x in proj.data]:
                    issues.append(Issue(where, "project.duplicate", f"“{item}”写了两次"))
                    continue
                if not f.exists():
                    issues.append(Issue(where, "project.missing", f"找不到“{item}”（相对于项目文件所在的文件夹 {base}）"))
                proj.data.append(f)
    tpl = _text(src, "模板目录", issues)
    if tpl is not None:
        proj.templates = base / tpl
        if not proj.templates.is_dir():
            issues.append(Issue(src.location(("模板目录",), "模板目录"), "project.missing", f"模板目录“{tpl}”不存在"))
    cfg = _text(src, "配置", issues)
    if cfg is not None:
        proj.config = base / cfg
        if not proj.config.is_file():
            issues.append(Issue(src.location(("配置",), "配置"), "project.missing", f"配置文件“{cfg}”不存在"))
    if src.data.get("格式") is not None:
        proj.formats, problem = _formats(src.data["格式"])
        if problem:
            issues.append(Issue(src.location(("格式",), "格式"), "project.format", problem))
            proj.formats = None
    if proj.templates is not None and proj.templates.is_dir():
        from docgen.households.docs import kinds_for

        gone = missing_templates(proj.templates, kinds_for(proj.formats or list(FORMATS)))
        if gone:
            issues.append(Issue(src.location(("模板目录",), "模板目录"), "project.template",
                                f"模板目录“{tpl}”里缺少：{'、'.join(gone)}（可从 docgen 自带的 templates/ 复制后再改）"))
    arc = _text(src, "档案方案", issues)
    if arc is not None:
        proj.archive = str(base / arc) if arc.endswith((".yaml", ".yml")) else arc
        from docgen.archive.profile import load_profile

        try:
            load_profile(proj.archive)
        except InputError as exc:
            issues.append(Issue(src.location(("档案方案",), "档案方案"), "project.archive", str(exc)))
    out = _text(src, "输出目录", issues)
    if out is not None:
        proj.out = base / out
    addr = _text(src, "集群", issues)
    if addr is not None:
        problem = cluster_problem(addr)
        if problem:
            issues.append(Issue(src.location(("集群",), "集群"), "project.cluster", problem))
        else:
            proj.cluster = addr.strip()
    books = src.data.get("帮扶手册")
    if books is not None:
        items = [books] if isinstance(books, str) else books
        if not isinstance(items, list) or not all(isinstance(x, str) and x.strip() for x in items):
            issues.append(Issue(src.location(("帮扶手册",), "帮扶手册"), "project.type",
                                "应为帮扶手册录入表的文件名，或它们的列表，如 [甲村帮扶手册.xlsx, 乙村帮扶手册.xlsx]"))
        else:
            for i, item in enumerate(items):
                f = base / item
                if not f.is_file():
                    where = src.location(("帮扶手册", i) if isinstance(books, list) else ("帮扶手册",), "帮扶手册")
                    issues.append(Issue(where, "project.missing", f"找不到“{item}”（相对于项目文件所在的文件夹 {base}）"))
                proj.handbooks.append(f)
    if issues:
        raise InputError(f"{name}: 项目文件有 {len(issues)} 处问题（都改好再运行；什么都还没有做）", issues)
    return proj


@dataclass
class BatchRun:
    """一次月末批处理要用的全部东西（项目文件与命令行选项合起来之后）。CLI 与工作台都由 :func:`resolve_batch` 得到它，
    再交给 :func:`docgen.batch.runner.run_batch`。"""

    data: object  # DataFiles
    out: Path
    period: str
    kinds: tuple[str, ...]
    settings: object
    templates: Path | None
    archive: str | None
    handbooks: tuple[Path, ...] = ()
    cluster: str | None = None


def cluster_problem(addr: str) -> str:
    """Dask 调度机地址的写法：tcp://主机:端口（或 tls://）。不对时返回说明。"""
    import re

    if not re.fullmatch(r"(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}", addr.strip()):
        return f"集群应写调度机的地址，如 tcp://192.168.1.10:8786，得到 {addr!r}"
    return ""


def resolve_batch(project: Path | None, *, period: str, data_dir: Path | None = None, out: Path | None = None,
                  docs: str | None = None, archive: str | None = None, config: Path | None = None,
                  settings=None, data_files: list[Path] = (), handbooks: list[Path] = (),
                  cluster: str | None = None) -> BatchRun:
    """项目文件 + 选项 → :class:`BatchRun`（选项优先）。`settings` 已读好时不再读配置文件。
    `data_files`：直接给的数据文件（工作台上传的那一份数据）。"""
    from docgen.households.docs import kinds_for
    from docgen.households.load import collect_files
    from docgen.settings import load_settings

    ym = (int(period[:4]), int(period[5:7]))
    paths: list[Path] = []
    templates = settings_file = None
    docs_from_project, archive_from_project, out_from_project = "docx,pdf", None, None
    books = [Path(h) for h in handbooks]
    if project:
        proj = load_project(project)
        books = books or proj.handbooks
        cluster = cluster or proj.cluster
        paths += proj.data
        templates, settings_file = proj.templates, proj.config
        if proj.formats:
            docs_from_project = ",".join(proj.formats)
        out_from_project, archive_from_project = proj.out, proj.archive
    paths += [Path(p) for p in data_files]
    if data_dir:
        if not Path(data_dir).is_dir():
            raise InputError(f"{data_dir}: 数据目录不存在")
        paths.append(Path(data_dir))
    if not paths:
        raise InputError("没有数据：请用 --data 指定数据目录，或在项目文件中写“数据”")
    target = out or out_from_project
    if target is None:
        raise InputError("没有输出目录：请用 -o 指定，或在项目文件中写“输出目录”")
    data = collect_files(paths, ym)
    if not data.files:
        raise InputError(f"没有数据文件：{'、'.join(map(str, paths))} 中没有 .xlsx、.csv 或 .yaml 文件")
    fmts = parse_formats(docs, "--docs") if docs is not None else docs_from_project.split(",")
    if settings is None or config or settings_file:
        settings = load_settings(config or settings_file)
    for b in books:
        if not b.is_file():
            raise InputError(f"{b}: 找不到帮扶手册录入表")
    if cluster and cluster_problem(cluster):
        raise InputError(f"--cluster: {cluster_problem(cluster)}")
    return BatchRun(data, Path(target), period, tuple(kinds_for(fmts)), settings, templates,
                    archive or archive_from_project, tuple(books), cluster.strip() if cluster else None)
