"""带行号的 YAML 读取：每个键、每个列表项都能定位到 ``文件:行``。"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import InputError, Issue, Location
from docgen.util.text import CONTROL as _CONTROL  # 不可见的控制字符：一处定义

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
        name = field_name if field_name is not None else field_path(keypath)
        return Location(self.display_name or self.path.name, row=self.line_of(keypath), field=name)


class _Loader(yaml.SafeLoader):
    """SafeLoader，但：不自动把 2020-13-01 之类转成日期（由模型统一校验并给出中文提示）；以 0 开头的数字
    （份号 000123）、1:30 这样的六十进制数、0x/0o/0b 数字、yes/no/on/off 都按写的原文当文字读（YAML 1.1 会把 000123 读成八进制 83、
    把 1:30 读成 90，悄悄改了数）；不接受锚点与别名（&、*：可以写出自引用的循环或指数级展开的“炸弹”）。"""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, "不支持 YAML 的锚点与别名（& 与 *）：请把要重复的内容直接写出来")
        if self.depth >= MAX_DEPTH:
            raise _Refused(self.peek_event().start_mark, f"嵌套超过 {MAX_DEPTH} 层：docgen 的输入用不到这么深，多半是括号写多了")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node, deep=False):
        if node.tag not in _PLAIN_TAGS:  # !!set、!!binary、!!python/… 这类标签：不按它转换，照写的原样报出
            raise _Refused(node.start_mark, f"不支持 YAML 标签“{node.tag.replace('tag:yaml.org,2002:', '!!')}”："
                           "请去掉它，直接写文字、数字或列表")
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, OverflowError) as exc:  # 如 !!int 0x10、!!float abc
            if isinstance(exc, yaml.YAMLError):
                raise
            raise _Refused(node.start_mark, f"“{getattr(node, 'value', '')}”不是它标注的类型：请去掉 !! 标注") from None



MAX_DEPTH = 50
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}


class _Refused(yaml.MarkedYAMLError):
    def __init__(self, mark, problem_zh: str):
        super().__init__(problem=problem_zh, problem_mark=mark)
        self.zh = problem_zh


_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?((0|[1-9][0-9_]*)\.[0-9_]*|\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9_]*)[eE][-+]?[0-9]+"
                          r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


def _resolvers():
    out = {}
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items():
        rs = []
        for tag, rx in v:
            if tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"):
                continue  # 日期由模型校验；单独一个“=”、“<<”就是文字
            if tag == "tag:yaml.org,2002:int":
                rx = re.compile(rf"^(?:{_PLAIN_INT.pattern})$")
            elif tag == "tag:yaml.org,2002:float":
                rx = re.compile(rf"^(?:{_PLAIN_FLOAT.pattern})$")
            elif tag == "tag:yaml.org,2002:bool":  # YAML 1.1 把 yes/no/on/off 也读成真假：只认 true/false
                rx = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
            rs.append((tag, rx))
        out[k] = rs
    return out


_Loader.yaml_implicit_resolvers = _resolvers()
# 0 开头的整数照十进制读（原来会按八进制读），但解析器已把它们留作文字，这里只保证十进制
_Loader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node).replace("_", "")))

# PyYAML 的英文提示 → 中文（按 problem 的开头匹配）
_PROBLEMS = (
    ("mapping values are not allowed", "这里不能再出现“键: 值”——冒号后面要有空格；值里本身有冒号时请给整个值加引号；也可能是缩进不对"),
    ("found character '\\t'", "有制表符（Tab）：YAML 只能用空格缩进"),
    ("found unknown escape character", "双引号里的反斜杠写法不对（Windows 路径请改用单引号或正斜杠）"),
    ("found unexpected end of stream", "引号没有配对：文件在引号闭合之前就结束了"),
    ("expected ',' or ']'", "方括号 [ ] 没有配对，或列表项之间缺逗号"),
    ("expected ',' or '}'", "花括号 { } 没有配对，或项之间缺逗号"),
    ("could not find expected ':'", "缺少冒号“:”（键与值之间要用“: ”隔开），或引号没有配对"),
    ("did not find expected key", "缩进不对：同一层的键要左对齐"),
    ("did not find expected '-' indicator", "列表项缩进不一致：同一列表的“- ”要左对齐"),
    ("sequence entries are not allowed", "这里不能出现列表项“- ”：列表项要另起一行并缩进；值以“-”开头时请加引号"),
    ("expected <block end>", "缩进不对：同一层的键或列表项要左对齐，不能混写“- 项”与“键: 值”"),
    ("expected '<document start>'", "多出了括号或其他字符"),
    ("found undefined alias", "不支持 YAML 的锚点与别名（& 与 *）：请把要重复的内容直接写出来"),
    ("found duplicate anchor", "不支持 YAML 的锚点与别名（& 与 *）：请把要重复的内容直接写出来"),
    ("cannot start any token", "有 YAML 不允许放在值开头的字符（@ 或 `）：请给这个值加引号"),
    ("found a tab character", "有制表符（Tab）：YAML 只能用空格缩进"),
)


def _problem_zh(exc: yaml.MarkedYAMLError) -> str:
    if isinstance(exc, _Refused):
        return exc.zh
    text = f"{exc.problem or ''} {exc.context or ''}"
    for key, zh in _PROBLEMS:
        if key in text:
            return zh
    return "请检查冒号后的空格、缩进、引号和括号是否配对"


def field_path(path) -> str | None:
    """键路径的用户写法：("附件", 0, "文件") → “附件[1].文件”（列表从 1 数）。"""
    return ".".join(str(k) if not isinstance(k, int) else f"[{k + 1}]" for k in path).replace(".[", "[") or None


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], issues: list[Issue], fname: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for knode, vnode in node.value:
            key = knode.value if isinstance(knode, yaml.ScalarNode) else str(knode.value)
            line = knode.start_mark.line + 1
            if isinstance(key, str) and (bad := _CONTROL.search(key)):
                issues.append(Issue(Location(fname, row=line, field=field_path(path)), "yaml.control-char",
                                    f"键里有不可见的控制字符（U+{ord(bad.group()):04X}），请删除"))
            if key in seen:
                issues.append(Issue(Location(fname, row=line, field=str(key)), "yaml.duplicate-key",
                                    f"键“{key}”重复出现（第 {seen[key]} 行已有），请只保留一个"))
            seen[key] = line
            lines[path + (key,)] = line
            _walk(vnode, path + (key,), lines, issues, fname)
    elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and (bad := _CONTROL.search(node.value)):
        # 双引号里写成转义（"\e"、"\x07"、"\0"）的控制字符：原文里看不到，解析后才出现
        issues.append(Issue(Location(fname, row=node.start_mark.line + 1, field=field_path(path)), "yaml.control-char",
                            f"值里有不可见的控制字符（U+{ord(bad.group()):04X}，多半是双引号里的 \\ 转义），请删除"))
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
    except IsADirectoryError:
        raise InputError(f"{fname}: 是文件夹，不是 YAML 文件") from None
    except PermissionError:
        raise InputError(f"{fname}: 没有读取权限（请检查文件权限）") from None
    except OSError as exc:
        raise InputError(f"{fname}: 读不出来（{exc.strerror or '读取出错'}）") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{fname}: 不是 UTF-8 编码的文本文件（第 {exc.start + 1} 字节处无法解码），请另存为 UTF-8") from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise InputError(f"{Location(fname, row=line)}: 第 {col} 个字符是不可见的控制字符（U+{ord(bad.group()):04X}），"
                         "多半是从别的软件复制来的，请删除后再试")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(f"{fname}: 文件是空的，期望一个 YAML 映射（键: 值）")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"{Location(fname, row=line)}: YAML 格式错误：{_problem_zh(exc)}") from None
    except yaml.YAMLError:
        raise InputError(f"{fname}: YAML 格式错误：文件里有 YAML 不允许的字符") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    issues: list[Issue] = []
    _walk(node, (), lines, issues, fname)
    if issues:
        raise InputError(f"{fname}: YAML 内容有误", issues)
    return YamlSource(p, data, lines, fname)
