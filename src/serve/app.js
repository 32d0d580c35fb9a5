// findings serve: the page's behaviour. Plain JavaScript, no build step.
// Views follow the URL hash: #/?q=…&theme=… (search), #/statement/ID, #/overview.
"use strict";

const PAGE_SIZE = 20;
const FACETS = [
  // [parameter, facet list in the API response, legend, single choice]
  ["theme", "themes", "Theme", false],
  ["kind", "kinds", "Kind", false],
  ["force", "forces", "Force", false],
  ["body", "bodies", "Inspected body", false],
  ["year", "years", "Year", true],
  ["publisher", "publishers", "Publisher", false],
];
const MULTI = ["theme", "kind", "force", "body", "publisher", "type"];
const SHOWN = 8; // facet values shown before "Show all"

const $ = (id) => document.getElementById(id);
const expanded = new Set(); // facet groups showing every value

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// "area_for_improvement" -> "Area for improvement"
function human(id) {
  if (!id) return "";
  const s = String(id).replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
const PUBLISHERS = { hmicfrs: "HMICFRS", hmic: "HMIC", hmi_prisons: "HMI Prisons", cqc: "CQC", ofsted: "Ofsted" };
function label(param, value) {
  if (param === "force" || param === "year") return value;
  if (param === "publisher") return PUBLISHERS[value] || human(value);
  return human(value);
}
function statusWords(s) { return s ? s.replace(/_/g, " ") : ""; }
function yearOf(date) { return date ? date.slice(0, 4) : "undated"; }

async function api(path) {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  if (!res.ok) {
    const msg = body && body.error ? body.error.message : `HTTP ${res.status}`;
    throw new Error(msg);
  }
  return body;
}

// ---------------------------------------------------------------- state

function readState(params) {
  const state = { q: params.get("q") || "", year: params.get("year") || "", offset: 0 };
  for (const p of MULTI) state[p] = params.getAll(p).filter(Boolean);
  const off = parseInt(params.get("offset") || "0", 10);
  state.offset = Number.isFinite(off) && off > 0 ? off : 0;
  return state;
}

function toParams(state, withOffset = true) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const name of MULTI) for (const v of state[name]) p.append(name, v);
  if (state.year) p.set("year", state.year);
  if (withOffset && state.offset) p.set("offset", String(state.offset));
  return p;
}

let current = readState(new URLSearchParams());

function go(state) {
  const qs = toParams(state).toString();
  const hash = "#/" + (qs ? "?" + qs : "");
  if (location.hash === hash) route();
  else location.hash = hash;
}

// ---------------------------------------------------------------- search view

async function showSearch(params) {
  current = readState(params);
  $("q").value = current.q;
  const p = toParams(current);
  p.set("limit", String(PAGE_SIZE));
  const exportParams = toParams(current, false);
  exportParams.set("download", "1");
  exportParams.set("limit", "1000");
  exportParams.set("format", "csv");
  $("dl-csv").href = "/api/search?" + exportParams;
  exportParams.set("format", "json");
  $("dl-json").href = "/api/search?" + exportParams;
  $("status").textContent = "Searching…";
  $("error").hidden = true;
  let data;
  try {
    data = await api("/api/search?" + p);
  } catch (e) {
    $("status").textContent = "";
    $("error").textContent = "Search failed: " + e.message;
    $("error").hidden = false;
    $("hits").replaceChildren();
    $("pager").hidden = true;
    return;
  }
  renderFacets(data.facets);
  renderHits(data);
}

function renderHits(data) {
  const first = data.total ? data.offset + 1 : 0;
  const last = data.offset + data.hits.length;
  const words = data.total === 1 ? "statement" : "statements";
  $("status").textContent = data.total
    ? `${data.total} ${words} match; showing ${first}–${last}.`
    : "No statements match. Try fewer words or filters.";
  $("hits").replaceChildren(...data.hits.map(hitItem));
  const pages = data.total > PAGE_SIZE;
  $("pager").hidden = !pages;
  $("prev").disabled = data.offset === 0;
  $("next").disabled = last >= data.total;
  $("page-info").textContent = pages
    ? `Page ${Math.floor(data.offset / PAGE_SIZE) + 1} of ${Math.ceil(data.total / PAGE_SIZE)}`
    : "";
}

