// zongjie serve: the page's behaviour, plain JavaScript without a framework.
// Figure details on hover and focus, problems that jump to their figure, a sortable figures
// table, the buttons, the upload, and a poll of /stamp that refreshes the page when a file of
// the workspace changes on disk.
"use strict";

function json(id, fallback) {
  const node = document.getElementById(id);
  if (!node) return fallback;
  try { return JSON.parse(node.textContent); } catch (e) { return fallback; }
}

// ---- figure details -------------------------------------------------------------------
function showTip(span) {
  const marks = json("marks", []);
  const words = json("words", {});
  const tip = document.getElementById("figtip");
  const d = marks[Number(span.dataset.mark)];
  if (!tip || !d) return;
  tip.textContent = "";
  const line = (label, value) => {
    if (value === null || value === undefined || value === "") return;
    const p = document.createElement("div");
    const b = document.createElement("b");
    b.textContent = label + "：";
    p.appendChild(b);
    p.appendChild(document.createTextNode(value));
    tip.appendChild(p);
  };
  const head = document.createElement("div");
  head.className = "tip-name";
  head.textContent = d.name;
  tip.appendChild(head);
  line(words.label, d.label);
  line(words.value, d.value + (d.unit ? " " + d.unit : ""));
  line(words.source, d.source);
  line(words.last_year, d.last_year);
  line(words.change, d.change);
  if (d.with && d.with.length) line(words.with, d.with.join("、"));
  const r = span.getBoundingClientRect();
  tip.hidden = false;
  tip.style.left = Math.max(4, r.left + window.scrollX) + "px";
  tip.style.top = (r.bottom + window.scrollY + 6) + "px";
}

function hideTip() {
  const tip = document.getElementById("figtip");
  if (tip) tip.hidden = true;
}

document.addEventListener("mouseover", (e) => {
  const span = e.target.closest && e.target.closest(".fig");
  if (span) showTip(span);
});
document.addEventListener("mouseout", (e) => {
  if (e.target.closest && e.target.closest(".fig")) hideTip();
});
document.addEventListener("focusin", (e) => {
  if (e.target.classList && e.target.classList.contains("fig")) showTip(e.target);
});
document.addEventListener("focusout", (e) => {
  if (e.target.classList && e.target.classList.contains("fig")) hideTip();
});

// ---- problems and figures jump to the figure in the preview -----------------------------
document.addEventListener("click", (e) => {
  const link = e.target.closest && e.target.closest("[data-goto]");
  if (!link) return;
  const target = document.getElementById("fig-" + link.dataset.goto);
  if (!target) return;
  e.preventDefault();
  target.scrollIntoView({ block: "center" });
  target.focus();
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1500);
});

// ---- sortable table ------------------------------------------------------------------
function sortKey(text) {
  const n = Number(text.replace(/[,，%]/g, ""));
  return text.trim() !== "" && !Number.isNaN(n) ? n : null;
}
document.addEventListener("click", (e) => {
  const th = e.target.closest && e.target.closest("table.sortable th");
  if (!th) return;
  const table = th.closest("table");
  const column = Array.from(th.parentNode.children).indexOf(th);
  const up = th.dataset.order !== "up";
  table.querySelectorAll("th").forEach((h) => delete h.dataset.order);
  th.dataset.order = up ? "up" : "down";
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = a.cells[column].textContent, y = b.cells[column].textContent;
    const nx = sortKey(x), ny = sortKey(y);
    const c = nx !== null && ny !== null ? nx - ny : x.localeCompare(y, "zh-CN");
    return up ? c : -c;
  });
  rows.forEach((r) => body.appendChild(r));
});

// ---- actions -------------------------------------------------------------------------
function list(node, items) {
  node.textContent = "";
  (items || []).forEach((p) => {
    const li = document.createElement("li");
    if (p.figure) {
      // To where the figure stands in the preview, as the problems list does.
      const a = document.createElement("a");
      a.href = "#fig-" + p.figure;
      a.dataset.goto = p.figure;
      a.textContent = p.text;
      li.appendChild(a);
    } else {
      li.textContent = p.text;
    }
    node.appendChild(li);
  });
}

