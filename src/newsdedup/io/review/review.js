// The review page: clusters from the embedded JSON, built into the DOM only as
// they come into view (a page of PAGE clusters at a time), filtered by relation
// and by a search box. Text goes in through textContent only: article text
// never becomes markup.
"use strict";
(function () {
  const PAGE = 30;
  const RELATIONS = ["exact", "near", "partial", "rewrite"];
  const data = JSON.parse(document.getElementById("data").textContent);
  const articles = data.articles;
  const clustersEl = document.getElementById("clusters");
  const moreEl = document.getElementById("more");
  const shownEl = document.getElementById("shown");
  const searchEl = document.getElementById("search");
  const state = { relations: new Set(), query: "", matching: [], rendered: 0 };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function plural(n, noun) { return n + " " + noun + (n === 1 ? "" : "s"); }
  function pct(x) { return Math.round(x * 100) + "%"; }

  // --- filters ------------------------------------------------------------------
  const counts = {};
  for (const c of data.clusters) for (const m of c.members) counts[m.relation] = (counts[m.relation] || 0) + 1;
  const relations = RELATIONS.filter((r) => counts[r]).concat(Object.keys(counts).filter((r) => !RELATIONS.includes(r)));
  const filtersEl = document.getElementById("filters");
  for (const r of relations) {
    state.relations.add(r);
    const box = el("input", { type: "checkbox", value: r, "data-relation": r });
    box.checked = true;
    box.addEventListener("change", () => {
      if (box.checked) state.relations.add(r); else state.relations.delete(r);
      refresh();
    });
    filtersEl.append(el("label", {}, box, " ", el("span", { class: "relation " + r.replace(/\W/g, "-") }, r), " " + counts[r]));
  }

  function haystack(c) {
    if (c._hay === undefined) {
      const parts = [];
      for (const id of [c.original].concat(c.members.map((m) => m.id))) {
        const a = articles[id] || { id };
        parts.push(id, a.title || "", a.source || "", a.text || "");
      }
      c._hay = parts.join("\n").toLowerCase();
    }
    return c._hay;
  }

  function visibleMembers(c) { return c.members.filter((m) => state.relations.has(m.relation)); }

  function refresh() {
    state.matching = data.clusters.filter(
      (c) => visibleMembers(c).length > 0 && (!state.query || haystack(c).includes(state.query)),
    );
    state.rendered = 0;
    clustersEl.replaceChildren();
    renderMore();
  }

  function renderMore() {
    const stop = Math.min(state.rendered + PAGE, state.matching.length);
    const frag = document.createDocumentFragment();
    for (let i = state.rendered; i < stop; i++) frag.append(clusterCard(state.matching[i]));
    clustersEl.append(frag);
    state.rendered = stop;
    moreEl.hidden = state.rendered >= state.matching.length;
    shownEl.textContent = state.matching.length === data.clusters.length
      ? plural(data.clusters.length, "cluster")
      : state.matching.length + " of " + plural(data.clusters.length, "cluster") + " match";
    if (!state.matching.length) {
      clustersEl.append(el("p", { class: "empty" },
        data.clusters.length ? "No cluster matches these filters." : "No duplicates found."));
    }
  }

  // --- one cluster ----------------------------------------------------------------
  function clusterCard(c) {
    const members = visibleMembers(c);
    const card = el("section", { class: "cluster", "data-cluster": String(c.cluster) });
    const size = c.members.length + 1;
    card.append(el("h2", {}, "Cluster " + c.cluster + " ", el("span", { class: "size" }, "· " + plural(size, "article") + " · original " + c.original)));
    const list = el("ul", { class: "members" });
    const pairEl = el("div", { class: "pair" });
    members.forEach((m, i) => {
      const button = el("button", { type: "button", "aria-pressed": String(i === 0), "data-relation": m.relation },
        el("span", { class: "relation " + m.relation.replace(/\W/g, "-") }, m.relation), " " + m.id);
      button.addEventListener("click", () => {
        for (const b of list.querySelectorAll("button")) b.setAttribute("aria-pressed", "false");
        button.setAttribute("aria-pressed", "true");
        pairEl.replaceChildren(...pairView(c, m));
      });
      list.append(el("li", {}, button));
    });
    pairEl.append(...pairView(c, members[0]));
    card.append(list, pairEl);
    return card;
  }

  function head(id, label, extra) {
    const a = articles[id] || { id };
    const meta = [a.source, a.date ? a.date.slice(0, 16).replace("T", " ") : null].filter(Boolean).join(" · ");
    return el("div", { class: "head" }, label, " ", el("span", { class: "id" }, id),
      a.title ? el("span", { class: "title" }, a.title) : null,
      meta ? el("span", { class: "meta" }, meta) : null, extra || null);
  }

  function pairView(c, m) {
    const s = m.scores;
    const scores = el("p", { class: "scores" },
      el("span", { class: "relation " + m.relation.replace(/\W/g, "-") }, m.relation),
      " jaccard " + s.jaccard.toFixed(2) + " · containment " + s.containment.toFixed(2) +
      " · cosine " + s.cosine.toFixed(2) + " · figures agree " + pct(s.numbers));
    const left = el("div", { class: "side original" }, head(c.original, "Original"),
      markedText(c.original, m.marks ? m.marks.original : null, "cut"));
    const right = el("div", { class: "side copy", "data-relation": m.relation }, head(m.id, "Copy", scores),
      markedText(m.id, m.marks ? m.marks.copy : null, "added"));
    if (m.reason) right.append(el("p", { class: "note" }, m.reason));
    return [left, right];
  }

  function markedText(id, ranges, outside) {
    const text = (articles[id] || {}).text;
    const pre = el("pre", { class: "text" });
    if (text === undefined) { pre.append(el("span", { class: "note" }, "(text not available)")); return pre; }
    if (!ranges) {
      pre.append(text);
      return el("div", {}, pre, el("p", { class: "note" }, "Passages not worked out for this pair (the page marks the largest clusters first)."));
    }
    let at = 0;
    for (const [lo, hi] of ranges) {
      if (lo > at) pre.append(el("span", { class: outside }, text.slice(at, lo)));
      pre.append(el("mark", { class: "shared" }, text.slice(lo, hi)));
      at = hi;
    }
    if (at < text.length) pre.append(el("span", { class: outside }, text.slice(at)));
    return pre;
  }

  // --- wiring -------------------------------------------------------------------------
  const sm = data.summary;
  document.getElementById("summary").textContent =
    plural(sm.articles, "article") + ": " + plural(sm.clusters, "cluster") + ", " + plural(sm.duplicates, "duplicate") +
    (sm.pairs !== undefined && sm.marked_pairs < sm.pairs ? " (passages marked for the " + sm.marked_pairs + " pairs of the largest clusters)" : "") +
    (data.created ? " · made " + data.created.replace("T", " ") : "");
  let timer = null;
  searchEl.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.query = searchEl.value.trim().toLowerCase(); refresh(); }, 150);
  });
  document.getElementById("more-button").addEventListener("click", renderMore);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && state.rendered < state.matching.length) renderMore();
    }, { rootMargin: "800px" }).observe(moreEl);
  }
  refresh();
})();