function hitItem(h) {
  const snippet = el("p", { class: "snippet" });
  // The server escapes the text and marks matched words with <b> only.
  snippet.innerHTML = h.snippet_html;
  const pages = h.page_end && h.page_end !== h.page ? `pages ${h.page}–${h.page_end}` : `page ${h.page}`;
  return el("li", { class: "hit" },
    el("article", {},
      el("h3", {}, el("a", { href: "#/statement/" + encodeURIComponent(h.statement_id), class: "hit-link" }, h.title || h.report_id)),
      el("p", { class: "meta" },
        el("span", { class: "kind" }, human(h.kind)), " · ",
        h.force || "Several forces", " · ",
        el("time", {}, h.published || "undated"), " · ", pages),
      snippet,
      h.themes.length ? el("ul", { class: "chips", "aria-label": "Themes" }, h.themes.map((t) => el("li", {}, human(t)))) : null));
}

function renderFacets(facets) {
  const groups = FACETS.map(([param, key, legend, single]) => {
    let values = (facets[key] || []).slice();
    if (param === "year") values.sort((a, b) => b[0].localeCompare(a[0]));
    const chosen = single ? (current.year ? [current.year] : []) : current[param];
    // A chosen value stays visible (with 0) so it can be unticked.
    for (const v of chosen) if (!values.some(([x]) => x.toLowerCase() === v.toLowerCase())) values.push([v, 0]);
    if (!values.length) return null;
    const all = expanded.has(param) || values.length <= SHOWN + 2;
    const shown = all ? values : values.slice(0, SHOWN);
    const name = "facet-" + param;
    const items = [];
    if (single) {
      items.push(el("li", {}, el("label", {},
        el("input", { type: "radio", name, value: "", checked: !current.year, onchange: () => setFilter(param, "", true) }),
        el("span", { class: "name" }, "Any year"))));
    }
    for (const [value, count] of shown) {
      const isOn = chosen.some((c) => c.toLowerCase() === value.toLowerCase());
      items.push(el("li", {}, el("label", {},
        el("input", {
          type: single ? "radio" : "checkbox", name, value, checked: isOn,
          onchange: (ev) => setFilter(param, value, ev.target.checked),
        }),
        el("span", { class: "name" }, label(param, value)),
        el("span", { class: "count" }, String(count), el("span", { class: "visually-hidden" }, " statements")))));
    }
    const more = all ? null : el("button", {
      type: "button", class: "secondary more", "aria-expanded": "false",
      onclick: () => { expanded.add(param); renderFacets(facets); focusFacet(param); },
    }, `Show all ${values.length}`);
    return el("fieldset", { class: "facet", id: "facet-" + param }, el("legend", {}, legend), el("ul", {}, items), more);
  });
  $("facet-groups").replaceChildren(...groups.filter(Boolean));
}

function focusFacet(param) {
  const inputs = document.querySelectorAll(`#facet-${param} input`);
  if (inputs.length > SHOWN) inputs[SHOWN].focus();
}

function setFilter(param, value, on) {
  const next = { ...current, offset: 0 };
  for (const p of MULTI) next[p] = current[p].slice();
  if (param === "year") next.year = on ? value : "";
  else if (on) { if (!next[param].includes(value)) next[param].push(value); }
  else next[param] = next[param].filter((v) => v !== value);
  pendingFocus = { param, value };
  go(next);
}

let pendingFocus = null;
function restoreFocus() {
  if (!pendingFocus) return;
  const { param, value } = pendingFocus;
  pendingFocus = null;
  for (const input of document.querySelectorAll(`#facet-${param} input`)) {
    if (input.value === value) { input.focus(); return; }
  }
}

// ---------------------------------------------------------------- statement view

async function showStatement(id) {
  $("statement-error").hidden = true;
  $("statement").replaceChildren(el("p", {}, "Loading…"));
  $("chain").replaceChildren();
  let data;
  try {
    data = await api("/api/statement/" + encodeURIComponent(id));
  } catch (e) {
    $("statement").replaceChildren();
    $("statement-error").textContent = "Could not load the statement: " + e.message;
    $("statement-error").hidden = false;
    return;
  }
  const s = data.statement;
  const r = data.report || {};
  const facts = [
    ["Report", r.title || s.report_id],
    ["Force", data.force || "Several forces"],
    ["Published", r.published || "undated"],
    ["Page", s.page_end !== s.page ? `${s.page}–${s.page_end}` : String(s.page)],
    ["Section", s.section],
    ["Number", s.number],
    ["Grade", s.grade ? human(s.grade) + (s.area ? ` (${s.area})` : "") : null],
    ["Deadline", s.deadline],
    ["Themes", s.themes.length ? s.themes.map(human).join(", ") : "none tagged"],
    ["Statement id", s.id],
  ].filter(([, v]) => v);
  $("statement").replaceChildren(
    el("h1", { id: "statement-heading", tabindex: "-1" }, human(s.kind)),
    el("blockquote", { class: "statement-text" }, s.text),
    el("dl", { class: "facts" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])));
  renderChain(data.chain, s.id);
  $("statement-heading").focus();
}

