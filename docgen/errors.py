"""docgen 的异常树与问题定位。

每个用户输入问题都带 :class:`Location`，其字符串形式就是用户看到的位置，例如
``户籍.xlsx:贫困户:17:身份证号`` 或 ``notice.yaml:12:发文字号``。
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Location:
    """用户视角的位置：文件、工作表、行号（按 Excel/编辑器计数）、字段名。"""

    file: str
    sheet: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(str(self.row))
        if self.field:
            parts.append(self.field)
        return ":".join(parts)


@dataclass(frozen=True)
class Issue:
    """一条问题：位置、代码、说明（期望什么、得到什么）、严重程度。"""

    location: Location
    code: str
    message: str
    severity: Severity = "error"
    village: str = field(default="", compare=False)  # 逐村校验出的问题：村代码（工作台按村筛选用）

    def __str__(self) -> str:
        level = "错误" if self.severity == "error" else "警告"
        return f"{self.location}: {level}[{self.code}] {self.message}"


class DocgenError(Exception):
    """docgen 所有异常的基类；CLI 把它转为一行中文提示。"""

    exit_code = 1


class InputError(DocgenError):
    """用户输入有误（数据、YAML、命令参数）。由加载与校验阶段抛出；退出码 2。"""

    exit_code = 2

    def __init__(self, message: str, issues: list[Issue] | None = None):
        super().__init__(message)
        self.message = message
        self.issues: list[Issue] = list(issues or [])

    def __str__(self) -> str:
        if not self.issues:
            return self.message
        return self.message + "\n" + "\n".join(f"  {i}" for i in self.issues)


class ConfigError(InputError):
    """配置有误（字体目录、字体回退顺序等）。由 :mod:`docgen.config` 抛出。"""


class RenderError(DocgenError):
    """渲染失败（模板缺失、排版引擎出错）。由 :mod:`docgen.render` 抛出；属于内部错误。"""


@dataclass
class IssueCollector:
    """收集问题而不是遇到第一个就停止；最后一次性抛出。"""

    issues: list[Issue] = field(default_factory=list)

    def error(self, location: Location, code: str, message: str) -> None:
        self.issues.append(Issue(location, code, message, "error"))

    def warning(self, location: Location, code: str, message: str) -> None:
        self.issues.append(Issue(location, code, message, "warning"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self, message: str) -> None:
        if self.errors:
            raise InputError(message, self.errors)
