"""带行号的 YAML 读取：每个键、每个列表项都能定位到 ``文件:行``。"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import InputError, Issue, Location

KeyPath = tuple[Any, ...]


@dataclass
class YamlSource:
    """解析后的 YAML 数据与每个路径（键/下标元组）所在的行号（从 1 起）。"""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    display_name: str = ""

    def line_of(self, keypath: KeyPath) -> int | None:
        """返回 `keypath` 或其最近的上级所在行。"""
        kp = tuple(keypath)
        while kp:
            if kp in self.lines:
                return self.lines[kp]
            kp = kp[:-1]
        return self.lines.get((), 1)

    def location(self, keypath: KeyPath, field_name: str | None = None) -> Location:
        """`keypath` 的用户位置，如 ``notice.yaml:12:发文字号``。"""
        name = field_name
        if name is None:
            name = ".".join(str(k) if not isinstance(k, int) else f"[{k + 1}]" for k in keypath) or None
            if name:
                name = name.replace(".[", "[")
        return Location(self.display_name or self.path.name, row=self.line_of(keypath), field=name)


class _Loader(yaml.SafeLoader):
    """SafeLoader，但不自动把 2020-13-01 之类转成日期（由模型统一校验并给出中文提示）。"""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], issues: list[Issue], fname: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for knode, vnode in node.value:
            key = knode.value if isinstance(knode, yaml.ScalarNode) else str(knode.value)
            line = knode.start_mark.line + 1
            if key in seen:
                issues.append(Issue(Location(fname, row=line, field=str(key)), "yaml.duplicate-key",
                                    f"键“{key}”重复出现（第 {seen[key]} 行已有），请只保留一个"))
            seen[key] = line
            lines[path + (key,)] = line
            _walk(vnode, path + (key,), lines, issues, fname)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines, issues, fname)


def load_yaml(path: str | Path, display_name: str | None = None) -> YamlSource:
    """读取 `path`，返回 :class:`YamlSource`；语法错误抛出带行号的 :class:`InputError`。"""
    p = Path(path)
    fname = display_name or p.name
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{fname}: 找不到文件") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{fname}: 不是 UTF-8 编码的文本文件（第 {exc.start} 字节处无法解码），请另存为 UTF-8") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(f"{fname}: 文件是空的，期望一个 YAML 映射（键: 值）")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"{Location(fname, row=line)}: YAML 格式错误（请检查冒号后的空格、缩进、引号和括号是否配对）："
                         f"{exc.problem or exc}") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    issues: list[Issue] = []
    _walk(node, (), lines, issues, fname)
    if issues:
        raise InputError(f"{fname}: YAML 内容有误", issues)
    return YamlSource(p, data, lines, fname)
