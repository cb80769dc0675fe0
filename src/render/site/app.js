// paperwatch site: instant search, topic and date filters, sorting. No dependencies.
// Paper text is untrusted: it only ever reaches the page through textContent.
(function () {
  "use strict";
  var data = window.PAPERWATCH_DATA;
  var list = document.getElementById("papers");
  var count = document.getElementById("count");
  var more = document.getElementById("more");
  var q = document.getElementById("q");
  var topic = document.getElementById("topic");
  var from = document.getElementById("from");
  var to = document.getElementById("to");
  var sort = document.getElementById("sort");
  if (!data || !list) {
    if (count) count.textContent = "No data: papers.js is missing.";
    return;
  }
  var PAGE = 200;
  var shown = PAGE;
  var papers = data.papers;
  for (var i = 0; i < papers.length; i++) {
    var p = papers[i];
    p.haystack = (p.title + " " + p["abstract"] + " " + p.authors.join(" ")).toLowerCase();
    p.node = null;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function link(href, text) {
    var a = el("a", null, text);
    a.href = href;
    return a;
  }

  function render(p) {
    if (p.node) return p.node;
    var vid = p.id + "v" + p.version;
    var li = el("li", "paper");
    li.id = p.anchor;
    var h = el("h2");
    h.appendChild(link("https://arxiv.org/abs/" + vid, p.title));
    li.appendChild(h);
    var meta = el("p", "meta");
    var time = el("time", null, p.date);
    time.dateTime = p.date;
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · " + p.authors.join(", ")));
    li.appendChild(meta);
    var tags = el("p", "tags");
    for (var c = 0; c < p.categories.length; c++) tags.appendChild(el("span", "cat", p.categories[c]));
    for (var t = 0; t < p.topics.length; t++) {
      var tp = data.topics[p.topics[t]];
      var ta = link((document.body.dataset.topic ? "" : "topics/") + tp.slug + ".html", tp.name);
      ta.className = "topic";
      tags.appendChild(ta);
    }
    li.appendChild(tags);
    if (p.tldr) li.appendChild(el("p", "tldr", p.tldr));
    var details = el("details");
    details.appendChild(el("summary", null, "Abstract"));
    details.appendChild(el("p", "abstract", p["abstract"]));
    li.appendChild(details);
    var links = el("p", "links");
    links.appendChild(link("https://arxiv.org/pdf/" + vid, "PDF"));
    links.appendChild(link("https://arxiv.org/abs/" + vid, "arXiv " + vid));
    if (p.code) links.appendChild(link(p.code, "Code"));
    var self = link("#" + p.anchor, "#");
    self.setAttribute("aria-label", "Link to this paper");
    links.appendChild(self);
    li.appendChild(links);
    p.node = li;
    return li;
  }

  function matches(p, terms, t, f, u) {
    if (t !== "" && p.topics.indexOf(+t) < 0) return false;
    if (f && p.date < f) return false;
    if (u && p.date > u) return false;
    for (var k = 0; k < terms.length; k++) if (p.haystack.indexOf(terms[k]) < 0) return false;
    return true;
  }

  var orders = {
    "new": function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : (a.id < b.id ? 1 : -1); },
    "old": function (a, b) { return a.date > b.date ? 1 : a.date < b.date ? -1 : (a.id > b.id ? 1 : -1); },
    "score": function (a, b) { return (b.rank || 0) - (a.rank || 0) || (a.id < b.id ? 1 : -1); },
    "title": function (a, b) { return a.title.localeCompare(b.title); }
  };

  function apply() {
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var hits = papers.filter(function (p) { return matches(p, terms, topic.value, from.value, to.value); });
    // "Most relevant" in a topic ranks by that topic's score, not the best over all topics.
    for (var h = 0; h < hits.length; h++) {
      var at = topic.value === "" ? -1 : hits[h].topics.indexOf(+topic.value);
      hits[h].rank = at < 0 || !hits[h].scores ? hits[h].score : hits[h].scores[at];
    }
    hits.sort(orders[sort.value] || orders["new"]);
    var target = location.hash.slice(1);
    var limit = shown;
    if (target) {
      for (var i = 0; i < hits.length; i++) if (hits[i].anchor === target) { limit = Math.max(limit, i + 1); break; }
    }
    var frag = document.createDocumentFragment();
    for (var j = 0; j < hits.length && j < limit; j++) frag.appendChild(render(hits[j]));
    list.replaceChildren(frag);
    count.textContent = hits.length + (hits.length === 1 ? " paper" : " papers") +
      (hits.length > limit ? " (showing " + limit + ")" : "");
    more.hidden = hits.length <= limit;
  }

  function reset() { shown = PAGE; apply(); }
  q.addEventListener("input", reset);
  topic.addEventListener("change", reset);
  from.addEventListener("change", reset);
  to.addEventListener("change", reset);
  sort.addEventListener("change", reset);
  more.addEventListener("click", function () { shown += PAGE; apply(); });
  window.addEventListener("hashchange", apply);
  apply();
  var target = location.hash && document.getElementById(location.hash.slice(1));
  if (target) target.scrollIntoView();
})();
