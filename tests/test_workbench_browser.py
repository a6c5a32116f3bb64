"""工作台在真正的浏览器里（Debian 的 chromium + chromium-driver，无界面，1366×768）走一遍：
从空白表单起草样例公文 → 预览出页面 → 下载 Word 与 PDF（与命令行的输出一样、过同样的测量）；
上传埋了错误的导出表 → 问题表逐条指到行；建档案 → 下载 zip → 用 bagit 核对；对外开放时要登录；
别的网站提交过来被拒；上传名为 ../../x 的文件落在工作区里。失败时截图存进 test-screenshots/。"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path

import httpx
import pymupdf
import pytest
from measure import check_body_flow, lines
from web_server import running

from docgen.load.yamlsrc import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "tongwang-2020-108"
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="需要 chromium 与 chromium-driver（make test 会安装）")


@pytest.fixture
def browser(tmp_path, request):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
              "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1366,768", "--lang=zh-CN", f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False,
                                           "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(120)
    driver.downloads = downloads
    request.node.driver = driver
    yield driver
    driver.quit()


def wait_for(fn, timeout=180, what="条件"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
            if last:
                return last
        except Exception as exc:  # noqa: BLE001 — 页面还在变
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"等不到{what}（最后：{last!r}）")


def downloaded(driver, suffix: str, timeout=180) -> Path:
    return wait_for(lambda: next((p for p in driver.downloads.iterdir() if p.suffix == suffix and p.stat().st_size), None),
                    timeout, f"下载的 {suffix}")


def type_into(driver, element_id: str, text: str):
    e = driver.find_element("id", element_id)
    e.clear()
    e.send_keys(text)


def upload_dataset(b, url: str, folder: Path) -> None:
    """在建档立卡页上传一个文件夹里的导出表与附表（期别 2020-12），等到校验完、出现“生成”按钮。"""
    b.get(url + "/households")
    b.find_element("id", "data-files").send_keys("\n".join(str(p) for p in sorted(folder.iterdir()) if p.suffix != ".json"))
    type_into(b, "data-period", "2020-12")
    b.find_element("id", "data-upload").click()
    wait_for(lambda: b.find_element("id", "build-ledgers"), 300, "数据上传、校验")


def paste(driver, element_id: str, text: str):
    """长文字像粘贴一样一次放进去（逐字 send_keys 几千字要几分钟）。"""
    driver.execute_script("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                          "e.dispatchEvent(new Event('input', {bubbles: true}));", element_id, text)


def test_draft_the_sample_notice_from_an_empty_form(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    from docgen.api import render_file

    d = load_yaml(SAMPLE / "notice.yaml").data
    cli = tmp_path / "cli"
    cli.mkdir()
    render_file(SAMPLE / "notice.yaml", cli / "notice.pdf")
    render_file(SAMPLE / "notice.yaml", cli / "notice.docx")
    expected_pages = len(pymupdf.open(cli / "notice.pdf"))
    with running(tmp_path) as (url, wb):
        b = browser
        b.get(url + "/draft")
        b.find_element("id", "new-draft").click()
        wait_for(lambda: b.find_element("id", "f-发文机关"), what="空白表单")
        assert b.find_element("id", "f-标题").get_attribute("value") == ""
        type_into(b, "f-发文机关", "铜川市王益区住房和城乡建设局")
        b.find_element("id", "f-加文件").click()
        type_into(b, "f-发文字号", d["发文字号"])
        type_into(b, "f-标题", d["标题"])
        type_into(b, "f-主送机关", d["主送机关"])
        paste(b, "f-正文", d["正文"].rstrip("\n"))
        # 附件：上传任务清单文件，选它
        b.find_element("id", "upload").send_keys(str(SAMPLE / "tasklist.yaml"))
        wait_for(lambda: "tasklist.yaml" in b.find_element("id", "files").text, what="上传的附件")
        b.find_element("id", "add-attachment").click()
        box = b.find_elements("css selector", "#attachments .attachment")[0]
        box.find_element("css selector", ".a-名称").send_keys(d["附件"][0]["名称"])
        Select(box.find_element("css selector", ".a-类型")).select_by_value("文件")
        Select(box.find_element("css selector", ".a-文件")).select_by_value("tasklist.yaml")
        type_into(b, "f-发文机关署名", d["发文机关署名"])
        type_into(b, "f-成文日期", d["成文日期"])
        b.find_element("css selector", "#enclosed summary").click()
        type_into(b, "f-印发文件.标题", d["印发文件"]["标题"])
        paste(b, "f-印发文件.正文", d["印发文件"]["正文"].rstrip("\n"))
        type_into(b, "f-抄送机关", "\n".join(d["抄送机关"]))
        type_into(b, "f-印发机关", d["印发机关"])
        type_into(b, "f-印发日期", d["印发日期"])
        # 预览：docgen 排出的真实页面（与命令行一样多的页）；体检结果在旁边
        wait_for(lambda: b.find_element("id", "save-state").text == f"已保存 · {expected_pages} 页", 300, "预览")
        imgs = b.find_elements("css selector", "#preview img.page")
        assert len(imgs) == expected_pages
        # 页面图是预览刷新后才去取的：等它们都取到（在负载高的机器上会晚一点）
        wait_for(lambda: all(b.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 800", i)
                             for i in b.find_elements("css selector", "#preview img.page")), 60, "预览的页面图")
        assert "没有发现问题" in b.find_element("id", "findings").text
        outline = b.find_element("id", "outline").text
        assert "一、行动目标" not in outline  # 目录是“通知”正文的；样例的标题都在印发的文件里
        # 下载 Word 与 PDF
        b.find_element("id", "dl-pdf").click()
        pdf = downloaded(b, ".pdf")
        b.find_element("id", "dl-docx").click()
        docx = downloaded(b, ".docx")
        b.find_element("id", "dl-yaml").click()
        yml = downloaded(b, ".yaml")
    # 与命令行的输出一样：每页每行的文字、位置、字号、字体都相同
    ours, theirs = pymupdf.open(pdf), pymupdf.open(cli / "notice.pdf")
    assert len(ours) == len(theirs)
    for p, q in zip(ours, theirs):
        assert [(ln.text, round(ln.x0, 2), round(ln.baseline, 2), ln.size, sorted(ln.fonts)) for ln in lines(p)] == \
               [(ln.text, round(ln.x0, 2), round(ln.baseline, 2), ln.size, sorted(ln.fonts)) for ln in lines(q)]
    # 再直接量一遍：正文页 22 行、每行落在网格上、28 字
    body = [[ln for ln in lines(p) if not ln.vertical and 36 < ln.em_top < 261 and abs(ln.size - 16) < 0.3]
            for p in ours if p.rect.width < p.rect.height]
    check_body_flow([pg for pg in body[1:-2] if len(pg) >= 20])
    with zipfile.ZipFile(docx) as a, zipfile.ZipFile(cli / "notice.docx") as c:
        assert a.read("word/document.xml") == c.read("word/document.xml")
    assert "印发文件" in yml.read_text("utf-8")


def test_planted_errors_show_at_their_rows(browser, tmp_path):
    from docgen.households.sample import generate

    generate(80, 11, tmp_path / "data", 0.06, 2020)
    planted = json.loads((tmp_path / "data" / "planted-errors.json").read_text("utf-8"))
    assert planted
    with running(tmp_path) as (url, _):
        b = browser
        b.get(url + "/households")
        files = [str(p) for p in sorted((tmp_path / "data").iterdir()) if p.suffix != ".json"]
        b.find_element("id", "data-files").send_keys("\n".join(files))
        type_into(b, "data-period", "2020-12")
        b.find_element("id", "data-upload").click()
        wait_for(lambda: b.find_elements("css selector", "#issues tbody tr"), 300, "问题表")
        rows = b.find_elements("css selector", "#issues tbody tr")
        shown = {r.get_attribute("data-location") for r in rows}
        for p in planted:
            loc = f"户籍导出.xlsx:{p['sheet']}:{p['row']}:{p['field']}"
            assert loc in shown, (loc, sorted(shown)[:5])
        # 筛选：只看某个代码
        from selenium.webdriver.support.ui import Select

        code = planted[0]["code"]
        Select(b.find_element("id", "filter-code")).select_by_visible_text(code)
        cells = [r.find_elements("css selector", "td")[2].text for r in b.find_elements("css selector", "#issues tbody tr")]
        assert cells and set(cells) == {code}
        # 按行号排序
        Select(b.find_element("id", "filter-code")).select_by_index(0)
        b.find_element("css selector", "#issues th[data-key='行']").click()
        nums = [int(r.find_elements("css selector", "td")[5].text or 0) for r in b.find_elements("css selector", "#issues tbody tr")]
        assert nums == sorted(nums)
        assert "生成" not in b.find_element("tag name", "main").text.split("重新校验")[-1]  # 有错误时不给生成


def test_build_an_archive_and_verify_the_zip(browser, tmp_path):
    import bagit

    from docgen.households.sample import generate

    generate(20, 4, tmp_path / "data", 0.0, 2020)
    with running(tmp_path) as (url, _):
        b = browser
        upload_dataset(b, url, tmp_path / "data")
        b.find_element("id", "build-ledgers").click()
        wait_for(lambda: b.find_element("id", "download-zip"), 300, "台账与户档")
        assert b.find_element("id", "county-chart").is_displayed()
        b.get(url + "/archive")
        type_into(b, "archive-year", "2020")
        b.find_element("id", "archive-build").click()
        links = wait_for(lambda: b.find_elements("css selector", "#archive-zips a"), 300, "档案包")
        village = next(a for a in links if "县级" not in a.text)
        village.click()
        z = downloaded(b, ".zip")
        out = tmp_path / "unzipped"
        with zipfile.ZipFile(z) as zf:
            zf.extractall(out)
        bags = [p.parent for p in out.rglob("bagit.txt")]
        assert bags
        for bag in bags:
            assert bagit.Bag(str(bag)).is_valid()
        # 再上传这个 zip 核对
        b.get(url + "/archive")
        b.find_element("id", "verify-file").send_keys(str(z))
        b.find_element("id", "verify").click()
        wait_for(lambda: b.find_element("id", "verify-ok"), 300, "核对结果")


def test_open_address_requires_login(browser, tmp_path):
    from docgen.web.passwords import hash_password

    with running(tmp_path, users={"档案员": hash_password("一句够长的口令")}, policy_host="0.0.0.0") as (url, _):
        b = browser
        b.get(url + "/archive")
        assert "/login" in b.current_url
        type_into(b, "user", "档案员")
        type_into(b, "password", "不对")
        b.find_element("id", "login").click()
        err = wait_for(lambda: b.find_element("id", "login-error"), 60, "登录失败的说明")  # 负载重时页面来得慢
        assert "用户名或口令不对" in err.text
        type_into(b, "user", "档案员")
        type_into(b, "password", "一句够长的口令")
        b.find_element("id", "login").click()
        wait_for(lambda: b.current_url.endswith("/archive"), what="登录后回到档案页")
        assert "档案员" in b.find_element("css selector", "header .who").text


def test_other_sites_cannot_post_to_the_workbench(browser, tmp_path):
    """别的网站（另一个端口 = 另一个源）上的表单自动提交到工作台：被拒，什么也没建。"""
    import http.server
    import threading

    with running(tmp_path) as (url, wb):
        evil = tmp_path / "evil"
        evil.mkdir()
        (evil / "index.html").write_text(f'<form id="f" method="post" action="{url}/draft/new"></form>'
                                         '<script>document.getElementById("f").submit()</script>', "utf-8")
        handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=str(evil))  # noqa: E731
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            b = browser
            b.get(url + "/")  # 先在工作台开过页面（浏览器里有它的会话）
            b.get(f"http://127.0.0.1:{srv.server_address[1]}/index.html")
            wait_for(lambda: b.current_url.startswith(url), what="表单提交")
            assert "拒绝" in b.find_element("tag name", "body").text
            assert not any((Path(wb.root)).glob("*/drafts/*"))
        finally:
            srv.shutdown()


def test_upload_named_dot_dot_lands_inside_the_workspace(browser, tmp_path):
    """浏览器上传的文件名是 ../../x：文件落在工作区里（x.xlsx），工作区外什么也没有。"""
    with running(tmp_path) as (url, wb):
        b = browser
        b.get(url + "/households")
        token = b.find_element("css selector", "meta[name=csrf-token]").get_attribute("content")
        data = list((ROOT / "samples/households/户籍导出.xlsx").read_bytes())
        status = b.execute_async_script("""
            const [bytes, token, done] = arguments;
            const fd = new FormData();
            fd.append("csrf", token);
            fd.append("file", new Blob([new Uint8Array(bytes)]), "../../x");
            fetch("/households/new", {method: "POST", body: fd, redirect: "manual"}).then(r => done(r.type + ":" + r.status));
        """, data, token)
        assert status in ("opaqueredirect:0", "basic:303"), status
        ws = Path(wb.root)
        hits = list(ws.rglob("x.xlsx"))
        assert len(hits) == 1 and ws in hits[0].resolve().parents
        assert not list(tmp_path.glob("x*")) and not list(ws.parent.glob("x*"))


def test_open_an_existing_yaml_and_upload_what_it_refers_to(browser, tmp_path):
    """打开已有的公文 YAML 接着改：它引用的附件文件还没上传时页面说出来；传上来就选上并重排。"""
    expected = len(pymupdf.open(stream=__import__("docgen.api", fromlist=["x"]).render_document(SAMPLE / "notice.yaml", ".pdf"),
                                filetype="pdf"))
    with running(tmp_path) as (url, _):
        b = browser
        b.get(url + "/draft")
        b.find_element("id", "open-file").send_keys(str(SAMPLE / "notice.yaml"))
        b.find_element("id", "open-draft").click()
        wait_for(lambda: "tasklist.yaml" in b.find_element("id", "missing-files").text, what="缺少附件文件的提示")
        assert b.find_element("id", "f-发文字号").get_attribute("value") == "铜王住建发〔2020〕108号"
        b.find_element("id", "upload").send_keys(str(SAMPLE / "tasklist.yaml"))
        wait_for(lambda: b.find_element("id", "save-state").text == f"已保存 · {expected} 页", 300, "预览")
        assert b.find_element("id", "missing-files").text == ""
        assert "没有发现问题" in b.find_element("id", "findings").text


def test_campaign_week_from_survey_to_report(browser, tmp_path):
    """冲刺行动的一周在浏览器里：上传数据 → 生成八查排查表并下载 → 填好（埋两个“否”）上传 → 传两个单位的跟踪表、
    在页面上填版头 → 排出周报，页面上看到清零进度图，下载的 Word 里是本周的数。"""
    import datetime as dt
    import random

    from docx import Document
    from openpyxl import load_workbook
    from test_survey import fill
    from test_tracking import filled

    from docgen.api import render_document
    from docgen.households.sample import generate

    generate(20, 6, tmp_path / "data", 0.0, 2020)
    with running(tmp_path) as (url, _):
        b = browser
        upload_dataset(b, url, tmp_path / "data")
        b.get(url + "/campaign")
        b.find_element("id", "survey-make").click()
        wait_for(lambda: b.find_element("id", "survey-download"), 300, "排查表").click()
        z = downloaded(b, ".zip")
        books = tmp_path / "books"
        with zipfile.ZipFile(z) as zf:
            zf.extractall(books)
        done = []
        for book in sorted(books.rglob("*.xlsx")):
            ws = load_workbook(book)["八查"]
            first = ws.cell(3, 2).value
            out = tmp_path / "填好" / book.name
            out.parent.mkdir(exist_ok=True)
            fill(book, out, {(first, 1): "证件丢失"}, random.Random(1), day=dt.date(2020, 3, 25))
            done.append(out)
        b.get(url + "/campaign")
        b.find_element("id", "survey-files").send_keys("\n".join(map(str, done)))
        b.find_element("id", "survey-read").click()
        wait_for(lambda: b.find_element("id", "read-ok"), 300, "读回结果")
        blank = tmp_path / "清单.xlsx"
        blank.write_bytes(render_document(SAMPLE / "tasklist.yaml", ".xlsx"))
        t1 = filled(blank, tmp_path / "城乡建设科.xlsx", {3: ("已完成", dt.date(2020, 3, 30))}, dt.date(2020, 4, 2))
        t2 = filled(blank, tmp_path / "村镇建设股.xlsx", {4: ("进行中", None)})
        b.get(url + "/campaign")
        b.find_element("id", "weekly-files").send_keys(f"{t1}\n{t2}")
        for k, v in (("发文机关标志", "某某县住房和城乡建设局文件"), ("发文字号", "某住建报〔{年}〕{周}号"), ("签发人", "张某某"),
                     ("主送机关", "县脱贫攻坚领导小组办公室"), ("发文机关署名", "某某县住房和城乡建设局")):
            type_into(b, f"weekly-{k}", v)
        b.find_element("id", "weekly-make").click()
        ok = wait_for(lambda: b.find_element("id", "weekly-ok"), 300, "周报")
        assert f"问题 {len(done)} 项" in ok.text and "第 2 周" in ok.text
        chart = b.find_element("id", "weekly-chart")
        assert wait_for(lambda: b.execute_script("return arguments[0].naturalWidth", chart), 60, "清零进度图") > 1000
        b.find_element("id", "weekly-docx").click()
        docx = downloaded(b, ".docx")
        text = "\n".join(p.text for p in Document(docx).paragraphs)
        assert "第2周（3月27日至4月2日）" in text and "某住建报〔2020〕2号" in text


def test_month_end_batch_from_the_page_with_and_without_a_handbook(browser, tmp_path):
    """批处理页在真正的浏览器里：文件框不选文件就开始（浏览器照样送一个没名字的空部分）→ 照常跑完；
    选上帮扶手册再跑 → 报告里有库册核对的一行。"""
    from docgen.crosscheck.sample import write_handbook
    from docgen.households.sample import generate

    generate(20, 2, tmp_path / "data", 0.0, 2020)
    write_handbook(tmp_path / "data", tmp_path / "册", seed=3, rate=0.2)
    with running(tmp_path) as (url, _):
        b = browser
        upload_dataset(b, url, tmp_path / "data")
        for book in (None, tmp_path / "册" / "帮扶手册.xlsx"):
            b.get(url + "/batch")
            type_into(b, "batch-period", "2020-12")
            if book is not None:
                b.find_element("id", "batch-handbook").send_keys(str(book))
            b.find_element("id", "batch-start").click()
            report = wait_for(lambda: b.find_element("id", "batch-report"), 300, "批处理报告")
            assert "失败明细" not in report.text and ("库册核对：不一致" in report.text) == (book is not None), report.text