// "first found 2016 … again 2019 … 2025: not met"
function chainSentence(t) {
  return t.steps.map((st, i) => {
    const y = st.year || "undated";
    const head = i === 0 ? `first found ${y}` : `again ${y}`;
    return st.status ? `${head}: ${statusWords(st.status)}` : head;
  }).join(" … ");
}

function renderChain(t, currentId) {
  if (!t) {
    $("chain").replaceChildren(
      el("h2", { id: "chain-heading" }, "Repeat chain"),
      el("p", {}, "Not part of a repeat chain: no later report was found to repeat this, and it repeats no earlier one."));
    return;
  }
  const forces = t.forces.join(", ");
  const latest = t.latest_status ? `; latest status: ${statusWords(t.latest_status)}` : "";
  $("chain").replaceChildren(
    el("h2", { id: "chain-heading" }, "Repeat chain"),
    el("p", { class: "summary-line", id: "chain-summary" }, chainSentence(t)),
    el("p", {}, `${t.steps.length} statements in ${t.reports} reports on ${forces || "several forces"}${latest}.`),
    el("ol", { class: "timeline", "aria-label": "Timeline, oldest first" }, t.steps.map((st, i) => {
      const here = st.statement_id === currentId;
      const status = st.status ? el("span", { class: "status " + st.status }, statusWords(st.status)) : null;
      return el("li", { class: "step" + (here ? " current" : "") },
        el("span", { class: "when" }, el("time", { datetime: st.published || "" }, st.year || "?")),
        el("div", { class: "body" },
          el("p", { class: "what" }, i === 0 ? "First found" : "Found again", status ? " " : "", status,
            here ? el("span", { class: "here" }, " (this statement)") : null),
          el("p", {}, here
            ? el("span", {}, st.report_title || st.report_id)
            : el("a", { href: "#/statement/" + encodeURIComponent(st.statement_id), class: "step-link" }, st.report_title || st.report_id),
            `, ${human(st.kind).toLowerCase()}, page ${st.page}`),
          el("p", { class: "meta" }, st.excerpt)));
    })));
}

// ---------------------------------------------------------------- overview

let overview = null;

async function showOverview() {
  $("overview-error").hidden = true;
  if (!overview) {
    try {
      overview = await api("/api/overview");
    } catch (e) {
      $("overview-error").textContent = "Could not load the overview: " + e.message;
      $("overview-error").hidden = false;
      return;
    }
    const select = $("chart-theme");
    select.replaceChildren(...overview.themes.map((t) => el("option", { value: t.theme }, `${human(t.theme)} (${t.total})`)));
    renderTable();
    renderOpenChains();
  }
  drawChart($("chart-theme").value);
  $("overview-heading").focus();
}

function drawChart(theme) {
  const row = overview.themes.find((t) => t.theme === theme);
  const years = overview.years;
  if (!row || !years.length) {
    $("chart").replaceChildren(el("p", {}, "No dated statements with themes."));
    $("chart-caption").textContent = "";
    return;
  }
  // Upright bars where there is room, sideways bars (a row per year) on a phone.
  const room = $("chart").clientWidth || 800;
  const chart = room < 560 ? sidewaysBars(theme, row, years, room) : uprightBars(theme, row, years);
  $("chart").replaceChildren(chart);
  $("chart-caption").textContent = `${row.total} statements tagged ${human(theme).toLowerCase()}, by year of the report. Select a bar to list them.`;
}

function chartFrame(theme, width, height) {
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "chart-title chart-caption" },
    svg("title", { id: "chart-title" }, `${human(theme)}: statements per year`));
}

// A bar that lists its statements when followed.
function barLink(theme, year, n, rect) {
  return svg("a", { href: `#/?theme=${encodeURIComponent(theme)}&year=${year}`, "aria-label": `${year}: ${n} statements; list them` },
    svg("title", {}, `${year}: ${n}`), rect);
}

function uprightBars(theme, row, years) {
  const max = Math.max(1, ...row.counts);
  const slot = 52, top = 24, plot = 180, left = 8, bottom = 28;
  const width = left * 2 + slot * years.length;
  const chart = chartFrame(theme, width, top + plot + bottom);
  chart.append(svg("line", { class: "axis", x1: left, x2: width - left, y1: top + plot, y2: top + plot }));
  years.forEach((y, i) => {
    const n = row.counts[i];
    const h = Math.round((n / max) * plot);
    const x = left + i * slot + 8, w = slot - 16;
    chart.append(
      barLink(theme, y, n, svg("rect", { class: "bar", x, y: top + plot - h, width: w, height: Math.max(h, n ? 2 : 0) })),
      svg("text", { x: x + w / 2, y: top + plot - h - 6, "text-anchor": "middle" }, String(n)),
      svg("text", { x: x + w / 2, y: top + plot + 18, "text-anchor": "middle" }, String(y)));
  });
  return chart;
}

