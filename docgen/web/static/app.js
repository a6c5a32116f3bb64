// docgen 工作台：页面上的交互（不依赖任何外部脚本库；用户的文字一律以 textContent 放进页面）
"use strict";
const CSRF = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function api(url, opts = {}) {
  const headers = Object.assign({"X-CSRF-Token": CSRF, "Accept": "application/json"}, opts.headers || {});
  let body = opts.body;
  if (body && !(body instanceof FormData)) { headers["Content-Type"] = "application/json"; body = JSON.stringify(body); }
  const r = await fetch(url, {method: opts.method || (body ? "POST" : "GET"), headers, body, credentials: "same-origin"});
  let data = null;
  try { data = await r.json(); } catch (e) { data = {error: `服务器返回 ${r.status}`}; }
  if (!r.ok && !data.error) data.error = `服务器返回 ${r.status}`;
  return data;
}

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

// ---------------------------------------------------------------- 任务进度（页面刷新后照样接上）
function watchJobs() {
  document.querySelectorAll(".job[data-active='true']").forEach(box => {
    const id = box.dataset.jobId;
    const fill = box.querySelector(".bar-fill");
    const tick = async () => {
      const j = await api(`/api/jobs/${id}`);
      if (j.error && !j.id) return;
      box.querySelector(".job-state").textContent = j.state_zh;
      box.querySelector(".job-msg").textContent = j.message || "";
      box.querySelector(".job-count").textContent = j.total ? `${j.done} / ${j.total}` : `${j.done}`;
      if (j.total) fill.style.width = `${Math.min(100, 100 * j.done / j.total)}%`; else fill.classList.add("busy");
      if (j.active) setTimeout(tick, 700); else location.reload();
    };
    tick();
  });
  document.querySelectorAll("[data-cancel]").forEach(b => b.addEventListener("click", async () => {
    b.disabled = true; b.textContent = "正在取消……";
    await api(`/api/jobs/${b.dataset.cancel}/cancel`, {method: "POST"});
  }));
}

