"""档案整理：方案校验、档号与件号、装盒、目录与文件一致、完整性报告、BagIt、verify 查出改动、路径安全、
追加文件不重新编号、重建不改字节、PDF/A 保存版。"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import unicodedata
from pathlib import Path

import bagit
import openpyxl
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import MINIMAL, ROOT

from docgen.archive.boxing import box_units
from docgen.archive.build import build_archive
from docgen.archive.model import Bundle, Doc, Item, Volume, safe_component, safe_join
from docgen.archive.profile import load_profile
from docgen.archive.verify import verify_archive
from docgen.cli import cli
from docgen.errors import ConfigError, InputError

YEAR = 2020
DATE = dt.date(2020, 12, 31)


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def tiny_pdf(path: Path, pages: int = 1) -> Path:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.save(path, static_id=True)
    return path


@pytest.fixture
def src(tmp_path) -> tuple[Path, list[Path]]:
    """两户（一户材料齐全、一户缺材料）和村级台账；另有一个认不出的文件。"""
    from docgen.households.sample import generate

    gen = tmp_path / "gen"
    generate(4, 11, gen)
    from conftest import staged_households

    hhs = staged_households([gen / "户籍导出.xlsx"])
    village = hhs[0].village
    code = hhs[0].village_code
    docs = tmp_path / "docs"
    full = hhs[0].hh_id
    for t in ("申请书", "入户调查表", "评议公示记录", "贫困户登记表", "帮扶手册", "收入核算表", "退出验收材料"):
        tiny_pdf(docs / "户档" / f"{full}-{t}.pdf", pages=2)
    part = next(h.hh_id for h in hhs[1:] if h.village_code == code)
    tiny_pdf(docs / "户档" / f"{part}-申请书.pdf")
    tiny_pdf(docs / "户档" / f"{part}-收入核算表.pdf")
    tiny_pdf(docs / "户档" / f"{part}-收入核算表-重扫.pdf")
    tiny_pdf(docs / "村级" / f"{village}台账.pdf", pages=3)
    tiny_pdf(docs / "村级" / f"{village}拟退出户公示名单.pdf")
    (docs / "村级" / "会议照片说明.txt").write_text("照片", encoding="utf-8")
    return docs, [gen / "户籍导出.xlsx", gen / "村.yaml"]


def build(src, out, **kw):
    docs, data = src
    return build_archive([docs], out, load_profile(kw.pop("profile", None)), year=YEAR, date=kw.pop("date", DATE),
                         data_files=data, **kw)


# ------------------------------------------------------------------ 方案


def test_profiles_load_and_differ():
    from docgen.archive.numbering import archival_no, fields

    a, b = load_profile("default"), load_profile("jiangxi")
    assert archival_no(a.data, "件", **fields(a.data, 2020, "Y", "SB", "", 件号=1)) == "Z109-WS·2020-Y-SB-0001"  # 县级
    assert archival_no(a.data, "件", **fields(a.data, 2020, "Y", "SB", "610202100201", 件号=1)) == \
        "Z109-WS·2020-Y-SB610202100201-0001"
    assert archival_no(b.data, "卷", **fields(b.data, 2020, "Y", "05", "610202100201", 卷号=7)) == \
        "J001-JF05610202100201-2020-007"


@pytest.mark.parametrize("edit,where,fragment", [
    (("全宗号: Z109", "全宗号: z-109"), "bad.yaml:6:全宗号", "格式不对"),
    (("  件: \"{全宗号}-{门类}·{年度}-{期限}-{机构}{村码}-{件号:04d}\"", "  件: \"{全宗号}-{门号}\""), "bad.yaml:11:档号.件",
     "不认识的字段"),
    (("  申请书: {类别: 贫困户档案, 关键词: [申请书]}", "  申请书: {类别: 户档, 关键词: [申请书]}"), "bad.yaml:23:文件类型.申请书.类别", "未在“类别”中定义"),
    (("  每盒页数: 200", "  每盒页数: 多"), "bad.yaml:48:装盒.每盒页数", "应为整数"),
    (("门类: WS", "门类: WS\n颜色: 红"), "bad.yaml", "不认识的键“颜色”"),
])
def test_broken_profile_names_file_line_key(tmp_path, edit, where, fragment):
    text = (ROOT / "archive_schema" / "default.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_profile(str(bad))
    assert where in str(e.value) and fragment in str(e.value), str(e.value)


# ------------------------------------------------------------------ 编号、装盒、目录


def test_numbering_catalogue_and_completeness(src, tmp_path):
    out = tmp_path / "arch"
    stats = build(src, out)
    bags = sorted(p for p in out.iterdir() if (p / "bagit.txt").exists())
    assert len(bags) == 1 and bags[0].name.startswith("6102")
    bag = bags[0]
    wb = openpyxl.load_workbook(bag / "data" / "目录" / "归档文件目录.xlsx")
    vol = wb["卷内目录"]
    rows = [[c.value for c in r] for r in vol.iter_rows(min_row=3)]
    first = [r for r in rows if r[0] == rows[0][0]]
    assert [r[2].rsplit("-", 1)[1] for r in first] == ["001", "002", "003", "004", "005", "006", "007"]  # 卷内件号连续
    assert [r[5].split("）")[-1] for r in first] == ["申请书", "入户调查表", "评议公示记录", "贫困户登记表", "帮扶手册",
                                                     "收入核算表", "退出验收材料"]  # 按必备文件顺序排列
    assert all(r[6] == "20201231" for r in first)  # 日期 YYYYMMDD
    # 目录中的文件与包中文件一一对应
    listed = {r[-1] for ws in wb.worksheets for r in ws.iter_rows(min_row=3, values_only=True) if r[-1]}
    files = {p.relative_to(bag).as_posix() for p in (bag / "data").rglob("*") if p.is_file()
             and not p.relative_to(bag / "data").as_posix().startswith(("目录/", "元数据/"))}
    assert listed == files
    # 档号：件按类别单元从 0001 起；户卷卷号从 0001 起
    items = [r for ws in wb.worksheets if ws.title != "卷内目录" for r in ws.iter_rows(min_row=3, values_only=True)]
    nos = sorted(r[1] for r in items)
    code = bag.name[:12]
    assert f"Z109-WS·2020-Y-HD{code}-0001" in nos and f"Z109-WS·2020-Y-HD{code}-0002" in nos  # 机构(问题)带村代码
    # 完整性：齐全的户、缺材料与重复的户、村级材料
    comp = {c["编号"]: c for c in stats["gaps"]}
    hh = [k for k in comp if len(k) == 16]
    assert any(set(comp[k]["缺少"]) == {"入户调查表", "评议公示记录", "贫困户登记表", "帮扶手册", "退出验收材料"}
               and comp[k]["重复"] == ["收入核算表"] for k in hh)
    assert stats["unknown"] and stats["unknown"][0].name == "会议照片说明.txt"
    rep = openpyxl.load_workbook(out / "完整性报告.xlsx")["完整性"]
    assert any(r[4] == "不齐全" for r in rep.iter_rows(min_row=3, values_only=True))
    # 元数据 XML：DA/T 46 核心元素与归档章
    xml = next((bag / "data" / "元数据").glob("*-001.xml")).read_text(encoding="utf-8")
    for tag in ("<档号值>", "<题名>", "<责任者>", "<保管期限>永久</保管期限>", "<页数>", "<归档章>", "<摘要值>"):
        assert tag in xml
    import re

    assert re.search(r"<页数>\d+</页数>", xml)


def test_bagit_validator_accepts_and_zip_per_village(src, tmp_path):
    out = tmp_path / "arch"
    build(src, out)
    for bag_dir in (p for p in out.iterdir() if (p / "bagit.txt").exists()):
        bag = bagit.Bag(str(bag_dir))
        bag.validate()
        assert bag.info["全宗号"] == "Z109" and bag.info["年度"] == "2020" and len(bag.info["村代码"]) == 12
        z = out / f"{bag_dir.name}.zip"
        import zipfile

        names = zipfile.ZipFile(z).namelist()
        assert f"{bag_dir.name}/bagit.txt" in names and any("/data/" in n for n in names)
    assert invoke("archive", "verify", out).exit_code == 0


def _bag(out: Path) -> Path:
    return next(p for p in out.iterdir() if (p / "bagit.txt").exists())


@pytest.mark.parametrize("given", ["bundle", "zip", "parent"])
@pytest.mark.parametrize("damage", ["flip", "remove", "extra", "rename"])
def test_verify_names_each_damage_in_a_bundle_a_zip_and_a_folder(src, tmp_path, damage, given):
    """档案员收到的可能是包文件夹、移交 zip 或装着它们的文件夹：每种都点出改动、删掉、多出、改名的那个文件。"""
    from docgen.archive.outputs import zip_dir

    out = tmp_path / "arch"
    build(src, out)
    bag = _bag(out)
    victim = sorted((bag / "data").rglob("*申请书.pdf"))[0]
    rel = victim.relative_to(bag).as_posix()
    if damage == "flip":
        b = bytearray(victim.read_bytes())
        b[len(b) // 2] ^= 0x01
        victim.write_bytes(bytes(b))
    elif damage == "remove":
        victim.unlink()
    elif damage == "extra":
        (victim.parent / "多出来的.pdf").write_bytes(b"%PDF-1.4")
    else:
        victim.rename(victim.with_name("改过名.pdf"))
    if given == "zip":
        (tmp_path / "handed").mkdir()
        target = tmp_path / "handed" / f"{bag.name}.zip"
        zip_dir(bag, target)
        shutil.rmtree(out)  # 只剩 zip
    else:
        target = bag if given == "bundle" else out
    problems = verify_archive(target, load_profile("default"))
    found = {(p.kind, p.path) for p in problems}
    extra = rel.rsplit("/", 1)[0] + "/多出来的.pdf"
    renamed = rel.rsplit("/", 1)[0] + "/改过名.pdf"
    expect = {"flip": {("改动", rel)}, "remove": {("缺少", rel), ("目录", rel)}, "extra": {("多出", extra), ("目录", extra)},
              "rename": {("改名", rel), ("目录", rel), ("目录", renamed)}}[damage]
    assert expect <= found, problems
    assert all(p.bundle.endswith(bag.name) for p in problems)
    if damage == "rename":
        assert next(p for p in problems if p.kind == "改名").found == renamed
    res = invoke("archive", "verify", target, "--format", "json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["问题数"] == len(problems) and {(p["种类"], p["路径"]) for p in data["问题"]} == found


def test_verify_tells_missing_path_bad_zip_and_empty_folder_apart(tmp_path):
    (tmp_path / "空").mkdir()
    (tmp_path / "坏.zip").write_bytes(b"PK\x03\x04 not really")
    msgs = {}
    for name in ("没有这个", "坏.zip", "空"):
        res = invoke("archive", "verify", tmp_path / name)
        assert res.exit_code == 2, res.output
        msgs[name] = res.stderr
    assert "路径不存在" in msgs["没有这个"]
    assert "打不开" in msgs["坏.zip"]
    assert "没有找到档案包" in msgs["空"]
    assert len(set(msgs.values())) == 3


def test_verify_catches_number_gap(src, tmp_path):
    out = tmp_path / "arch"
    build(src, out)
    bag = _bag(out)
    cat = bag / "data" / "目录" / "归档文件目录.xlsx"
    wb = openpyxl.load_workbook(cat)
    ws = wb["卷内目录"]
    ws.cell(4, 3).value = ws.cell(4, 3).value[:-3] + "009"
    wb.save(cat)
    problems = verify_archive(out, load_profile("default"))
    kinds = {p.kind for p in problems}
    assert "号不连续" in kinds and "改动" in kinds  # 改了目录，清单也对不上


def test_rebuild_unchanged_is_byte_identical_and_additions_append(src, tmp_path):
    out = tmp_path / "arch"
    build(src, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    build(src, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before == after
    # 追加一个文件：原有档号不变，新文件接在后面，备考表记载追加
    docs, _ = src
    hh = next(p.name[:16] for p in (docs / "户档").glob("*-退出验收材料.pdf"))
    tiny_pdf(docs / "户档" / f"{hh}-帮扶手册-补充.pdf")
    build(src, out, date=dt.date(2021, 3, 1))
    bag = _bag(out)
    new = {p.relative_to(out) for p in bag.rglob("*") if p.is_file()}
    kept = [k for k in before if k.suffix == ".pdf" and "HD" in k.name]
    assert all(k in new for k in kept)  # 已移交的件名（档号）不变
    added = [k for k in new - set(before) if k.suffix == ".pdf" and "HD" in k.name]
    assert len(added) == 1 and added[0].name.split(" ")[0].endswith("-008")
    notes = [p for p in (bag / "data" / "元数据").glob("*-008.xml")]
    assert "追加归档 2021-03-01" in notes[0].read_text(encoding="utf-8")
    box_note = (bag / "data" / "目录" / "备考表.docx")
    import zipfile

    assert "2021-03-01 追加归档" in zipfile.ZipFile(box_note).read("word/document.xml").decode()


def test_strict_fails_and_writes_nothing(src, tmp_path):
    out = tmp_path / "arch"
    with pytest.raises(InputError) as e:
        build(src, out, strict=True)
    assert "缺少" in str(e.value) and "认不出文件类型" in str(e.value)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".arch")]


def test_jiangxi_profile_numbers_differently(src, tmp_path):
    out = tmp_path / "jx"
    build(src, out, profile="jiangxi")
    bag = _bag(out)
    names = [p.name for p in (bag / "data").rglob("*.pdf")]
    assert any(n.startswith("J001-JF05") for n in names)
    assert verify_archive(out, load_profile("jiangxi")) == []
    assert verify_archive(out, load_profile("default"))  # 用另一套方案核对，档号格式不符


# ------------------------------------------------------------------ 装盒与路径安全


def _item(n, pages, cat="综合类", ret="D30", year=2020):
    return Item(Doc(Path(f"/x/{n}.pdf"), f"k{n}", "通知", "610202100201", pages=pages), year, cat, ret, "ZH", n,
                f"Z109-WS·{year}-{ret}-ZH-{n:04d}")


def test_box_splitting_never_mixes_and_respects_capacity():
    prof = load_profile("default")
    b = Bundle("610202100201", "示例甲村")
    b.items = [_item(i, 60) for i in range(1, 8)] + [_item(1, 10, ret="Y"), _item(1, 5, year=2019)]
    vol = Volume("6102021002010001", "甲", 1, "Z109-WS·2020-Y-HD-0001", 2020, "贫困户档案", "Y", "HD")
    vol.items = [_item(1, 150), _item(2, 100)]
    b.volumes = [vol]
    box_units(b, prof)
    for box in b.boxes:
        assert len({(u.year, u.category, u.retention) for u in box.units}) == 1
        assert box.pages <= 200 or len(box.units) == 1
    d30 = [x for x in b.boxes if x.retention == "D30" and x.year == 2020]
    assert [len(x.units) for x in d30] == [3, 3, 1]  # 60 页一件，每盒 200 页
    vb = [x for x in b.boxes if x.category == "贫困户档案"]
    assert len(vb) == 1 and vb[0].pages == 250  # 一个户卷不拆开
    assert {x.spine_mm for x in b.boxes} <= {20, 30, 40, 50} and vb[0].spine_mm == 50


@pytest.mark.parametrize("name,safe", [
    ("a/b", "a_b"), ("..", "_"), ("C:文件", "C_文件"), ("题名?*<>|", "题名_____"), ("  .  ", "_"),
    ("e\u0301", "\u00e9"),  # NFD → NFC
])
def test_safe_component(name, safe):
    assert safe_component(name) == safe


def test_paths_cannot_escape(tmp_path):
    p = safe_join(tmp_path, "..", "..", "etc")
    assert str(p).startswith(str(tmp_path))


def test_names_differing_only_in_normalisation_refused(tmp_path, src):
    docs, data = src
    hh = next(p.name[:16] for p in (docs / "户档").glob("*-申请书.pdf"))
    nfc = unicodedata.normalize("NFC", f"{hh}-帮扶手册-é.pdf")
    nfd = unicodedata.normalize("NFD", nfc)
    tiny_pdf(docs / "户档" / nfc)
    tiny_pdf(docs / "户档" / nfd)
    if len({p.name for p in (docs / "户档").iterdir()}) < 2:
        pytest.skip("文件系统把两种形式当成同一个名字")
    with pytest.raises(InputError, match="规范化"):
        build(src, tmp_path / "arch")


# ------------------------------------------------------------------ PDF/A


def test_docgen_pdfs_become_pdfa_copies(tmp_path, write_yaml):
    from docgen.api import render_file

    docs = tmp_path / "docs"
    pdf = render_file(write_yaml(MINIMAL), docs / "关于做好农村危房改造工作的通知.pdf")
    prof = load_profile("default")
    build_archive([docs], tmp_path / "arch", prof, year=YEAR, date=DATE)
    out = next((tmp_path / "arch").rglob("*通知.pdf"))
    with pikepdf.open(out) as p:
        meta = p.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        oi = p.Root.OutputIntents[0]
        assert oi.S == "/GTS_PDFA1" and len(oi.DestOutputProfile.read_bytes()) > 1000
        assert not p.is_encrypted and "/JavaScript" not in p.Root.get("/Names", {})
        assert "/ID" in p.trailer
        for page in p.pages:  # 全部字体嵌入
            for name, font in page.Resources.get("/Font", {}).items():
                fd = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
        assert str(p.docinfo["/Title"]) == meta["dc:title"]
        # PDF/A：文档信息与 XMP 逐项一致
        assert str(p.docinfo["/Producer"]) == meta["pdf:Producer"] and str(p.docinfo["/Creator"]) == meta["xmp:CreatorTool"]
        assert meta["xmp:CreateDate"].startswith(DATE.isoformat())
    assert pdf.read_bytes() != out.read_bytes()  # 原件不动，保存版另存


def test_typst_household_pdfs_become_consistent_pdfa_copies(tmp_path):
    """户档 PDF 由 Typst 直接排成 PDF/A-2b（XMP 与文档信息逐项一致）：档案整理原样作保存版，不再转一遍。"""
    import datetime as dt

    from conftest import staged_assessments

    from docgen.fonts import FontSet
    from docgen.households.docs import household_context
    from docgen.households.sample import generate
    from docgen.render.typst_engine import TypstForms
    from docgen.settings import Settings

    generate(2, 5, tmp_path / "gen")
    a = staged_assessments([tmp_path / "gen" / "户籍导出.xlsx"])[0]
    docs = tmp_path / "docs"
    docs.mkdir()
    src = docs / f"{a.household.hh_id}-{a.household.head.name}-户情卡.pdf"
    src.write_bytes(TypstForms(ROOT / "templates" / "typst", FontSet()).render(
        "household_card.typ", household_context(a, Settings()), dt.date(2020, 12, 31)))
    build_archive([docs], tmp_path / "arch", load_profile("default"), year=YEAR, date=DATE)
    out = next((tmp_path / "arch").rglob("*户情卡*.pdf"), None) or next((tmp_path / "arch").rglob("*.pdf"))
    with pikepdf.open(out) as p:
        meta = p.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert p.Root.OutputIntents[0].S == "/GTS_PDFA1"
        for key, xmp in (("/Creator", "xmp:CreatorTool"), ("/Producer", "pdf:Producer"), ("/Keywords", "pdf:Keywords"),
                         ("/Title", "dc:title")):
            assert (str(p.docinfo[key]) if key in p.docinfo else None) == meta.get(xmp), key
        assert "docgen" in str(p.docinfo["/Keywords"])
    assert out.read_bytes() == src.read_bytes()


# ------------------------------------------------------------------ 档号在全宗内唯一


@pytest.mark.parametrize("edit,why", [
    # 去掉了村码：各村的件号都从 1 起，不同村的件同一个档号
    (("{机构}{村码}-{件号:04d}", "{机构}-{件号:04d}"), "村 610202001201"),
    # 两个类别用同一个代码
    (("精准帮扶类: {代码: BF,", "精准帮扶类: {代码: ZH,"), "同一个档号"),
    # 去掉了期限：台账（D30）与公示名单……同类别不同期限时撞号
    (("  件: \"{全宗号}-{门类}·{年度}-{期限}-", "  件: \"{全宗号}-{门类}·{年度}-"), "同一个档号"),
])
def test_scheme_that_would_collide_is_refused_before_building(tmp_path, edit, why):
    text = (ROOT / "archive_schema" / "default.yaml").read_text(encoding="utf-8")
    if edit[0].startswith("  件") and "期限: D30, 关键词: [台账]" in text:
        text = text.replace("公示名单: {类别: 精准脱贫类, 期限: Y,", "公示名单: {类别: 精准帮扶类, 期限: Y,")
    assert edit[0] in text
    bad = tmp_path / "撞号.yaml"
    bad.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_profile(str(bad))
    msg = str(e.value)
    assert "方案.档号重复" in msg and why in msg and "撞号.yaml:" in msg, msg
    out = tmp_path / "arch"
    res = invoke("archive", "build", tmp_path, "-o", out, "--year", "2020", "--profile", bad)
    assert res.exit_code == 2 and not out.exists()


def test_two_villages_in_one_fonds_get_distinct_numbers_and_verify_finds_a_planted_duplicate(tmp_path):
    from docgen.households.sample import generate

    gen = tmp_path / "gen"
    generate(600, 3, gen)
    from conftest import staged_households

    hhs = staged_households([gen / "户籍导出.xlsx"])
    by_village: dict[str, list] = {}
    for h in hhs:
        by_village.setdefault(h.village_code, []).append(h)
    docs = tmp_path / "docs"
    for code, items in list(by_village.items())[:2]:
        for h in items[:2]:
            tiny_pdf(docs / "户档" / f"{h.hh_id}-申请书.pdf")
        tiny_pdf(docs / "村级" / f"{items[0].village}台账.pdf")
    out = tmp_path / "arch"
    build_archive([docs], out, load_profile(None), year=YEAR, date=DATE, data_files=[gen / "户籍导出.xlsx", gen / "村.yaml"])
    bags = sorted(p for p in out.iterdir() if (p / "bagit.txt").is_file())
    assert len(bags) >= 2
    numbers = []
    for bag in bags:
        wb = openpyxl.load_workbook(bag / "data" / "目录" / "归档文件目录.xlsx", read_only=True)
        for ws in wb.worksheets:
            col = 2 if ws.title == "卷内目录" else 1  # 卷内目录第一列是案卷档号
            numbers += [r[col] for r in ws.iter_rows(min_row=3, values_only=True) if r[col]]
    assert len(numbers) == len(set(numbers)) > 6  # 每村都从 1 号起，档号仍不重
    assert verify_archive(out, load_profile(None)) == []
    # 埋一个跨包的重复：把甲村一件的档号改成乙村某件的档号（连同清单，只有跨包查重能发现）
    a, b = bags[0], bags[1]
    cat_b = openpyxl.load_workbook(b / "data" / "目录" / "归档文件目录.xlsx", read_only=True)
    taken = next(r[1] for ws in cat_b.worksheets if ws.title != "卷内目录" for r in ws.iter_rows(min_row=3, values_only=True)
                 if r[1] and r[-1])
    cat_path = a / "data" / "目录" / "归档文件目录.xlsx"
    wb = openpyxl.load_workbook(cat_path)
    ws = next(w for w in wb.worksheets if w.title != "卷内目录")
    ws.cell(3, 2).value = taken
    wb.save(cat_path)
    problems = [p for p in verify_archive(out, load_profile(None)) if p.kind == "档号重复"]
    assert len(problems) == 1 and taken in problems[0].found and b.name in (problems[0].found + problems[0].bundle)
    assert a.name in (problems[0].found + problems[0].bundle)


def test_household_file_without_household_is_reported_not_numbered_as_item(src, tmp_path):
    docs, data = src
    tiny_pdf(docs / "村级" / "某户申请书.pdf")  # 户卷类别的文件，却认不出是哪一户
    out = tmp_path / "arch"
    stats = build(src, out)
    assert any(p.endswith("某户申请书.pdf") for p in stats["unhoused"])
    rep = openpyxl.load_workbook(out / "完整性报告.xlsx")["未归档文件"]
    rows = list(rep.iter_rows(min_row=3, values_only=True))
    assert any(r[0].endswith("某户申请书.pdf") and "哪一户" in r[1] for r in rows)
    assert verify_archive(out, load_profile(None)) == []
