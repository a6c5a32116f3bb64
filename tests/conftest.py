"""共用夹具：样例路径、一次渲染多处使用的 DOCX/PDF、写小 YAML 的工具。"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "tongwang-2020-108" / "notice.yaml"

MINIMAL = """\
发文机关标志: 某某县住房和城乡建设局文件
发文字号: 某住建发〔2020〕5号
标题: 关于做好农村危房改造工作的通知
主送机关: 各镇人民政府
正文: |
  为做好农村危房改造工作，现将有关事项通知如下。
  # 工作目标
  年底前完成存量危房改造。
发文机关署名: 某某县住房和城乡建设局
成文日期: 2020-04-01
"""


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def sample_docx(tmp_path_factory) -> Path:
    from docgen.api import render_file

    out = tmp_path_factory.mktemp("docx") / "notice.docx"
    render_file(SAMPLE, out)
    return out


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory) -> Path:
    from docgen.api import render_file

    out = tmp_path_factory.mktemp("pdf") / "notice.pdf"
    render_file(SAMPLE, out)
    return out


@pytest.fixture
def write_yaml(tmp_path):
    """写一个 YAML 文件并返回路径：write_yaml(text, name="notice.yaml")。"""

    def _write(text: str, name: str = "notice.yaml") -> Path:
        p = tmp_path / name
        p.write_text(textwrap.dedent(text), encoding="utf-8")
        return p

    return _write


# ------------------------------------------------------------------ 建档立卡：都走 docgen 的那一条流水线


def check_issues(paths, period=None, settings=None):
    """与 `docgen check` 相同：读表、分拣、逐村校验，返回全部问题。"""
    from docgen.households.load import collect_files
    from docgen.households.stage import check_data
    from docgen.settings import Settings

    return check_data(collect_files([Path(p) for p in paths], period), settings or Settings(), period).issues


def staged_assessments(paths, period=(2020, 12), settings=None) -> list:
    """与批处理相同的流水线得到的全部核算结果（数据有错时抛出 DataError）。"""
    from docgen.households.stage import staged

    with staged([Path(p) for p in paths], settings, period) as stg:
        return list(stg.all_assessments())


def staged_households(paths, period=(2020, 12), settings=None) -> list:
    return [a.household for a in staged_assessments(paths, period, settings)]


def sheet_table(ws, first: str) -> tuple[int, list[str], list[tuple]]:
    """台账工作表：(表头所在行, 表头, 数据行)。表头上面有标题与口径说明，按第一列的表头名找。"""
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row and row[0] == first:
            rows = [x for x in ws.iter_rows(min_row=r + 1, values_only=True) if any(v not in (None, "") for v in x)]
            return r, list(row), rows
    raise AssertionError(f"{ws.title} 中找不到表头“{first}”")


def draw_png(path: Path, w: int, h: int, circle: bool) -> Path:
    """画一枚红色印章（圆）或签名章（方框）PNG，透明底。"""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=w, height=h)
    if circle:
        page.draw_circle((w / 2, h / 2), min(w, h) / 2 - 4, color=(1, 0, 0), width=4)
    else:
        page.draw_rect(pymupdf.Rect(2, 2, w - 2, h - 2), color=(1, 0, 0), width=3)
    page.get_pixmap(alpha=True, dpi=144).save(path)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """浏览器测试失败时截图（test-screenshots/测试名.png），看得到页面当时的样子。"""
    outcome = yield
    rep = outcome.get_result()
    driver = getattr(item, "driver", None)
    if rep.when == "call" and rep.failed and driver is not None:
        shots = ROOT / "test-screenshots"
        shots.mkdir(exist_ok=True)
        try:
            driver.save_screenshot(str(shots / f"{item.name}.png"))
            (shots / f"{item.name}.html").write_text(driver.page_source, encoding="utf-8")
        except Exception:  # noqa: BLE001 — 浏览器已经没了
            pass
