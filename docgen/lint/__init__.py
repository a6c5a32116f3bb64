"""公文体检：在公文发出前查出机器能查出的问题（GB/T 9704、GB/T 15834、泄密与个人信息、版式）。

入口：:func:`lint_paths` 返回 :class:`Finding` 列表；:func:`apply_fixes` 对 YAML 源文件做安全修正。
"""

from docgen.lint.core import Finding, LintConfig, lint_paths
from docgen.lint.fix import apply_fixes

__all__ = ["Finding", "LintConfig", "lint_paths", "apply_fixes"]