function sidewaysBars(theme, row, years, width) {
  const max = Math.max(1, ...row.counts);
  const rowH = 26, label = 44, countRoom = 34;
  const plot = Math.max(60, width - label - countRoom);
  const chart = chartFrame(theme, width, rowH * years.length + 4);
  chart.append(svg("line", { class: "axis", x1: label, x2: label, y1: 0, y2: rowH * years.length + 4 }));
  years.forEach((y, i) => {
    const n = row.counts[i];
    const w = Math.round((n / max) * plot);
    const top = i * rowH + 4;
    chart.append(
      svg("text", { x: 0, y: top + 15 }, String(y)),
      barLink(theme, y, n, svg("rect", { class: "bar", x: label, y: top, width: Math.max(w, n ? 2 : 0), height: rowH - 8 })),
      svg("text", { x: label + w + 6, y: top + 15 }, String(n)));
  });
  return chart;
}

function renderTable() {
  const years = overview.years;
  const table = el("table", { class: "counts" },
    el("caption", { class: "visually-hidden" }, "Statements per theme per year"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Theme"), years.map((y) => el("th", { scope: "col" }, String(y))), el("th", { scope: "col" }, "All"))),
    el("tbody", {}, overview.themes.map((t) => el("tr", {},
      el("th", { scope: "row" }, human(t.theme)),
      t.counts.map((n) => el("td", {}, n ? String(n) : "")),
      el("td", {}, String(t.total))))));
  $("overview-table").replaceChildren(table);
}

function renderOpenChains() {
  const items = overview.open_chains.map((c) => el("li", {},
    el("a", { href: "#/statement/" + encodeURIComponent(c.first_statement) }, c.force), ": ",
    `${c.reports} reports, ${yearOf(c.first_seen)} to ${yearOf(c.last_seen)}`,
    c.latest_status ? `, latest: ${statusWords(c.latest_status)}` : ", no status stated",
    c.themes.length ? ` (${c.themes.map(human).join(", ").toLowerCase()})` : ""));
  $("open-chains").replaceChildren(...(items.length ? items : [el("li", {}, "No open chains.")]));
}

// ---------------------------------------------------------------- routing

function showView(name) {
  for (const v of ["search", "statement", "overview"]) $("view-" + v).hidden = v !== name;
  for (const [nav, view] of [["nav-search", "search"], ["nav-overview", "overview"]]) {
    if (name === view) $(nav).setAttribute("aria-current", "page");
    else $(nav).removeAttribute("aria-current");
  }
}

let lastSearchHash = "#/";

async function route() {
  const hash = location.hash || "#/";
  const m = hash.match(/^#\/statement\/([^?#]+)/);
  if (m) {
    showView("statement");
    $("back").href = lastSearchHash;
    await showStatement(decodeURIComponent(m[1]));
    window.scrollTo(0, 0);
  } else if (hash.startsWith("#/overview")) {
    showView("overview");
    document.title = "Theme overview – Inspection findings";
    await showOverview();
  } else {
    lastSearchHash = hash;
    showView("search");
    const qs = hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "";
    await showSearch(new URLSearchParams(qs));
    document.title = (current.q ? `${current.q} – ` : "") + "Inspection findings";
    restoreFocus();
  }
  document.body.dataset.ready = "true";
}

function init() {
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    go({ ...current, q: $("q").value.trim(), offset: 0 });
  });
  $("clear-filters").addEventListener("click", () => {
    go({ q: current.q, year: "", offset: 0, theme: [], kind: [], force: [], body: [], publisher: [], type: [] });
  });
  $("prev").addEventListener("click", () => go({ ...current, offset: Math.max(0, current.offset - PAGE_SIZE) }));
  $("next").addEventListener("click", () => go({ ...current, offset: current.offset + PAGE_SIZE }));
  $("chart-theme").addEventListener("change", (ev) => drawChart(ev.target.value));
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (overview && !$("view-overview").hidden) drawChart($("chart-theme").value); }, 150);
  });
  // Filters start folded on narrow screens so results come first.
  if (window.matchMedia("(max-width: 760px)").matches) $("filters").open = false;
  window.addEventListener("hashchange", route);
  route();
}

document.addEventListener("DOMContentLoaded", init);
