"""pip install .（不是可编辑安装）装到检出目录之外：模板、Typst 文件、整理方案都要作为包数据找得到，py.typed 随包发布。"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """把检出目录复制到临时目录（不带 .venv、out）后 pip install --target：与源码树再无关系。"""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "out", ".git", "__pycache__", "*.egg-info",
                                                               ".pytest_cache", "build"))
    target = base / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(src)], check=True, capture_output=True, timeout=300)
    shutil.rmtree(src)  # 装好之后源码树不在了
    return target


def run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("DOCGEN_TEMPLATES", None)
    return subprocess.run([sys.executable, "-m", "docgen", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_package_data_and_py_typed(installed):
    pkg = installed / "docgen"
    assert (pkg / "py.typed").is_file()
    assert (pkg / "templates" / "docx" / "notice.docx").is_file()
    assert (pkg / "templates" / "html" / "notice.html").is_file()
    assert list((pkg / "templates" / "typst").glob("*.typ"))
    assert list((pkg / "archive_schema").glob("*.yaml"))
    assert (pkg / "web" / "pages" / "draft.html").is_file() and (pkg / "web" / "static" / "app.js").is_file()
    # 每个子包都装上了（pyproject 里的包是逐个列的：新加的子包忘了列，检出目录里能用、装好的包里就没有）
    src = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "docgen").rglob("__init__.py")}
    got = {p.parent.relative_to(installed).as_posix() for p in pkg.rglob("__init__.py")}
    assert src <= got, sorted(src - got)


def test_workbench_serves_from_the_installed_package(installed, tmp_path):
    """装好的包开工作台：页面与脚本都由包里的文件提供（不靠检出目录）。"""
    import socket
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("DOCGEN_TEMPLATES", None)
    proc = subprocess.Popen([sys.executable, "-m", "docgen", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/draft", timeout=5)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.3)
        assert r.status_code == 200 and "公文起草" in r.text
        js = httpx.get(f"http://127.0.0.1:{port}/static/app.js", timeout=5)
        assert js.status_code == 200 and "draftEditor" in js.text
        assert (tmp_path / "docgen-工作台").is_dir()
    finally:
        proc.terminate()
        proc.wait(30)


def test_render_and_batch_outside_checkout(installed, tmp_path):
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    probe = subprocess.run([sys.executable, "-c", "import docgen, sys; print(docgen.__file__)"], cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True)
    assert probe.stdout.strip().startswith(str(installed)), probe  # 用的是装好的包，不是检出目录
    r = run(installed, tmp_path, "render", "samples/tongwang-2020-108/notice.yaml", "-o", "n.pdf")
    assert r.returncode == 0, r.stderr
    r = run(installed, tmp_path, "render", "samples/tongwang-2020-108/notice.yaml", "-o", "n.docx")
    assert r.returncode == 0, r.stderr
    r = run(installed, tmp_path, "batch", "--data", "samples/households", "--period", "2020-12", "-o", "月末",
            "--archive", "default")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "n.pdf").stat().st_size > 10_000
    assert list((tmp_path / "月末").rglob("*.pdf"))
    assert list((tmp_path / "月末").rglob("bagit.txt"))