// ---------------------------------------------------------------- 可排序、可筛选的问题表
async function issueTable(table) {
  const rows = await api(table.dataset.src);
  if (!Array.isArray(rows)) return;
  const keys = [...table.querySelectorAll("th")].map(th => th.dataset.key);
  const tbody = table.querySelector("tbody");
  const filters = [...document.querySelectorAll("[data-filter]")];
  const fill = (sel, key) => {
    if (!sel) return;
    [...new Set(rows.map(r => r[key]).filter(Boolean))].sort().forEach(v => sel.append(el("option", {text: v})));
  };
  fill(document.getElementById("filter-village"), "村");
  fill(document.getElementById("filter-code"), "代码");
  let sortKey = null, asc = true;
  const draw = () => {
    let shown = rows.filter(r => filters.every(f => {
      const v = f.value.trim();
      if (!v) return true;
      if (f.dataset.filter === "*") return Object.values(r).some(x => String(x).includes(v));
      return String(r[f.dataset.filter]) === v;
    }));
    if (sortKey) {
      const num = table.querySelector(`th[data-key="${sortKey}"]`).dataset.num;
      shown = [...shown].sort((a, b) => {
        const x = a[sortKey], y = b[sortKey];
        const c = num ? (Number(x) || 0) - (Number(y) || 0) : String(x).localeCompare(String(y), "zh");
        return asc ? c : -c;
      });
    }
    tbody.replaceChildren(...shown.map(r => el("tr", {class: r["级别"] === "错误" ? "error-row" : "warn-row", "data-location": r["位置"]},
      ...keys.map(k => el("td", {text: String(r[k] ?? "")})))));
    const cnt = document.getElementById("issue-count");
    if (cnt) cnt.textContent = `显示 ${shown.length} / ${rows.length} 条`;
  };
  table.querySelectorAll("th").forEach(th => th.addEventListener("click", () => {
    asc = sortKey === th.dataset.key ? !asc : true; sortKey = th.dataset.key;
    table.querySelectorAll("th").forEach(x => x.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    draw();
  }));
  filters.forEach(f => { f.addEventListener("input", draw); f.addEventListener("change", draw); });
  draw();
}

// ---------------------------------------------------------------- 公文起草
function draftEditor(root) {
  const id = root.dataset.draft;
  const form = document.getElementById("draft-form");
  const state = document.getElementById("save-state");
  const attBox = document.getElementById("attachments");
  const tpl = document.getElementById("attachment-tpl");
  let files = [];
  let rev = 0, busy = false, again = false, timer = null;

  const plain = [...form.querySelectorAll("[name]")];
  const setVal = (name, v) => {
    const f = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!f) return;
    if (f.type === "checkbox") f.checked = !!v; else f.value = v ?? "";
  };
  const fileOptions = sel => {
    const cur = sel.value || sel.dataset.want || "";  // 打开已有的公文时，它引用的文件可能还没上传：记着，传上来就选上
    sel.replaceChildren(el("option", {value: "", text: "（选择上传的文件）"}),
      ...files.filter(f => ["xlsx", "docx", "yaml"].includes(f.kind)).map(f => el("option", {value: f.file, text: f.file})));
    sel.value = cur;
    if (sel.value !== cur) sel.dataset.want = cur; else delete sel.dataset.want;
  };
  const missingFiles = () => {  // 公文里引用了、还没上传的文件
    const have = new Set(files.map(f => f.file));
    const want = [...attBox.querySelectorAll(".a-文件")].map(s => s.value || s.dataset.want || "")
      .concat(document.getElementById("f-印章").value.split("\n")).map(x => x.trim()).filter(Boolean);
    const box = document.getElementById("missing-files");
    const gone = [...new Set(want.filter(x => !have.has(x)))];
    box.textContent = gone.length ? `这份公文用到的文件还没上传：${gone.join("、")}（在下面“文件”一栏上传）` : "";
  };
  const showKind = box => {
    const k = box.querySelector(".a-类型").value;
    for (const n of ["正文", "表格", "文件"]) box.querySelector(`.a-${n}-box`).hidden = n !== (k === "图片" ? "文件" : k);
  };
  const addAttachment = (a = {}) => {
    const box = tpl.content.firstElementChild.cloneNode(true);
    attBox.append(box);
    fileOptions(box.querySelector(".a-文件"));
    for (const k of ["名称", "类型", "正文", "表格"]) if (a[k] !== undefined) box.querySelector(`.a-${k}`).value = a[k];
    if (a["文件"]) { const sel = box.querySelector(".a-文件"); sel.dataset.want = a["文件"]; fileOptions(sel); }
    box.querySelector(".a-类型").addEventListener("change", () => showKind(box));
    box.querySelector(".remove").addEventListener("click", () => { box.remove(); number(); changed(); });
    showKind(box); number();
  };
  const number = () => attBox.querySelectorAll(".attachment").forEach((b, i) => {
    b.querySelector(".n").textContent = String(i + 1); b.dataset.index = String(i);
  });
  const collect = () => {
    const out = {};
    for (const f of plain) {
      const [a, b] = f.name.split(".");
      const v = f.type === "checkbox" ? f.checked : f.value;
      if (b) { out[a] = out[a] || {}; out[a][b] = v; } else out[a] = v;
    }
    out["附件"] = [...attBox.querySelectorAll(".attachment")].map(b => {
      const a = {};
      for (const k of ["名称", "类型", "正文", "表格", "文件"]) a[k] = b.querySelector(`.a-${k}`).value;
      if (!a["文件"]) a["文件"] = b.querySelector(".a-文件").dataset.want || "";
      return a;
    });
    return out;
  };
  const fmt = () => {
    const f = form.querySelector('[name="格式"]').value;
    form.querySelectorAll(".fmt-命令").forEach(e => e.hidden = f !== "命令");
    form.querySelectorAll(".fmt-纪要").forEach(e => e.hidden = f !== "纪要");
  };
  const target = name => {
    if (!name) return null;
    const m = /^附件\.(\d+)(?:\.(.+))?$/.exec(name);
    if (m) {
      const box = attBox.querySelectorAll(".attachment")[Number(m[1])];
      return box ? (box.querySelector(`.a-${m[2] || "名称"}`) || box) : null;
    }
    return document.getElementById(`f-${name}`);
  };
  const showFindings = (items, title) => {
    const box = document.getElementById("findings");
    form.querySelectorAll(".flagged").forEach(e => e.classList.remove("flagged"));
    if (!items.length) { box.replaceChildren(el("p", {class: "ok", text: title || "体检：没有发现问题。"})); return; }
    const list = el("ul", {class: "finding-list"});
    for (const f of items) {
      const t = target(f.target);
      if (t) t.classList.add("flagged");
      const li = el("li", {class: `finding ${f.severity}`, "data-target": f.target || ""},
        el("span", {class: "sev", text: f.severity_zh || "错误"}), " ",
        el("span", {class: "where", text: (f.target || "").replace(/^附件\.(\d+)(\.)?/, (m, n, dot) => `附件 ${Number(n) + 1}${dot ? " " : ""}`)}), " ",
        el("span", {class: "msg", text: f.message + (f.text ? `：「${f.text}」` : "") + (f.suggestion ? ` → ${f.suggestion}` : "")}));
      if (t) li.addEventListener("click", () => { t.scrollIntoView({block: "center"}); t.focus(); });
      list.append(li);
    }
    box.replaceChildren(el("h3", {text: title || `体检：${items.length} 条`}), list);
  };
  const showOutline = items => {
    const ol = document.getElementById("outline");
    ol.replaceChildren(...items.map(o => el("li", {class: `lv${o.level}`, text: o.text})));
  };
  const run = async () => {
    if (busy) { again = true; return; }
    busy = true; again = false;
    const my = ++rev;
    state.textContent = "保存中……";
    const saved = await api(`/api/draft/${id}/save`, {body: collect()});
    if (saved.error) { state.textContent = saved.error; busy = false; return; }
    state.textContent = "已保存，排版中……";
    showOutline(saved.outline || []);
    const pv = await api(`/api/draft/${id}/preview`, {body: {rev: my}});
    busy = false;
    if (pv.error) {
      showFindings((pv.issues || []).map(i => ({severity: "error", severity_zh: "错误", target: i.target || "",
        message: i.message || pv.error})).concat(pv.issues && pv.issues.length ? [] : [{severity: "error", severity_zh: "错误", target: "", message: pv.error}]),
        "还排不出来：");
      state.textContent = "已保存（有要素还没填对）";
    } else {
      showFindings(saved.findings || []);
      const box = document.getElementById("preview");
      box.replaceChildren(...pv.pages.map((p, i) => el("img", {src: p.url, alt: `第 ${i + 1} 页`, class: "page",
        "data-width": p.width_pt, "data-height": p.height_pt})));
      box.dataset.rev = String(pv.rev);
      box.dataset.pages = String(pv.pages.length);
      state.textContent = `已保存 · ${pv.pages.length} 页`;
    }
    if (again) run();
  };
  const changed = () => { state.textContent = "有改动"; clearTimeout(timer); timer = setTimeout(run, 400); };

  (async () => {
    const d = await api(`/api/draft/${id}`);
    files = d.files || [];
    const f = d.form || {};
    for (const k of Object.keys(f)) {
      if (k === "附件") continue;
      if (k === "印发文件") { setVal("印发文件.标题", f[k]["标题"]); setVal("印发文件.正文", f[k]["正文"]); continue; }
      setVal(k, f[k]);
    }
    if (f["印发文件"] && (f["印发文件"]["标题"] || f["印发文件"]["正文"])) document.getElementById("enclosed").open = true;
    (f["附件"] || []).forEach(addAttachment);
    fmt();
    missingFiles();
    if (f["正文"] || f["标题"]) run();
  })();
  form.addEventListener("input", changed);
  form.addEventListener("change", () => { fmt(); changed(); });
  form.addEventListener("submit", e => e.preventDefault());
  document.getElementById("add-attachment").addEventListener("click", () => { addAttachment({"类型": "正文"}); changed(); });
  document.getElementById("upload").addEventListener("change", async e => {
    const fd = new FormData();
    for (const f of e.target.files) fd.append("file", f, f.name);
    state.textContent = "上传中……";
    const r = await api(`/api/draft/${id}/upload`, {body: fd});
    if (r.error) { state.textContent = r.error; showFindings([{severity: "error", target: "", message: r.error}], "上传没有成功："); return; }
    files = files.concat(r.files);
    const list = document.getElementById("files");
    for (const f of r.files) list.append(el("li", {text: `${f.file} `}, el("span", {class: "muted", text: f.kind_zh})));
    attBox.querySelectorAll(".a-文件").forEach(fileOptions);
    const img = r.files.find(f => f.kind === "png" || f.kind === "jpeg");
    const seal = document.getElementById("f-印章"), stamp = document.getElementById("f-签名章");
    if (img && !seal.value.trim() && !stamp.value.trim()) { seal.value = img.file; changed(); }  // 传了一张图：当作印章
    e.target.value = "";
    missingFiles();
    changed();  // 传上来的附件、印章马上排进预览
  });
}

document.addEventListener("DOMContentLoaded", () => {
  watchJobs();
  const t = document.getElementById("issues");
  if (t) issueTable(t);
  const ed = document.getElementById("editor");
  if (ed) draftEditor(ed);
});
