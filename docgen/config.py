"""项目配置 docgen.yml（可选）：贫困线、监测线倍数、身份证号打码方式、体检规则。

    贫困线: {2019: 3747, 2020: 4000}
    监测线倍数: 1.5
    刚性支出倍数: 1.0
    身份证打码: {前: 6, 后: 4}
    体检:
      规则: {PU005: off}
"""

from __future__ import annotations

from pathlib import Path

from docgen.errors import ConfigError
from docgen.households.compute import DEFAULT_POVERTY_LINES, Settings


def load_settings(path: str | Path | None) -> Settings:
    from docgen.load.yamlsrc import load_yaml

    if path is None:
        if not Path("docgen.yml").is_file():
            return Settings()
        path = "docgen.yml"
    src = load_yaml(path)
    data = src.data if isinstance(src.data, dict) else {}
    lines = dict(DEFAULT_POVERTY_LINES)
    raw = data.get("贫困线", {}) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{src.location(('贫困线',), '贫困线')}: 应为 年份: 金额 的映射，如 {{2020: 4000}}")
    for y, v in raw.items():
        if not isinstance(y, int) or not isinstance(v, (int, float)) or v <= 0:
            raise ConfigError(f"{src.location(('贫困线', y), str(y))}: 应为 年份: 正数金额，得到 {y!r}: {v!r}")
        lines[y] = float(v)
    mask = data.get("身份证打码", {}) or {}
    head, tail = mask.get("前", 6), mask.get("后", 4)
    if not (isinstance(head, int) and isinstance(tail, int) and 0 <= head and 0 <= tail and head + tail <= 14):
        raise ConfigError(f"{src.location(('身份证打码',), '身份证打码')}: 前、后保留位数应为整数，合计不超过 14")
    ratio = data.get("监测线倍数", 1.5)
    hard = data.get("刚性支出倍数", 1.0)
    for key, v in (("监测线倍数", ratio), ("刚性支出倍数", hard)):
        if not isinstance(v, (int, float)) or v <= 0:
            raise ConfigError(f"{src.location((key,), key)}: 应为正数，得到 {v!r}")
    return Settings(poverty_lines=lines, monitor_ratio=float(ratio), hard_expense_ratio=float(hard),
                    mask_head=head, mask_tail=tail)