async function post(url, body) {
  const words = json("words", {});
  try {
    const response = await fetch(url, { method: "POST", body: body });
    const text = await response.text();
    try { return JSON.parse(text); } catch (e) { return { ok: false, messages: [text], problems: [] }; }
  } catch (e) {
    return { ok: false, messages: [words.request_failed], problems: [] };
  }
}

function period() {
  const layout = document.querySelector("[data-period]");
  return layout ? layout.dataset.period : null;
}

function say(id, reply) {
  const node = document.getElementById(id);
  if (!node) return;
  node.className = "result " + (reply.ok ? "ok" : "bad");
  node.textContent = (reply.messages || []).join("\n");
  (reply.problems || []).concat(reply.warnings || []).forEach((p) => {
    node.textContent += "\n" + p.text;
  });
}

document.addEventListener("click", async (e) => {
  const button = e.target.closest && e.target.closest("button#build, button#new");
  if (!button || !period()) return;
  button.disabled = true;
  const reply = await post("/p/" + encodeURIComponent(period()) + "/" + button.id, null);
  button.disabled = false;
  if (reply.ok && reply.go) {
    location.href = reply.go;
    return;
  }
  await refresh();
  say("result", reply);
});

document.addEventListener("change", async (e) => {
  if (e.target.id !== "upload" || !period()) return;
  const file = e.target.files[0];
  if (!file) return;
  const url = "/p/" + encodeURIComponent(period()) + "/upload?name=" + encodeURIComponent(file.name);
  const reply = await post(url, file);
  e.target.value = "";
  if (reply.ok) await refresh();
  say("upload-result", reply);
  list(document.getElementById("upload-problems"), reply.problems);
});

// ---- an edited report (import --into): the summary first, written on a second click ----------
let edited = null;

function importUrl(apply) {
  const accept = document.getElementById("accept-edits");
  return "/p/" + encodeURIComponent(period()) + "/import?name=" + encodeURIComponent(edited.name) +
    "&apply=" + (apply ? 1 : 0) + "&accept=" + (accept && accept.checked ? 1 : 0);
}

async function summarise() {
  const apply = document.getElementById("edited-apply");
  apply.hidden = true;
  if (!edited) return;
  const reply = await post(importUrl(false), edited);
  say("edited-result", reply);
  apply.hidden = !(reply.ok && reply.confirm);
}

document.addEventListener("change", async (e) => {
  if (!period()) return;
  if (e.target.id === "edited") {
    edited = e.target.files[0] || null;
    await summarise();
  } else if (e.target.id === "accept-edits") {
    await summarise();
  }
});

document.addEventListener("click", async (e) => {
  if (!e.target.closest || !e.target.closest("button#edited-apply") || !edited || !period()) return;
  const apply = document.getElementById("edited-apply");
  apply.hidden = true;
  const reply = await post(importUrl(true), edited);
  say("edited-result", reply);
  if (reply.ok) {
    edited = null;
    document.getElementById("edited").value = "";
    await refresh();
  }
});

// ---- live: refresh when a file of the workspace changes ----------------------------------
let stamp = document.body.dataset.stamp;
let refreshing = false;

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const response = await fetch(location.pathname, { cache: "no-store" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const live = page.getElementById("live");
    if (!live) return;
    // What the user has just been told stays.
    const keep = ["result", "upload-result", "upload-problems", "edited-result"].map((id) => document.getElementById(id));
    const kept = keep.map((n) => (n ? [n.className, n.innerHTML] : null));
    document.getElementById("live").replaceWith(document.importNode(live, true));
    keep.forEach((_, i) => {
      const n = document.getElementById(["result", "upload-result", "upload-problems", "edited-result"][i]);
      if (n && kept[i]) { n.className = kept[i][0]; n.innerHTML = kept[i][1]; }
    });
    stamp = page.body.dataset.stamp;
    document.body.dataset.stamp = stamp;
    hideTip();
  } finally {
    refreshing = false;
  }
}

setInterval(async () => {
  try {
    const response = await fetch("/stamp", { cache: "no-store" });
    if (!response.ok) return;
    const now = (await response.text()).trim();
    if (now !== stamp) await refresh();
  } catch (e) { /* the server has stopped: nothing to refresh */ }
}, 500);
