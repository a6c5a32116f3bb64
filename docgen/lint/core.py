"""体检的数据结构、规则登记与总入口。"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable


SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class Fix:
    """安全修正：在该文字单元的源文本中把 `old` 换成 `new`（old 带上下文，保证只改到这一处）。"""

    old: str
    new: str


@dataclass
class Finding:
    """一条体检结果。"""

    rule: str
    severity: str
    file: str
    where: str  # YAML 为行号，DOCX 为“第N段”或“表格1:行2:列3”
    message: str
    text: str = ""  # 出问题的原文（密码等已打码）
    suggestion: str = ""  # 建议的改法
    fix: Fix | None = field(default=None, compare=False)
    unit: object = field(default=None, compare=False, repr=False)
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.where}" if self.where else self.file

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "file": self.file, "location": self.location,
                "message": self.message, "text": self.text, "suggestion": self.suggestion, "fixable": self.fix is not None}

    def __str__(self) -> str:
        s = f"{self.location}: {SEVERITY_ZH[self.severity]} [{self.rule}] {self.message}"
        if self.text:
            s += f"：「{self.text}」"
        if self.suggestion:
            s += f" → 建议：{self.suggestion}"
        return s


@dataclass
class Rule:
    id: str
    severity: str
    title: str
    check: Callable  # (doc: LintDoc) -> Iterable[Finding]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str):
    """登记一条规则。"""

    def deco(fn):
        RULES[rule_id] = Rule(rule_id, severity, title, fn)
        return fn

    return deco


@dataclass
class LintConfig:
    """项目配置：规则关闭（off）或改级别（error/warning/info）。"""

    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> "LintConfig":
        """docgen.yml 中的 ``体检: {规则: {PU005: off}}``（也可写 ``lint: {rules: …}``），与其余设置一起由
        :func:`docgen.settings.load_settings` 读取、校验。"""
        from docgen.settings import load_settings

        return cls(dict(load_settings(path).lint_overrides))

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        out = []
        for f in findings:
            level = self.overrides.get(f.rule)
            if level == "off":
                continue
            if level:
                f.severity = level
            out.append(f)
        return out


def lint_paths(paths: list[str | Path], config: LintConfig | None = None) -> list[Finding]:
    """体检若干文件（公文/任务清单 YAML、.docx），返回所有结果（按文件、位置排序）。"""
    from docgen.lint import rules as _rules  # noqa: F401  登记规则
    from docgen.lint.units import load_lint_doc

    config = config or LintConfig()
    findings: list[Finding] = []
    for p in paths:
        doc = load_lint_doc(Path(p))
        for r in RULES.values():
            if doc.kind not in getattr(r.check, "kinds", ("notice", "tasklist", "docx")):
                continue
            for f in r.check(doc):
                f.severity = f.severity or r.severity
                f.path = doc.path
                findings.append(f)
    findings = config.apply(findings)
    return sorted(findings, key=lambda f: (f.file, _sort_key(f.where), f.rule))


def _sort_key(where: str):
    import re

    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", where or "")]
